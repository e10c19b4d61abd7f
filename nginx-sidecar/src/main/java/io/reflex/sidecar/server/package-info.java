/**
 * The sidecar server: {@link io.reflex.sidecar.server.SidecarServer} answers NGINX's EVICT frames
 * with victim masks from the engine's {@link io.reflex.engine.eviction.EvictionLoop}, over a Unix
 * socket it binds with mode 0660 and exposes only after warming the request path up.
 * {@link io.reflex.sidecar.server.SidecarConfig} holds its validated settings;
 * {@link io.reflex.sidecar.server.ModelWatcher} polls the model file and offers a changed one to the
 * engine's {@link io.reflex.engine.runtime.PolicyStore}, which swaps it in only after full
 * validation; {@link io.reflex.sidecar.server.SidecarMetrics} and
 * {@link io.reflex.sidecar.server.MetricsEndpoint} publish counters for Prometheus on the loopback;
 * {@link io.reflex.sidecar.server.SidecarLog} writes one plain line per event to stderr.
 *
 * <p>Threading: the server is thread-safe. Each handler thread serves one connection at a time with
 * its own decider, decoder, encoder and channel ({@code SpinningChannel}, which polls briefly before
 * blocking), all built once; a watchdog, the model watcher and the metrics endpoint run on threads of
 * their own. The path EVICT → VICTIMS allocates nothing per frame; error replies, logs and model polls
 * allocate, off that path.
 */
package io.reflex.sidecar.server;
