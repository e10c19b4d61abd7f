/**
 * The NGINX sidecar: learned eviction beside a patched NGINX, which asks a local process over a Unix
 * socket which of its K least recently used cache entries to evict.
 *
 * <p>{@link io.reflex.sidecar.SidecarMain} runs one sidecar as a process of its own until SIGTERM
 * (the same server as {@code ./reflex sidecar}). The pieces live in sub-packages:
 * {@code io.reflex.sidecar.protocol} (the wire format) and {@code io.reflex.sidecar.server} (the
 * server, its settings, hot reload and metrics). The NGINX patch and its build script are under
 * {@code nginx-sidecar/nginx}, outside the Java sources; real NGINX, an origin and a load generator
 * for the end-to-end tests and benchmarks are in the harness module ({@code io.reflex.harness.nginx}).
 */
package io.reflex.sidecar;
