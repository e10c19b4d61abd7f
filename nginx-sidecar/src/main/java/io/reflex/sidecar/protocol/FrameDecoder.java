package io.reflex.sidecar.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads protocol-v1 frames from a blocking channel into one reused direct buffer and exposes the
 * current frame's fields in place (no copies, no objects per frame).
 *
 * <p>{@link #next} enforces the framing (a {@code length} in [8, 4096], no end of stream inside a
 * frame) and throws a fatal {@link ProtocolException} when it is broken; the whole frame is read
 * before anything else is checked, so a frame that fails {@link #checkEvict} can be answered and
 * skipped. Reads are greedy: a frame that arrives in one segment costs one {@code read} call.
 *
 * <p>Not thread-safe: one per connection. {@link #partialSince()} may be read from any thread
 * (a watchdog uses it to drop peers that stall inside a frame). Allocation-free except on errors
 * and in the client-side {@link #errorMessage()}.
 */
public final class FrameDecoder {

    private static final int FRAME_CAPACITY = Wire.LENGTH_FIELD + Wire.MAX_LENGTH;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(2 * FRAME_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    private int start;          // first byte of unconsumed data
    private int end;            // one past the last byte read
    private int frame = -1;     // start of the current frame, -1 when none
    private int length;
    private int version;
    private int type;
    private int count;
    private long requestId;
    private volatile long partialSince;

    /** Forgets any buffered bytes: the decoder is ready for a new connection. */
    public void reset() {
        start = end = 0;
        frame = -1;
        length = 0;
        requestId = 0;
        partialSince = 0;
    }

    /**
     * Reads the next frame.
     *
     * @return true when a frame is ready; false when the peer closed the stream between frames
     * @throws ProtocolException (fatal) for a length outside [8, 4096] or a stream that ends mid-frame
     * @throws IOException when the channel fails
     */
    public boolean next(ReadableByteChannel channel) throws IOException, ProtocolException {
        if (frame >= 0) {
            start = frame + Wire.LENGTH_FIELD + length;
            frame = -1;
        }
        if (start == end) {
            start = end = 0;
        }
        if (!fill(channel, Wire.LENGTH_FIELD)) {
            return false;
        }
        int len = buf.getInt(start);
        if (len < Wire.MIN_LENGTH || len > Wire.MAX_LENGTH) {
            partialSince = 0;
            throw new ProtocolException(ErrorCode.LENGTH_MISMATCH, 0, true, "frame length " + Integer.toUnsignedString(len)
                    + " is outside [" + Wire.MIN_LENGTH + ", " + Wire.MAX_LENGTH + "]");
        }
        if (!fill(channel, Wire.LENGTH_FIELD + len)) {
            throw closedMidFrame();
        }
        partialSince = 0;
        frame = start;
        length = len;
        version = buf.get(frame + 4) & 0xFF;
        type = buf.get(frame + 5) & 0xFF;
        count = buf.getShort(frame + 6) & 0xFFFF;
        requestId = buf.getInt(frame + 8) & 0xFFFF_FFFFL;
        return true;
    }

    /**
     * Ensures {@code need} bytes from {@code start}; false on end of stream before any byte of the
     * frame, a fatal error on end of stream after some.
     */
    private boolean fill(ReadableByteChannel channel, int need) throws IOException, ProtocolException {
        while (end - start < need) {
            if (start + need > buf.capacity()) {
                buf.limit(end).position(start);
                buf.compact();
                end -= start;
                start = 0;
                buf.clear();
            }
            if (end > start && partialSince == 0) {
                partialSince = System.nanoTime() | 1;
            }
            buf.limit(buf.capacity()).position(end);
            int n = channel.read(buf);
            if (n < 0) {
                if (end == start) {
                    partialSince = 0;
                    return false;
                }
                throw closedMidFrame();
            }
            end += n;
            if (end > start && partialSince == 0 && end - start < need) {
                partialSince = System.nanoTime() | 1;
            }
        }
        return true;
    }

    private ProtocolException closedMidFrame() {
        partialSince = 0;
        return new ProtocolException(ErrorCode.LENGTH_MISMATCH, 0, true,
                "connection closed mid-frame after " + (end - start) + " bytes");
    }

    /**
     * Checks that the current frame is a well-formed EVICT of at most {@code maxCount} candidates
     * with finite, non-negative features. Non-fatal: the frame has been read in full.
     */
    public void checkEvict(int maxCount) throws ProtocolException {
        if (version != Wire.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, requestId, false,
                    "version " + version + " is not supported (this sidecar speaks " + Wire.VERSION + ")");
        }
        if (type != Wire.TYPE_EVICT) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, requestId, false,
                    "frame type " + type + " is not EVICT (" + Wire.TYPE_EVICT + ")");
        }
        if (count == 0 || count > Wire.MAX_K || count > maxCount) {
            throw new ProtocolException(ErrorCode.BAD_COUNT, requestId, false,
                    "count " + count + " is outside [1, " + Math.min(Wire.MAX_K, maxCount) + "]");
        }
        if (length != Wire.evictLength(count)) {
            throw new ProtocolException(ErrorCode.LENGTH_MISMATCH, requestId, false,
                    "length " + length + " does not match count " + count + " (expected " + Wire.evictLength(count) + ")");
        }
        int base = frame + Wire.BODY_OFFSET;
        for (int i = 0, n = count * Wire.FEATURES; i < n; i++) {
            float v = buf.getFloat(base + i * Float.BYTES);
            if (!(v >= 0f) || v == Float.POSITIVE_INFINITY) {
                throw new ProtocolException(ErrorCode.BAD_FEATURE, requestId, false, "candidate " + i / Wire.FEATURES
                        + " feature " + Wire.featureName(i % Wire.FEATURES) + " = " + v + " (must be finite and >= 0)");
            }
        }
    }

    /** The current frame's {@code length} field. */
    public int length() {
        return length;
    }

    public int version() {
        return version;
    }

    public int type() {
        return type;
    }

    public int count() {
        return count;
    }

    /** The request id (u32, as a long). */
    public long requestId() {
        return requestId;
    }

    /** Feature {@code f} (0..5, wire order) of candidate {@code i} of the current EVICT frame. */
    public float feature(int i, int f) {
        return buf.getFloat(frame + Wire.BODY_OFFSET + (i * Wire.FEATURES + f) * Float.BYTES);
    }

    /** The mask of the current VICTIMS frame (client side). */
    public long mask() {
        return buf.getLong(frame + Wire.BODY_OFFSET);
    }

    /** The code number of the current ERROR frame (client side). */
    public int errorCode() {
        return buf.getShort(frame + Wire.BODY_OFFSET) & 0xFFFF;
    }

    /** The message of the current ERROR frame (client side; allocates), clipped to the frame. */
    public String errorMessage() {
        int n = buf.getShort(frame + Wire.BODY_OFFSET + 2) & 0xFFFF;
        int available = Math.max(0, length - Wire.HEADER_AFTER_LENGTH - 4);
        byte[] bytes = new byte[Math.min(n, available)];
        buf.get(frame + Wire.BODY_OFFSET + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * When the decoder started waiting for the rest of a frame ({@link System#nanoTime()}, odd), or 0
     * when it is between frames. Readable from any thread.
     */
    public long partialSince() {
        return partialSince;
    }
}
