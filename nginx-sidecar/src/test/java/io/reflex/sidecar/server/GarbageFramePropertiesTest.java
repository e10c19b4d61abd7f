package io.reflex.sidecar.server;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.engine.testing.PropertyCheck.Gen;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
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

/** Properties of the sidecar over a real socket: garbage never crashes it; valid frames always round-trip. */
class GarbageFramePropertiesTest {

    static final int K = 16;
    static Path dir;
    static SidecarServer server;
    static Path socket;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("reflex-sidecar-props");
        socket = dir.resolve("p.sock");
        server = SidecarServer.start(SidecarConfig.builder().socket(socket)
                .model(TestModels.write(dir.resolve("m.onnx"), 11, K)).warmupRequests(200).build());
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
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
                    assertEquals(Wire.VERSION, c.in.version());
                    assertTrue(c.in.type() == Wire.TYPE_ERROR || c.in.type() == Wire.TYPE_VICTIMS,
                            "ERROR or VICTIMS, got type " + c.in.type());
                    if (c.in.type() == Wire.TYPE_ERROR) {
                        assertNotNull(ErrorCode.of(c.in.errorCode()), "a known code");
                    }
                }
                assertTrue(replies <= bytes.length / 12 + 1);
            }
            try (TestClient fresh = new TestClient(socket)) {
                assertNotEquals(0, fresh.evict(1, K), "still serving");
            }
        });
    }

    @Test
    void validFramesRoundTrip() {
        PropertyCheck.tries(300).seed(20261125).forAll(
                g -> new FrameCase(g.ints(1, K), g.ints(0, Integer.MAX_VALUE),
                        g.list(6 * K, 6 * K, x -> x.floats(0, 1e9f))),
                FrameCase::check);
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
