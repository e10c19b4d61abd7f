package io.reflex.sidecar.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads frames of both protocol versions from a blocking channel into one reused direct buffer and
 * exposes the current frame's fields in place (no copies, no objects per frame). Version 1
 * ({@link Wire}) carries Cold-RL's six features per candidate; version 2 ({@link WireV2}, layout
 * with offsets there and in docs/reference.md) names a schema and carries its columns per row.
 *
 * <p>{@link #next} enforces the framing, which both versions share (a {@code length} in [8, 4096],
 * no end of stream inside a frame), and throws a fatal {@link ProtocolException} when it is broken;
 * the whole frame is read before anything else is checked, so a frame that fails
 * {@link #checkEvict} or {@link #checkEvictV2} can be answered and skipped. Reads are greedy: a
 * frame that arrives in one segment costs one {@code read} call.
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
     * Checks that the current frame is a well-formed version-1 EVICT of at most {@code maxCount}
     * candidates with finite, non-negative features. Non-fatal: the frame has been read in full.
     */
    public void checkEvict(int maxCount) throws ProtocolException {
        if (version != Wire.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, requestId, false,
                    "version " + version + " is not supported here (expected " + Wire.VERSION + ")");
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

    /**
     * Checks that the current frame is a well-formed version-2 EVICT of at most {@code maxCount}
     * candidates for schema {@code schema}, drawn as {@code sampled} says, with valid values (every
     * one finite and at least 0, a gap also exactly -1). Checks, in order, each answered with the
     * first failure: version (1), type (2), count (3), a body long enough for its prefix (4), schema,
     * width, flags and candidate set (7), length against count and flags (4), values (5).
     * Non-fatal: the frame has been read in full.
     */
    public void checkEvictV2(int maxCount, int schema, boolean sampled) throws ProtocolException {
        if (version != WireV2.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, requestId, false,
                    "version " + version + " is not supported here (expected " + WireV2.VERSION + ")");
        }
        if (type != Wire.TYPE_EVICT) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, requestId, false,
                    "frame type " + type + " is not EVICT (" + Wire.TYPE_EVICT + ")");
        }
        if (count == 0 || count > Wire.MAX_K || count > maxCount) {
            throw new ProtocolException(ErrorCode.BAD_COUNT, requestId, false,
                    "count " + count + " is outside [1, " + Math.min(Wire.MAX_K, maxCount) + "]");
        }
        if (length < Wire.HEADER_AFTER_LENGTH + WireV2.EVICT_PREFIX) {
            throw new ProtocolException(ErrorCode.LENGTH_MISMATCH, requestId, false, "length " + length
                    + " leaves no room for the schema, width and flags (at least "
                    + (Wire.HEADER_AFTER_LENGTH + WireV2.EVICT_PREFIX) + ")");
        }
        int s = schema();
        int w = width();
        int f = flags();
        int reserved = buf.get(frame + Wire.BODY_OFFSET + 3) & 0xFF;
        if (s != schema) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_SCHEMA, requestId, false, "schema "
                    + WireV2.schemaName(s) + " is not the served model's " + WireV2.schemaName(schema));
        }
        if (w != WireV2.width(schema)) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_SCHEMA, requestId, false, "width " + w
                    + " is not " + WireV2.schemaName(schema) + "'s " + WireV2.width(schema) + " columns");
        }
        if ((f & ~(WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED)) != 0 || reserved != 0) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_SCHEMA, requestId, false, "flags 0x"
                    + Integer.toHexString(f) + ", reserved byte " + reserved + ": only flag bits 0 and 1 are defined");
        }
        boolean frameSampled = (f & WireV2.FLAG_SAMPLED) != 0;
        if (frameSampled != sampled) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_SCHEMA, requestId, false, "the candidates are "
                    + (frameSampled ? "sampled uniformly" : "the K least recently used") + ", but the model was "
                    + "trained on " + (sampled ? "sampled candidates (reflex.candidates=sampled)"
                    : "the K least recently used (reflex.candidates=lru)"));
        }
        int rows = rows();
        if (length != WireV2.evictLength(rows, w)) {
            throw new ProtocolException(ErrorCode.LENGTH_MISMATCH, requestId, false, "length " + length
                    + " does not match count " + count + (incoming() ? " plus the incoming row" : "") + " of " + w
                    + " columns (expected " + WireV2.evictLength(rows, w) + ")");
        }
        int base = frame + WireV2.ROWS_OFFSET;
        for (int i = 0, n = rows * w; i < n; i++) {
            float v = buf.getFloat(base + i * Float.BYTES);
            int c = i % w;
            if (!(v >= 0f && v < Float.POSITIVE_INFINITY) && !(v == -1f && WireV2.mayBeUnknown(c))) {
                int row = i / w;
                throw new ProtocolException(ErrorCode.BAD_FEATURE, requestId, false,
                        (row == count ? "incoming row" : "candidate " + row) + " column " + WireV2.columnName(c) + " = "
                        + v + " (must be finite and >= 0" + (WireV2.mayBeUnknown(c) ? ", or -1 for unknown)" : ")"));
            }
        }
    }

    /** The schema number of the current version-2 EVICT (valid once its length is checked). */
    public int schema() {
        return buf.get(frame + Wire.BODY_OFFSET) & 0xFF;
    }

    /** The row width of the current version-2 EVICT. */
    public int width() {
        return buf.get(frame + Wire.BODY_OFFSET + 1) & 0xFF;
    }

    /** The flags of the current version-2 EVICT. */
    public int flags() {
        return buf.get(frame + Wire.BODY_OFFSET + 2) & 0xFF;
    }

    /** Whether the current version-2 EVICT carries the incoming object's row (after the candidates). */
    public boolean incoming() {
        return (flags() & WireV2.FLAG_INCOMING) != 0;
    }

    /** Rows of the current version-2 EVICT: the candidates, plus one when {@link #incoming()}. */
    public int rows() {
        return count + (incoming() ? 1 : 0);
    }

    /** Column {@code c} of row {@code row} of the current version-2 EVICT. */
    public float value(int row, int c) {
        return buf.getFloat(frame + WireV2.ROWS_OFFSET + (row * width() + c) * Float.BYTES);
    }

    /** Copies row {@code row} of the current version-2 EVICT into {@code dst} from {@code offset}. */
    public void row(int row, float[] dst, int offset) {
        int w = width();
        int base = frame + WireV2.ROWS_OFFSET + row * w * Float.BYTES;
        for (int c = 0; c < w; c++) {
            dst[offset + c] = buf.getFloat(base + c * Float.BYTES);
        }
    }

    /** The admission answer of the current version-2 VICTIMS frame (client side). */
    public int admission() {
        return buf.get(frame + Wire.BODY_OFFSET + Long.BYTES) & 0xFF;
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

    /** The mask of the current VICTIMS frame, either version (client side). */
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
