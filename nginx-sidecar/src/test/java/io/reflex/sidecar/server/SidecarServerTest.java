package io.reflex.sidecar.server;

import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar over a real Unix socket, with a real client: replies, refusals, and survival. */
class SidecarServerTest {

    static final int K = 16;

    @TempDir
    static Path dir;
    static SidecarServer server;
    static Path socket;
    static Path model;

    @BeforeAll
    static void start() throws IOException {
        model = TestModels.write(dir.resolve("eviction.onnx"), 7, K);
        socket = dir.resolve("reflex.sock");
        server = SidecarServer.start(SidecarConfig.builder().socket(socket).model(model).metricsPort(0)
                .modelPollInterval(Duration.ofMillis(50)).stallTimeout(Duration.ofMillis(300)).warmupRequests(500)
                .build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A frame with arbitrary header fields and {@code floats} as body. */
    static byte[] frame(int length, int version, int type, int count, int id, float... body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(length).put((byte) version).put((byte) type).putShort((short) count).putInt(id);
        for (float f : body) {
            b.putFloat(f);
        }
        return b.array();
    }

    static void assertError(TestClient c, ErrorCode code, long id) throws Exception {
        assertTrue(c.reply(), "a reply");
        assertEquals(Wire.TYPE_ERROR, c.in.type(), "an ERROR frame");
        assertEquals(code.code(), c.in.errorCode(), () -> "code, message: " + c.in.errorMessage());
        assertEquals(id, c.in.requestId(), "the request id is echoed");
        assertEquals(0, c.in.count());
    }

    /** The frame's shape only: which victim each feature column implies is pinned by {@link ColdRlWireMappingTest}. */
    @Test
    void answersAValidEvictWithANonEmptyMaskWithinTheCandidates() throws Exception {
        try (TestClient c = new TestClient(socket)) {
            for (int count : new int[] {1, 5, K}) {
                long mask = c.evict(1000 + count, count);
                assertEquals(Wire.TYPE_VICTIMS, c.in.type());
                assertEquals(1000 + count, c.in.requestId());
                assertEquals(count, c.in.count(), "count echoes K");
                assertEquals(Wire.VICTIMS_LENGTH, c.in.length());
                assertNotEquals(0, mask, "never an empty mask");
                assertEquals(0, count == 64 ? 0 : mask >>> count, "no bit at or above K");
            }
        }
    }

    @Test
    void refusesAnUnsupportedVersionAndKeepsTheConnection() throws Exception {
        try (TestClient c = new TestClient(socket)) {
            float[] f = TestClient.features(2, 1);
            c.out.raw(c.channel, frame(Wire.evictLength(2), 2, Wire.TYPE_EVICT, 2, 77, f));
            assertError(c, ErrorCode.UNSUPPORTED_VERSION, 77);
            assertNotEquals(0, c.evict(78, 2), "the connection still serves");
        }
    }

    @Test
    void refusesUnknownTypesBadCountsAndLengthMismatches() throws Exception {
        try (TestClient c = new TestClient(socket)) {
            c.out.raw(c.channel, frame(Wire.VICTIMS_LENGTH, 1, Wire.TYPE_VICTIMS, 1, 5, 0f, 0f));
            assertError(c, ErrorCode.UNKNOWN_TYPE, 5);
            c.out.raw(c.channel, frame(8, 1, Wire.TYPE_EVICT, 0, 6));
            assertError(c, ErrorCode.BAD_COUNT, 6);
            float[] f65 = TestClient.features(65, 2);
            c.out.raw(c.channel, frame(Wire.evictLength(65), 1, Wire.TYPE_EVICT, 65, 7, f65));
            assertTrue(Wire.evictLength(65) <= Wire.MAX_LENGTH);
            assertError(c, ErrorCode.BAD_COUNT, 7);
            float[] f17 = TestClient.features(K + 1, 3);
            c.out.raw(c.channel, frame(Wire.evictLength(K + 1), 1, Wire.TYPE_EVICT, K + 1, 8, f17));
            assertError(c, ErrorCode.BAD_COUNT, 8);      // over the model's K
            float[] f3 = TestClient.features(3, 4);
            c.out.raw(c.channel, frame(Wire.evictLength(3), 1, Wire.TYPE_EVICT, 2, 9, f3));
            assertError(c, ErrorCode.LENGTH_MISMATCH, 9);
            assertNotEquals(0, c.evict(10, 3));
        }
    }

    @Test
    void refusesNonFiniteAndNegativeFeatures() throws Exception {
        try (TestClient c = new TestClient(socket)) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1f}) {
                float[] f = TestClient.features(4, 5);
                f[2 * 6 + 4] = bad;
                c.out.raw(c.channel, frame(Wire.evictLength(4), 1, Wire.TYPE_EVICT, 4, 11, f));
                assertError(c, ErrorCode.BAD_FEATURE, 11);
                assertTrue(c.in.errorMessage().contains("candidate 2 feature ttl_remaining_s"), c.in.errorMessage());
            }
        }
    }

    @Test
    void oversizedAndUndersizedLengthsGetAnErrorAndTheConnectionCloses() throws Exception {
        for (int length : new int[] {Wire.MAX_LENGTH + 1, 7, -1}) {
            try (TestClient c = new TestClient(socket)) {
                c.out.raw(c.channel, frame(length, 1, Wire.TYPE_EVICT, 1, 12));
                assertError(c, ErrorCode.LENGTH_MISMATCH, 0);
                assertFalse(c.reply(), "then the sidecar closes");
            }
        }
        assertServing();
    }

    @Test
    void aConnectionClosedMidFrameDoesNotHurtTheServer() throws Exception {
        long before = server.metrics().errors(ErrorCode.LENGTH_MISMATCH);
        try (TestClient c = new TestClient(socket)) {
            byte[] whole = frame(Wire.evictLength(4), 1, Wire.TYPE_EVICT, 4, 13, TestClient.features(4, 6));
            c.out.raw(c.channel, java.util.Arrays.copyOf(whole, 30));    // truncated
            c.channel.shutdownOutput();
            assertError(c, ErrorCode.LENGTH_MISMATCH, 0);                // written where it can be
            assertFalse(c.reply());
        }
        assertEquals(before + 1, server.metrics().errors(ErrorCode.LENGTH_MISMATCH));
        assertServing();
    }

    @Test
    void aPeerStalledInsideAFrameIsDroppedAndOthersAreServedMeanwhile() throws Exception {
        long stalled = server.metrics().connectionsStalled();
        try (TestClient slow = new TestClient(socket)) {
            slow.out.raw(slow.channel, new byte[] {50, 0, 0, 0, 1});   // 5 bytes of a 54-byte frame, then nothing
            assertServing();                                             // not wedged
            assertTrue(slow.closedByPeer(5_000), "the stalled peer is dropped");
        }
        assertEquals(stalled + 1, server.metrics().connectionsStalled());
    }

    @Test
    void theSocketHasMode0660() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void servesPrometheusTextOnLoopback() throws Exception {
        assertServing();
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(r.body().contains("reflex_sidecar_requests_total{decided_by=\"policy\"}"), r.body());
        assertTrue(r.body().contains("reflex_decision_fallbacks_total{cause=\"deadline\",loop=\"eviction\"}"), r.body());
        assertTrue(r.body().contains("reflex_sidecar_request_latency_seconds_bucket"), r.body());
        // An answer is counted just after it is written: wait for the count rather than race it.
        ModelHotReloadTest.await(() -> server.metrics().requests(true) + server.metrics().requests(false) > 0,
                "the answers to be counted");
    }

    @Test
    void refusesToStartOnALiveSocketOrOnAPathThatIsNotASocket() throws IOException {
        Path other = TestModels.write(dir.resolve("other.onnx"), 8, K);
        IllegalStateException live = assertThrows(IllegalStateException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(socket).model(other).warmupRequests(0).build()));
        // the running sidecar holds the path's lock: refused before anything is probed or bound
        assertTrue(live.getMessage().contains("another sidecar is starting or serving on " + socket.toAbsolutePath()),
                live.getMessage());
        Path file = Files.writeString(dir.resolve("not-a-socket"), "keep me");
        IllegalArgumentException notSocket = assertThrows(IllegalArgumentException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(file).model(other).warmupRequests(0).build()));
        assertTrue(notSocket.getMessage().contains("not a socket"), notSocket.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void replacesAStaleSocketAndRemovesItsOwnOnClose() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }   // closed: the file stays, nobody accepts
        assertTrue(Files.exists(stale));
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(stale)
                .model(TestModels.write(dir.resolve("stale.onnx"), 9, 4)).warmupRequests(10).build())) {
            assertEquals(4, s.k(), "K comes from the model");
            try (TestClient c = new TestClient(stale)) {
                assertNotEquals(0, c.evict(1, 4));
            }
        }
        assertFalse(Files.exists(stale), "close removes the socket file");
    }

    @Test
    void refusesAModelThatIsNotAnEvictionModelOrDoesNotMatchK() throws IOException {
        Path chain = dir.resolve("chain.onnx");
        io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomChain(1,
                io.reflex.engine.onnx.Activation.RELU, 10, 8, 3)).fixedBatch(1).write(chain);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(dir.resolve("x.sock")).model(chain).build()));
        assertTrue(shape.getMessage().contains("takes 10 inputs and gives 3 outputs"), shape.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(dir.resolve("x.sock")).model(model).k(8).build()));
        assertTrue(k.getMessage().contains("k = 8 does not match the model's K = 16"), k.getMessage());
        assertFalse(Files.exists(dir.resolve("x.sock")));
    }

    @Test
    void servesACandidateRowsModelWithTheKItWasTrainedFor() throws Exception {
        Path rows = dir.resolve("rows.onnx");
        io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomChain(3,
                        io.reflex.engine.onnx.Activation.RELU, io.reflex.engine.eviction.EvictionFeatures.ROW_WIDTH, 16, 16, 2))
                .fixedBatch(1).metadata("reflex.k", "8").write(rows);
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("rows.sock")).model(rows)
                .deadline(Duration.ofMillis(50)).warmupRequests(200).build());
             TestClient c = new TestClient(s.socket())) {
            assertEquals(8, s.k(), "K from the model's reflex.k metadata");
            assertEquals(io.reflex.engine.eviction.EvictionLoop.Layout.CANDIDATE_ROWS, s.loop().layout());
            long before = s.loop().runtime().metrics().policyDecisions();
            for (int count : new int[] {1, 3, 8}) {
                long mask = c.evict(7000 + count, count);
                assertEquals(Wire.TYPE_VICTIMS, c.in.type());
                assertNotEquals(0, mask, "never an empty mask");
                assertEquals(0, mask >>> count, "no bit at or above the count");
            }
            assertEquals(before + 3, s.loop().runtime().metrics().policyDecisions(), "the policy made each decision");
        }
        IllegalArgumentException badK = assertThrows(IllegalArgumentException.class, () -> {
            Path bad = dir.resolve("rows-bad-k.onnx");
            io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomChain(3,
                            io.reflex.engine.onnx.Activation.RELU, io.reflex.engine.eviction.EvictionFeatures.ROW_WIDTH, 4, 2))
                    .fixedBatch(1).metadata("reflex.k", "many").write(bad);
            SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("y.sock")).model(bad).build());
        });
        assertTrue(badK.getMessage().contains("reflex.k must be a number"), badK.getMessage());
    }

    @Test
    void refusesAModelTrainedOnAHitHistoryOrOnSampledCandidates() {
        String history = refusedRowsModel("history", io.reflex.engine.eviction.EvictionFeatures.HIT_HISTORY_METADATA, "3000");
        assertTrue(history.contains("reflex.hit-history") && history.contains("hits since admission"), history);

        String sampled = refusedRowsModel("sampled", io.reflex.engine.eviction.EvictionLoop.CANDIDATES_METADATA, "sampled");
        assertTrue(sampled.contains("reflex.candidates") && sampled.contains("K coldest"), sampled);
    }

    /** Starts on a rows model carrying {@code key = value}; returns the refusal, which names the file. */
    private String refusedRowsModel(String name, String key, String value) {
        Path file = dir.resolve(name + ".onnx");
        io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomChain(3,
                        io.reflex.engine.onnx.Activation.RELU, io.reflex.engine.eviction.EvictionFeatures.ROW_WIDTH, 16, 16, 2))
                .fixedBatch(1).metadata("reflex.k", "8").metadata(key, value).write(file);
        Path socket = dir.resolve(name + ".sock");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(socket).model(file).build()));
        assertTrue(e.getMessage().contains(name + ".onnx"), e.getMessage());
        assertFalse(Files.exists(socket), "no socket left behind");
        return e.getMessage();
    }

    /** A fresh connection gets a valid answer. */
    static void assertServing() throws IOException, ProtocolException {
        try (TestClient c = new TestClient(socket)) {
            long mask = c.evict(424242, K);
            assertEquals(Wire.TYPE_VICTIMS, c.in.type());
            assertNotEquals(0, mask);
        }
    }
}
