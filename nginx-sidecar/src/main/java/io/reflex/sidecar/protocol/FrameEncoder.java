package io.reflex.sidecar.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames of both protocol versions ({@link Wire}, {@link WireV2}) through one reused direct
 * buffer: VICTIMS and ERROR replies (the sidecar's side) and EVICT requests (a client's side: tests,
 * benchmarks, the sidecar's warm-up).
 *
 * <p>Not thread-safe: one per connection. VICTIMS and EVICT frames allocate nothing; ERROR frames
 * encode their message (the error path).
 */
public final class FrameEncoder {

    private final ByteBuffer buf = ByteBuffer.allocateDirect(Wire.LENGTH_FIELD + Wire.MAX_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);

    /** Writes a version-1 VICTIMS reply. */
    public void victims(WritableByteChannel channel, long requestId, int count, long mask) throws IOException {
        header(Wire.VERSION, Wire.VICTIMS_LENGTH, Wire.TYPE_VICTIMS, count, requestId);
        buf.putLong(mask);
        flush(channel);
    }

    /**
     * Writes a version-2 VICTIMS reply: the mask and the admission answer ({@link WireV2#NOT_ASKED},
     * {@link WireV2#ADMIT} or {@link WireV2#DECLINE}).
     */
    public void victimsV2(WritableByteChannel channel, long requestId, int count, long mask, int admission)
            throws IOException {
        header(WireV2.VERSION, WireV2.VICTIMS_LENGTH, Wire.TYPE_VICTIMS, count, requestId);
        buf.putLong(mask).put((byte) admission).put((byte) 0).putShort((short) 0);
        flush(channel);
    }

    /** Writes a version-1 ERROR reply. */
    public void error(WritableByteChannel channel, long requestId, ErrorCode code, String message) throws IOException {
        error(channel, Wire.VERSION, requestId, code, message);
    }

    /**
     * Writes an ERROR reply in {@code version} (the request's, so that its sender reads it); the
     * message is clipped to what a frame holds (on a character boundary).
     */
    public void error(WritableByteChannel channel, int version, long requestId, ErrorCode code, String message)
            throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, Wire.MAX_ERROR_MESSAGE);
        while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) {
            n--;    // do not cut a UTF-8 sequence
        }
        header(version, Wire.HEADER_AFTER_LENGTH + 4 + n, Wire.TYPE_ERROR, 0, requestId);
        buf.putShort((short) code.code()).putShort((short) n).put(text, 0, n);
        flush(channel);
    }

    /**
     * Writes a version-2 EVICT: {@code count} candidates, plus the incoming object when {@code flags}
     * has {@link WireV2#FLAG_INCOMING}, each a row of {@code WireV2.width(schema)} values taken from
     * {@code rows} in order.
     */
    public void evictV2(WritableByteChannel channel, long requestId, int count, int schema, int flags, float[] rows)
            throws IOException {
        int width = WireV2.width(schema);
        int n = count + ((flags & WireV2.FLAG_INCOMING) != 0 ? 1 : 0);
        if (count < 1 || count > Wire.MAX_K || width < 0 || rows.length < n * width) {
            throw new IllegalArgumentException("count must be in [1, 64] and the schema known, with " + width
                    + " values per row, got count " + count + ", schema " + schema + " and " + rows.length + " values");
        }
        header(WireV2.VERSION, WireV2.evictLength(n, width), Wire.TYPE_EVICT, count, requestId);
        buf.put((byte) schema).put((byte) width).put((byte) flags).put((byte) 0);
        for (int i = 0; i < n * width; i++) {
            buf.putFloat(rows[i]);
        }
        flush(channel);
    }

    /**
     * Writes a version-1 EVICT request with {@code count} candidates whose features are
     * {@code features[i * 6 + f]} (wire order).
     */
    public void evict(WritableByteChannel channel, long requestId, int count, float[] features) throws IOException {
        if (count < 1 || count > Wire.MAX_K || features.length < count * Wire.FEATURES) {
            throw new IllegalArgumentException("count must be in [1, 64] with 6 features each, got " + count
                    + " and " + features.length + " features");
        }
        header(Wire.VERSION, Wire.evictLength(count), Wire.TYPE_EVICT, count, requestId);
        for (int i = 0, n = count * Wire.FEATURES; i < n; i++) {
            buf.putFloat(features[i]);
        }
        flush(channel);
    }

    /** Writes raw bytes (for tests that need frames the protocol forbids). */
    public void raw(WritableByteChannel channel, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void header(int version, int length, int type, int count, long requestId) {
        buf.clear();
        buf.putInt(length).put((byte) version).put((byte) type).putShort((short) count).putInt((int) requestId);
    }

    private void flush(WritableByteChannel channel) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
