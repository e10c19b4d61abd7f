package io.reflex.sidecar.server;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.engine.testing.PropertyCheck.Gen;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
import io.reflex.sidecar.protocol.WireV2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the sidecar over a real socket, for both schemas: garbage never crashes it and is
 * answered only with ERROR or VICTIMS frames of a known version; valid frames always round-trip.
 */
class GarbageFramePropertiesTest {

    static final int K = 16;
    static Path dir;
    static SidecarServer server;
    static Path socket;
    /** A sidecar serving a history-1 model (protocol v2): sampled candidates, admission answered. */
    static SidecarServer history;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("reflex-sidecar-props");
        socket = dir.resolve("p.sock");
        server = SidecarServer.start(SidecarConfig.builder().socket(socket)
                .model(TestModels.write(dir.resolve("m.onnx"), 11, K)).warmupRequests(200).build());
        Path h = dir.resolve("h.onnx");
        io.reflex.engine.onnx.OnnxModelWriter writer = io.reflex.engine.onnx.OnnxModelWriter.of(
                io.reflex.engine.onnx.MlpGraph.randomChain(5, io.reflex.engine.onnx.Activation.RELU, WireV2.MAX_WIDTH, 16, 1))
                .fixedBatch(1);
        TestModels.historyContract(K, true, true).toMetadata().forEach(writer::metadata);
        writer.write(h);
        history = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("h.sock")).model(h)
                .warmupRequests(200).build());
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        history.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Half pure noise (0 to 300 bytes); half a plausible header (a length from 8 to 400, then that
     * many bytes of noise, version 1 and type EVICT for even lengths), so that the checks past the
     * framing are reached too.
     */
    private static byte[] garbage(Gen g) {
        return g.oneOf(x -> noise(x, 0, 300), x -> {
            int len = x.ints(8, 400);
            byte[] b = noise(x, len + 4, len + 4);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
            if ((len & 1) == 0) {
                b[4] = 1;
                b[5] = 1;
            }
            return b;
        });
    }

    /**
     * Garbage aimed at version 2: pure noise; noise behind a version-2 EVICT header (schema,
     * width and flags right or wrong); or a valid history-1 frame with one byte of its header or
     * rows overwritten, so that every check past the framing (schema, width, flags, candidate set,
     * length, each column's rule) is reached.
     */
    private static byte[] garbageV2(Gen g) {
        return g.oneOf(x -> noise(x, 0, 300), x -> {
            int len = x.ints(8, 800);
            byte[] b = noise(x, len + 4, len + 4);
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
            bb.put(4, (byte) 2).put(5, (byte) 1).putShort(6, (short) x.ints(0, 70));
            if (len >= 12) {
                bb.put(12, (byte) x.ints(0, 2)).put(13, x.of(11, 11, 6, 0).byteValue()).put(14, (byte) x.ints(0, 4));
            }
            return b;
        }, x -> {
            int count = x.ints(1, K);
            int flags = x.ints(0, 3);
            float[] rows = TestClient.historyRows(count, (flags & 1) != 0, x.anyLong());
            ByteBuffer bb = ByteBuffer.allocate(16 + rows.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bb.putInt(12 + rows.length * 4).put((byte) 2).put((byte) 1).putShort((short) count).putInt(x.anyInt())
                    .put((byte) 1).put((byte) 11).put((byte) flags).put((byte) 0);
            for (float f : rows) {
                bb.putFloat(f);
            }
            byte[] b = bb.array();
            int at = x.ints(4, b.length - 1);
            b[at] = (byte) x.ints(Byte.MIN_VALUE, Byte.MAX_VALUE);
            return b;
        });
    }

    private static byte[] noise(Gen g, int minSize, int maxSize) {
        List<Integer> values = g.list(minSize, maxSize, x -> x.ints(Byte.MIN_VALUE, Byte.MAX_VALUE));
        byte[] b = new byte[values.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = values.get(i).byteValue();
        }
        return b;
    }

    @Test
    void garbageGetsErrorRepliesOrAClosedConnectionAndNeverStopsTheServer() {
        PropertyCheck.tries(300).seed(20261125).forAll(GarbageFramePropertiesTest::garbage, bytes -> {
            assertGarbageIsAnswered(socket, bytes, false);
            try (TestClient fresh = new TestClient(socket)) {
                assertNotEquals(0, fresh.evict(1, K), "still serving");
            }
        });
    }

    @Test
    void versionTwoGarbageGetsErrorRepliesOrAClosedConnectionAndNeverStopsAHistorySidecar() {
        long[] victims = new long[1];
        PropertyCheck.tries(300).seed(20261218).forAll(GarbageFramePropertiesTest::garbageV2, bytes -> {
            victims[0] += assertGarbageIsAnswered(history.socket(), bytes, true);
            try (TestClient fresh = new TestClient(history.socket())) {
                long mask = fresh.evictV2(1, K, WireV2.FLAG_SAMPLED | WireV2.FLAG_INCOMING,
                        TestClient.historyRows(K, true, 7));
                assertEquals(1, Long.bitCount(mask), "still serving, one victim");
            }
        });
        assertTrue(victims[0] > 0, "some mutated frames stayed valid and were answered with VICTIMS");
        assertTrue(history.metrics().errors(ErrorCode.UNSUPPORTED_SCHEMA) > 0, "schema checks were reached");
        assertTrue(history.metrics().errors(ErrorCode.BAD_FEATURE) > 0, "column checks were reached");
    }

    /**
     * Sends {@code bytes}, half-closes, and reads every reply: each must be a well-formed ERROR (a
     * known code) or VICTIMS frame of version 1 or 2 (a version-2 VICTIMS names one victim below
     * its count and a known admission answer). Returns the VICTIMS frames read.
     */
    private static int assertGarbageIsAnswered(Path socket, byte[] bytes, boolean v2) throws Exception {
        int victims = 0;
        try (TestClient c = new TestClient(socket)) {
            c.out.raw(c.channel, bytes);
            c.channel.shutdownOutput();
            int replies = 0;
            while (true) {
                boolean got;
                try {
                    got = c.reply();
                } catch (ProtocolException e) {
                    throw new AssertionError("the sidecar sent a malformed frame: " + e.getMessage());
                } catch (IOException e) {
                    break;      // reset by the sidecar: a closed connection
                }
                if (!got) {
                    break;
                }
                replies++;
                assertTrue(c.in.version() == Wire.VERSION || c.in.version() == WireV2.VERSION,
                        "version 1 or 2, got " + c.in.version());
                assertTrue(c.in.type() == Wire.TYPE_ERROR || c.in.type() == Wire.TYPE_VICTIMS,
                        "ERROR or VICTIMS, got type " + c.in.type());
                if (c.in.type() == Wire.TYPE_ERROR) {
                    assertNotNull(ErrorCode.of(c.in.errorCode()), "a known code");
                } else if (v2) {
                    victims++;
                    assertEquals(WireV2.VERSION, c.in.version());
                    assertEquals(WireV2.VICTIMS_LENGTH, c.in.length());
                    assertEquals(1, Long.bitCount(c.in.mask()), "one victim");
                    assertEquals(0, c.in.mask() >>> c.in.count(), "below the count");
                    assertTrue(c.in.admission() >= WireV2.NOT_ASKED && c.in.admission() <= WireV2.DECLINE);
                }
            }
            assertTrue(replies <= bytes.length / 12 + 1);
        }
        return victims;
    }

    @Test
    void validFramesRoundTrip() {
        PropertyCheck.tries(300).seed(20261125).forAll(
                g -> new FrameCase(g.ints(1, K), g.ints(0, Integer.MAX_VALUE),
                        g.list(6 * K, 6 * K, x -> x.floats(0, 1e9f))),
                FrameCase::check);
    }

    @Test
    void validVersionTwoFramesRoundTrip() {
        PropertyCheck.tries(300).seed(20261218).forAll(
                g -> new FrameCaseV2(g.ints(1, K), g.ints(0, 1), g.ints(0, Integer.MAX_VALUE), g.anyLong()),
                FrameCaseV2::check);
    }

    /** A version-2 EVICT of {@code count} plausible rows (and an incoming one when {@code incoming} is 1). */
    private record FrameCaseV2(int count, int incoming, int id, long salt) {
        void check() throws Exception {
            try (TestClient c = new TestClient(history.socket())) {
                int flags = WireV2.FLAG_SAMPLED | (incoming == 1 ? WireV2.FLAG_INCOMING : 0);
                long mask = c.evictV2(id, count, flags, TestClient.historyRows(count, incoming == 1, salt));
                assertEquals(WireV2.VERSION, c.in.version());
                assertEquals(Wire.TYPE_VICTIMS, c.in.type());
                assertEquals(id, c.in.requestId());
                assertEquals(count, c.in.count());
                assertEquals(1, Long.bitCount(mask), "exactly one victim");
                assertEquals(0, mask >>> count, "below the count");
                assertEquals(incoming == 1, c.in.admission() != WireV2.NOT_ASKED, "answered exactly when asked");
            }
        }
    }

    /** An EVICT frame of {@code count} candidates, whose features are the first {@code 6 * count} values. */
    private record FrameCase(int count, int id, List<Float> values) {
        void check() throws Exception {
            float[] f = new float[count * 6];
            for (int i = 0; i < f.length; i++) {
                f[i] = values.get(i);
            }
            try (TestClient c = new TestClient(socket)) {
                c.out.evict(c.channel, id, count, f);
                assertTrue(c.reply());
                assertEquals(Wire.TYPE_VICTIMS, c.in.type());
                assertEquals(id, c.in.requestId());
                assertEquals(count, c.in.count());
                long mask = c.in.mask();
                assertNotEquals(0, mask);
                assertEquals(0, mask >>> count, "no bit at or above the count");
            }
        }
    }
}
