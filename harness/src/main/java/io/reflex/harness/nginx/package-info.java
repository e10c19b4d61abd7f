/**
 * Real NGINX in front of a local origin, driven from Java: what the end-to-end NGINX tests and
 * {@code ./reflex sidecar bench} use to measure stock NGINX (LRU) against NGINX with the Reflex patch.
 *
 * <p>{@link io.reflex.harness.nginx.NginxBuild} builds (or finds up to date) the stock and patched
 * binaries; {@link io.reflex.harness.nginx.NginxServer} runs one with {@code proxy_cache} in a
 * directory of its own; {@link io.reflex.harness.nginx.Origin} serves deterministic bodies for it
 * to cache; {@link io.reflex.harness.nginx.HttpLoad} replays request paths and records status,
 * cache status and latency; {@link io.reflex.harness.nginx.SidecarProcess} runs a sidecar in a JVM
 * of its own, so it can be killed like the real thing. {@link io.reflex.harness.nginx.ReflexStats}
 * reads the counters the patched NGINX writes, and {@link io.reflex.harness.nginx.Prometheus} those
 * the sidecar publishes.
 *
 * <p>Test and benchmark code, not a serving path: it allocates freely. The origin is thread-safe;
 * starting and stopping NGINX or a sidecar process are not, and a load generator serves one run.
 */
package io.reflex.harness.nginx;
