/**
 * The NGINX sidecar: learned eviction beside a patched NGINX, which asks a local process over a Unix
 * socket which of its K least recently used cache entries to evict.
 *
 * <p>{@link io.reflex.sidecar.SidecarMain} runs one sidecar as a process of its own until SIGTERM
 * (the same server as {@code ./reflex sidecar}). The pieces live in sub-packages:
 * {@code io.reflex.sidecar.protocol} (the wire format), {@code io.reflex.sidecar.server} (the
 * server, its settings, hot reload and metrics) and {@code io.reflex.sidecar.harness} (real NGINX,
 * an origin and a load generator, for integration tests and benchmarks). The NGINX patch and its
 * build script are under {@code nginx-sidecar/nginx}, outside the Java sources.
 */
package io.reflex.sidecar;
