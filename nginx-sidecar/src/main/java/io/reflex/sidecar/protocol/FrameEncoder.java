package io.reflex.sidecar.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes protocol-v1 frames through one reused direct buffer: VICTIMS and ERROR replies (the
 * sidecar's side) and EVICT requests (a client's side: tests, benchmarks).
 *
 * <p>Not thread-safe: one per connection. VICTIMS and EVICT frames allocate nothing; ERROR frames
 * encode their message (the error path).
 */
public final class FrameEncoder {

    private final ByteBuffer buf = ByteBuffer.allocateDirect(Wire.LENGTH_FIELD + Wire.MAX_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);

    /** Writes a VICTIMS reply. */
    public void victims(WritableByteChannel channel, long requestId, int count, long mask) throws IOException {
        header(Wire.VICTIMS_LENGTH, Wire.TYPE_VICTIMS, count, requestId);
        buf.putLong(mask);
        flush(channel);
    }

    /** Writes an ERROR reply; the message is clipped to what a frame holds (on a character boundary). */
    public void error(WritableByteChannel channel, long requestId, ErrorCode code, String message) throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, Wire.MAX_ERROR_MESSAGE);
        while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) {
            n--;    // do not cut a UTF-8 sequence
        }
        header(Wire.HEADER_AFTER_LENGTH + 4 + n, Wire.TYPE_ERROR, 0, requestId);
        buf.putShort((short) code.code()).putShort((short) n).put(text, 0, n);
        flush(channel);
    }

    /**
     * Writes an EVICT request with {@code count} candidates whose features are
     * {@code features[i * 6 + f]} (wire order).
     */
    public void evict(WritableByteChannel channel, long requestId, int count, float[] features) throws IOException {
        if (count < 1 || count > Wire.MAX_K || features.length < count * Wire.FEATURES) {
            throw new IllegalArgumentException("count must be in [1, 64] with 6 features each, got " + count
                    + " and " + features.length + " features");
        }
        header(Wire.evictLength(count), Wire.TYPE_EVICT, count, requestId);
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

    private void header(int length, int type, int count, long requestId) {
        buf.clear();
        buf.putInt(length).put((byte) Wire.VERSION).put((byte) type).putShort((short) count).putInt((int) requestId);
    }

    private void flush(WritableByteChannel channel) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
