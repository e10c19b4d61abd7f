package io.reflex.sidecar.server;

import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("reflex-sidecar-props");
        socket = dir.resolve("p.sock");
        server = SidecarServer.start(SidecarConfig.builder().socket(socket)
                .model(TestModels.write(dir.resolve("m.onnx"), 11, K)).warmupRequests(200).build());
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        // Half pure noise; half a plausible header (length in range) followed by noise, so that the
        // checks past the framing are reached too.
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        Arbitrary<byte[]> headed = Arbitraries.integers().between(8, 400).flatMap(len ->
                Arbitraries.bytes().array(byte[].class).ofSize(len + 4).map(b -> {
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
                    if ((len & 1) == 0) {
                        b[4] = 1;
                        b[5] = 1;
                    }
                    return b;
                }));
        return Arbitraries.oneOf(noise, headed);
    }

    @Property(tries = 300, seed = "20261125")
    void garbageGetsErrorRepliesOrAClosedConnectionAndNeverStopsTheServer(@ForAll("garbage") byte[] bytes)
            throws Exception {
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
    }

    @Property(tries = 300, seed = "20261125")
    void validFramesRoundTrip(@ForAll @IntRange(min = 1, max = K) int count, @ForAll @IntRange(min = 0) int id,
                              @ForAll @Size(value = 6 * K) List<@net.jqwik.api.constraints.FloatRange(min = 0, max = 1e9f) Float> values)
            throws Exception {
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
