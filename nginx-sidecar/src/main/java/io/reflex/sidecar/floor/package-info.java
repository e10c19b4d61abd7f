/**
 * The LRU floor beside NGINX: the sidecar follows NGINX's access log in Reflex's extended format
 * ({@link io.reflex.sidecar.floor.AccessLogFollower}, {@link io.reflex.sidecar.floor.AccessLogLine}),
 * the request stream the patch does not send, and feeds it to the engine's
 * {@link io.reflex.engine.adapt.LruFloor} ({@link io.reflex.sidecar.floor.SidecarFloor}), which
 * demotes a history-1 model that loses to LRU on the live traffic and promotes it again when its
 * miniature wins. Off the decision path: one thread reads the log; the responders read one flag.
 */
package io.reflex.sidecar.floor;
