/**
 * Wire protocol version 1 between NGINX and the sidecar: length-prefixed little-endian frames
 * (EVICT with K candidates of six features, VICTIMS with a 64-bit victim mask, ERROR with a code and
 * a message). {@link io.reflex.sidecar.protocol.Wire} holds the layout and its constants (the full
 * reference is docs/reference.md); {@link io.reflex.sidecar.protocol.FrameDecoder} and
 * {@link io.reflex.sidecar.protocol.FrameEncoder} read and write frames in place, for the sidecar
 * and for clients (tests, benchmarks); a broken frame raises a
 * {@link io.reflex.sidecar.protocol.ProtocolException} carrying the
 * {@link io.reflex.sidecar.protocol.ErrorCode} to reply with and whether the connection must close.
 *
 * <p>Threading: a decoder and an encoder each serve one connection and are not thread-safe (only
 * {@code FrameDecoder.partialSince()} may be read from another thread, by the stall watchdog).
 * Decoding and encoding EVICT and VICTIMS frames allocate nothing; errors, and the client-side
 * {@code FrameDecoder.errorMessage()}, allocate.
 */
package io.reflex.sidecar.protocol;
