package io.reflex.sidecar.protocol;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
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

    /** One version-2 EVICT as the generator drew it: count, flags, request id and every row's values. */
    private record V2Case(int count, int flags, long id, float[] rows) {
    }

    private static V2Case v2Case(PropertyCheck.Gen g) {
        int count = g.ints(1, 64);
        int flags = g.ints(0, 3);
        int rows = count + (flags & WireV2.FLAG_INCOMING);
        float[] v = new float[rows * WireV2.MAX_WIDTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = WireV2.mayBeUnknown(i % WireV2.MAX_WIDTH) && g.bool() ? -1f : g.floats(0, 1e12f);
        }
        return new V2Case(count, flags, g.longs(0, 0xFFFF_FFFFL), v);
    }

    @Test
    void versionTwoEvictsRoundTripBitForBitAmongVersionOneFrames() {
        PropertyCheck.tries(200).seed(18).forAll(g -> List.of(v2Case(g), v2Case(g), v2Case(g), g.ints(1, 4000)), t -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            FrameEncoder enc = new FrameEncoder();
            var sink = Channels.newChannel(bytes);
            List<V2Case> cases = List.of((V2Case) t.get(0), (V2Case) t.get(1), (V2Case) t.get(2));
            for (V2Case c : cases) {
                enc.evictV2(sink, c.id(), c.count(), WireV2.SCHEMA_HISTORY_1, c.flags(), c.rows());
                enc.evict(sink, c.id() ^ 1, 2, new float[12]);          // a version-1 frame between them
            }
            FrameDecoder dec = new FrameDecoder();
            ReadableByteChannel ch = chunked(bytes.toByteArray(), (Integer) t.get(3));
            for (V2Case c : cases) {
                assertTrue(dec.next(ch));
                assertEquals(WireV2.VERSION, dec.version());
                assertEquals(Wire.TYPE_EVICT, dec.type());
                assertEquals(c.id(), dec.requestId());
                assertEquals(c.count(), dec.count());
                assertEquals(c.flags(), dec.flags());
                assertEquals(WireV2.SCHEMA_HISTORY_1, dec.schema());
                assertEquals(WireV2.MAX_WIDTH, dec.width());
                int rows = c.count() + (c.flags() & WireV2.FLAG_INCOMING);
                assertEquals(rows, dec.rows());
                assertEquals(WireV2.evictLength(rows, WireV2.MAX_WIDTH), dec.length());
                dec.checkEvictV2(64, WireV2.SCHEMA_HISTORY_1, (c.flags() & WireV2.FLAG_SAMPLED) != 0);
                float[] row = new float[WireV2.MAX_WIDTH];
                for (int r = 0; r < rows; r++) {
                    dec.row(r, row, 0);
                    for (int col = 0; col < row.length; col++) {
                        float want = c.rows()[r * WireV2.MAX_WIDTH + col];
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(row[col]), "row " + r + " col " + col);
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(dec.value(r, col)));
                    }
                }
                assertTrue(dec.next(ch));
                assertEquals(Wire.VERSION, dec.version());
                dec.checkEvict(64);
            }
            assertFalse(dec.next(ch));
        });
    }

    @Test
    void theWidestVersionTwoFrameFitsTheFrameBound() throws Exception {
        assertEquals(2872, WireV2.MAX_EVICT_LENGTH);
        assertTrue(WireV2.MAX_EVICT_LENGTH <= Wire.MAX_LENGTH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameEncoder().evictV2(Channels.newChannel(bytes), 1, 64, WireV2.SCHEMA_HISTORY_1,
                WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED, new float[65 * 11]);
        assertEquals(4 + WireV2.MAX_EVICT_LENGTH, bytes.size());
        FrameDecoder dec = new FrameDecoder();
        assertTrue(dec.next(chunked(bytes.toByteArray(), 100)));
        dec.checkEvictV2(64, WireV2.SCHEMA_HISTORY_1, true);
    }

    @Test
    void versionTwoHeaderFieldsSitAtTheirDocumentedOffsets() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        float[] rows = new float[3 * 11];
        rows[11 + 2] = -1f;                  // candidate 1, gap1 unknown
        rows[2 * 11 + 8] = 4096f;            // the incoming row's size
        new FrameEncoder().evictV2(Channels.newChannel(bytes), 0x01020304L, 2, WireV2.SCHEMA_HISTORY_1,
                WireV2.FLAG_INCOMING, rows);
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(12 + 3 * 11 * 4, b.getInt(0), "length: 12 + rows x width x 4");
        assertEquals(2, b.get(4), "version");
        assertEquals(1, b.get(5), "type EVICT");
        assertEquals(2, b.getShort(6), "count");
        assertEquals(0x01020304, b.getInt(8), "request id");
        assertEquals(1, b.get(12), "schema history-1");
        assertEquals(11, b.get(13), "width");
        assertEquals(1, b.get(14), "flags: incoming");
        assertEquals(0, b.get(15), "reserved");
        assertEquals(-1f, b.getFloat(16 + (11 + 2) * 4), "rows from offset 16, row-major");
        assertEquals(4096f, b.getFloat(16 + (2 * 11 + 8) * 4));

        bytes.reset();
        new FrameEncoder().victimsV2(Channels.newChannel(bytes), 7, 2, 1L << 1, WireV2.DECLINE);
        b = ByteBuffer.wrap(bytes.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, bytes.size());
        assertEquals(20, b.getInt(0));
        assertEquals(2, b.get(4));
        assertEquals(2, b.get(5), "type VICTIMS");
        assertEquals(2L, b.getLong(12), "mask");
        assertEquals(2, b.get(20), "admission: decline");
        assertEquals(0, b.get(21) | b.get(22) | b.get(23), "reserved");
        FrameDecoder dec = new FrameDecoder();
        assertTrue(dec.next(chunked(bytes.toByteArray(), 5)));
        assertEquals(WireV2.DECLINE, dec.admission());
        assertEquals(2L, dec.mask());
    }

    @Test
    void versionTwoChecksNameTheFieldAtFault() throws Exception {
        float[] rows = io.reflex.sidecar.TestClient.historyRows(3, true, 1);
        // each mutation of a valid frame, and the code and message it must give
        record Bad(String what, java.util.function.Consumer<ByteBuffer> mutate, ErrorCode code, String message) {
        }
        List<Bad> bad = List.of(
                new Bad("schema", b -> b.put(12, (byte) 9), ErrorCode.UNSUPPORTED_SCHEMA, "schema #9"),
                new Bad("width", b -> b.put(13, (byte) 6), ErrorCode.UNSUPPORTED_SCHEMA, "width 6"),
                new Bad("flags", b -> b.put(14, (byte) 5), ErrorCode.UNSUPPORTED_SCHEMA, "flags 0x5"),
                new Bad("reserved", b -> b.put(15, (byte) 1), ErrorCode.UNSUPPORTED_SCHEMA, "reserved byte 1"),
                new Bad("sampled", b -> b.put(14, (byte) 3), ErrorCode.UNSUPPORTED_SCHEMA, "sampled uniformly"),
                new Bad("incoming flag off", b -> b.put(14, (byte) 0), ErrorCode.LENGTH_MISMATCH, "expected 144"),
                new Bad("count", b -> b.putShort(6, (short) 0), ErrorCode.BAD_COUNT, "count 0"),
                new Bad("type", b -> b.put(5, (byte) 2), ErrorCode.UNKNOWN_TYPE, "type 2"),
                new Bad("version", b -> b.put(4, (byte) 3), ErrorCode.UNSUPPORTED_VERSION, "version 3"),
                new Bad("gap -2", b -> b.putFloat(16 + (11 + 2) * 4, -2f), ErrorCode.BAD_FEATURE,
                        "candidate 1 column gap1 = -2.0"),
                new Bad("recency -1", b -> b.putFloat(16, -1f), ErrorCode.BAD_FEATURE, "candidate 0 column recency = -1.0"),
                new Bad("incoming NaN", b -> b.putFloat(16 + (3 * 11 + 10) * 4, Float.NaN), ErrorCode.BAD_FEATURE,
                        "incoming row column hits = NaN"),
                new Bad("size infinite", b -> b.putFloat(16 + 8 * 4, Float.POSITIVE_INFINITY), ErrorCode.BAD_FEATURE,
                        "column size = Infinity"));
        for (Bad c : bad) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new FrameEncoder().evictV2(Channels.newChannel(bytes), 5, 3, WireV2.SCHEMA_HISTORY_1, WireV2.FLAG_INCOMING, rows);
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            c.mutate().accept(b);
            FrameDecoder dec = new FrameDecoder();
            assertTrue(dec.next(chunked(b.array(), 64)), c.what());
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> dec.checkEvictV2(8, WireV2.SCHEMA_HISTORY_1, false), c.what());
            assertEquals(c.code(), e.code(), c.what() + ": " + e.getMessage());
            assertFalse(e.fatal(), c.what());
            assertEquals(5, e.requestId(), c.what());
            assertTrue(e.getMessage().contains(c.message()), c.what() + ": " + e.getMessage());
        }
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
