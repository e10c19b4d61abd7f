/**
 * Example: embedding learned eviction in a Java service.
 * {@link io.reflex.examples.caffeine.CachingHttpService} is a small loopback HTTP service that caches
 * a simulated origin's responses in the Caffeine adapter's
 * {@link io.reflex.adapters.caffeine.ReflexCache} and serves Caffeine's and Reflex's meters at
 * {@code /metrics}. Without a model file it generates an untrained seeded policy, so the example
 * runs as shipped; the cache's choices are then not trained ones.
 *
 * <p>Threading: the HTTP handlers run on a small pool and share the cache, which is thread-safe.
 */
package io.reflex.examples.caffeine;
