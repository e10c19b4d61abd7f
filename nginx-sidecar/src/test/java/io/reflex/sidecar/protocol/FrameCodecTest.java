package io.reflex.sidecar.protocol;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The codec without sockets: frames split into any pieces, or packed together, decode the same. */
class FrameCodecTest {

    /** A channel over {@code bytes} that hands out at most {@code chunk} bytes per read. */
    static ReadableByteChannel chunked(byte[] bytes, int chunk) {
        return new ReadableByteChannel() {
            int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(chunk, dst.remaining()), bytes.length - pos);
                dst.put(bytes, pos, n);
                pos += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    /** {@code frames} EVICT frames of varied counts, encoded back to back. */
    static byte[] evicts(int frames, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameEncoder enc = new FrameEncoder();
        var sink = Channels.newChannel(bytes);
        for (int i = 0; i < frames; i++) {
            int count = 1 + r.nextInt(64);
            float[] f = new float[count * 6];
            for (int j = 0; j < f.length; j++) {
                f[j] = (float) (i * 1000 + j);
            }
            enc.evict(sink, i, count, f);
        }
        return bytes.toByteArray();
    }

    @Test
    void framesDecodeAlikeWhateverPiecesTheyArriveIn() {
        PropertyCheck.tries(40).seed(6).forAll(g -> g.ints(1, 9000), chunk -> {
            byte[] bytes = evicts(60, 3);
            SplittableRandom r = new SplittableRandom(3);
            FrameDecoder dec = new FrameDecoder();
            ReadableByteChannel ch = chunked(bytes, chunk);
            for (int i = 0; i < 60; i++) {
                int count = 1 + r.nextInt(64);
                assertTrue(dec.next(ch), "frame " + i);
                assertEquals(Wire.TYPE_EVICT, dec.type());
                assertEquals(i, dec.requestId());
                assertEquals(count, dec.count());
                assertEquals(Wire.evictLength(count), dec.length());
                dec.checkEvict(64);
                assertEquals(i * 1000f, dec.feature(0, 0));
                assertEquals(i * 1000f + count * 6 - 1, dec.feature(count - 1, 5));
                assertEquals(0, dec.partialSince(), "no frame half-read");
            }
            assertFalse(dec.next(ch), "end of stream between frames is a clean close");
        });
    }

    @Test
    void endOfStreamInsideAFrameIsFatal() throws Exception {
        byte[] bytes = evicts(1, 1);
        for (int cut = 1; cut < bytes.length; cut += 7) {
            FrameDecoder dec = new FrameDecoder();
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            ProtocolException e = assertThrows(ProtocolException.class, () -> dec.next(chunked(part, 5)));
            assertTrue(e.fatal());
            assertEquals(ErrorCode.LENGTH_MISMATCH, e.code());
            assertTrue(e.getMessage().contains("closed mid-frame"), e.getMessage());
        }
    }

    @Test
    void victimsAndErrorRepliesRoundTrip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameEncoder enc = new FrameEncoder();
        var sink = Channels.newChannel(bytes);
        enc.victims(sink, 0xFFFF_FFFFL, 64, 0x8000_0000_0000_0001L);
        enc.error(sink, 9, ErrorCode.BAD_FEATURE, "é".repeat(3000));    // clipped on a character boundary
        FrameDecoder dec = new FrameDecoder();
        ReadableByteChannel ch = chunked(bytes.toByteArray(), 3);
        assertTrue(dec.next(ch));
        assertEquals(Wire.TYPE_VICTIMS, dec.type());
        assertEquals(0xFFFF_FFFFL, dec.requestId());
        assertEquals(64, dec.count());
        assertEquals(0x8000_0000_0000_0001L, dec.mask());
        assertTrue(dec.next(ch));
        assertEquals(Wire.TYPE_ERROR, dec.type());
        assertEquals(ErrorCode.BAD_FEATURE.code(), dec.errorCode());
        assertTrue(dec.length() <= Wire.MAX_LENGTH);
        String m = dec.errorMessage();
        assertEquals("é".repeat(m.length()), m, "only whole characters");
        assertEquals(Wire.MAX_ERROR_MESSAGE / 2, m.length());
    }
}
