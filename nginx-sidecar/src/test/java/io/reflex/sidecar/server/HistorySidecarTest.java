package io.reflex.sidecar.server;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.Wire;
import io.reflex.sidecar.protocol.WireV2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sidecar serving a history-1 model over its real Unix socket: a model whose prediction is a
 * known function of one column picks the victim and the admission answer that function implies,
 * checks refuse what the model cannot read, and hot reload keeps the schema and contract.
 */
class HistorySidecarTest {

    static final int K = 8;
    static final int W = HistoryFeatures.WIDTH;

    @TempDir
    static Path dir;
    static SidecarServer server;
    static Path model;

    /** A model predicting −L(hits): the candidate with the fewest hits is predicted farthest. */
    @BeforeAll
    static void start() throws IOException {
        model = TestModels.history(dir.resolve("history.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        server = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("h.sock")).model(model)
                .deadline(Duration.ofSeconds(1)).modelPollInterval(Duration.ofMillis(20)).warmupRequests(300).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One row in natural units: recency, gaps, counters, size, residence, hits. */
    static void row(float[] rows, int r, float recency, float size, float hits) {
        int at = r * W;
        rows[at + HistoryFeatures.RECENCY] = recency;
        for (int i = 0; i < 3; i++) {
            rows[at + HistoryFeatures.GAP + i] = i == 0 ? 40 : -1;
        }
        for (int i = 0; i < 4; i++) {
            rows[at + HistoryFeatures.EDC + i] = 1.5f;
        }
        rows[at + HistoryFeatures.SIZE] = size;
        rows[at + HistoryFeatures.RESIDENCE] = recency + 100;
        rows[at + HistoryFeatures.HITS] = hits;
    }

    static float[] rows(float[] hits, float[] sizes, float[] recency, boolean incoming) {
        float[] rows = new float[(hits.length + (incoming ? 1 : 0)) * W];
        for (int i = 0; i < hits.length; i++) {
            row(rows, i, recency[i], sizes[i], hits[i]);
        }
        if (incoming) {
            row(rows, hits.length, 0, 4096, 0);
            rows[hits.length * W + HistoryFeatures.RESIDENCE] = 0;
        }
        return rows;
    }

    @Test
    void theCandidatePredictedFarthestIsTheOnlyVictimAndAnIncomingObjectPredictedFartherIsDeclined() throws Exception {
        long before = server.runtime().metrics().policyDecisions();
        long declined = server.metrics().admissions(false);
        try (TestClient c = new TestClient(server.socket())) {
            // LRU would take candidate 0 (largest recency); the model takes the fewest hits
            float[] rows = rows(new float[] {5, 1, 3}, new float[] {4096, 4096, 4096}, new float[] {500, 10, 20}, true);
            long mask = c.evictV2(41, 3, WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED, rows);

            assertEquals(WireV2.VERSION, c.in.version());
            assertEquals(Wire.TYPE_VICTIMS, c.in.type());
            assertEquals(WireV2.VICTIMS_LENGTH, c.in.length());
            assertEquals(41, c.in.requestId());
            assertEquals(3, c.in.count(), "count echoes K");
            assertEquals(1L << 1, mask, "one victim: the candidate with one hit");
            assertEquals(WireV2.DECLINE, c.in.admission(), "0 hits predicts farther than the victim's 1");

            rows = rows(new float[] {5, 1, 0}, new float[] {4096, 4096, 4096}, new float[] {500, 10, 20}, true);
            assertEquals(1L << 2, c.evictV2(42, 3, WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED, rows));
            assertEquals(WireV2.ADMIT, c.in.admission(), "a tie with the victim admits");

            rows = rows(new float[] {5, 1, 3}, new float[] {4096, 4096, 4096}, new float[] {500, 10, 20}, false);
            assertEquals(1L << 1, c.evictV2(43, 3, WireV2.FLAG_SAMPLED, rows));
            assertEquals(WireV2.NOT_ASKED, c.in.admission(), "no incoming row, no answer");
        }
        assertEquals(before + 3, server.runtime().metrics().policyDecisions(), "the model made each decision");
        assertEquals(declined + 1, server.metrics().admissions(false));
        assertTrue(server.registry().scrape().contains("reflex_sidecar_admissions_total{answer=\"decline\"}"));
    }

    @Test
    void sizeWeighsAsTheEngineWeighsIt() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            float[] rows = rows(new float[] {2, 2, 2}, new float[] {1_000, 1_000_000, 5_000}, new float[] {9, 8, 7}, false);
            assertEquals(1L << 1, c.evictV2(44, 3, WireV2.FLAG_SAMPLED, rows), "equal predictions: the largest goes");
        }
    }

    @Test
    void aModelThatDoesNotAnswerAdmissionAdmitsEveryIncomingObject() throws Exception {
        Path plain = TestModels.history(dir.resolve("plain.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, false, false));
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("plain.sock")).model(plain)
                .deadline(Duration.ofSeconds(1)).warmupRequests(50).build());
             TestClient c = new TestClient(s.socket())) {
            float[] rows = rows(new float[] {5, 1, 3}, new float[] {4096, 4096, 4096}, new float[] {500, 10, 20}, true);
            assertEquals(1L << 1, c.evictV2(1, 3, WireV2.FLAG_INCOMING, rows), "LRU candidates, same model");
            assertEquals(WireV2.ADMIT, c.in.admission());
        }
    }

    @Test
    void framesTheModelCannotReadAreRefusedNamingTheFixAndTheConnectionStaysOpen() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.out.evict(c.channel, 50, 2, TestClient.features(2, 1));               // version 1
            SidecarServerTest.assertError(c, ErrorCode.UNSUPPORTED_VERSION, 50);
            assertEquals(Wire.VERSION, c.in.version(), "answered in the request's version, so NGINX logs it");
            assertTrue(c.in.errorMessage().contains("reflex_schema=history-1"), c.in.errorMessage());

            float[] rows = TestClient.historyRows(3, false, 2);
            c.out.evictV2(c.channel, 51, 3, WireV2.SCHEMA_HISTORY_1, 0, rows);       // LRU candidates, model sampled
            SidecarServerTest.assertError(c, ErrorCode.UNSUPPORTED_SCHEMA, 51);
            assertEquals(WireV2.VERSION, c.in.version());
            assertTrue(c.in.errorMessage().contains("reflex.candidates=sampled"), c.in.errorMessage());

            float[] nine = TestClient.historyRows(K + 1, false, 3);
            c.out.evictV2(c.channel, 52, K + 1, WireV2.SCHEMA_HISTORY_1, WireV2.FLAG_SAMPLED, nine);
            SidecarServerTest.assertError(c, ErrorCode.BAD_COUNT, 52);

            rows[W + HistoryFeatures.GAP + 1] = -2;
            c.out.evictV2(c.channel, 53, 3, WireV2.SCHEMA_HISTORY_1, WireV2.FLAG_SAMPLED, rows);
            SidecarServerTest.assertError(c, ErrorCode.BAD_FEATURE, 53);
            assertTrue(c.in.errorMessage().contains("candidate 1 column gap1 = -2.0"), c.in.errorMessage());

            long mask = c.evictV2(54, 4, WireV2.FLAG_SAMPLED, TestClient.historyRows(4, false, 4));
            assertEquals(1, Long.bitCount(mask), "still serving, one victim");
            assertEquals(0, mask >>> 4);
        }
    }

    @Test
    void aColdRlSidecarRefusesVersionTwoFramesAndHistoryModelsOnReload() throws Exception {
        Path cold = TestModels.write(dir.resolve("cold.onnx"), 3, 4);
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("cold.sock")).model(cold)
                .modelPollInterval(Duration.ofMillis(20)).warmupRequests(50).build());
             TestClient c = new TestClient(s.socket())) {
            assertEquals(EvictionModel.COLD_RL_SCHEMA, s.schema());
            assertEquals(1, s.protocolVersion());
            c.out.evictV2(c.channel, 60, 2, WireV2.SCHEMA_HISTORY_1, 0, TestClient.historyRows(2, false, 5));
            SidecarServerTest.assertError(c, ErrorCode.UNSUPPORTED_VERSION, 60);
            assertEquals(WireV2.VERSION, c.in.version());
            assertTrue(c.in.errorMessage().contains("history-1"), c.in.errorMessage());

            TestModels.history(cold, HistoryFeatures.HITS, -1f, TestModels.historyContract(4, false, false));
            ModelHotReloadTest.await(() -> s.refusedReloads() == 1, "the history-1 model to be refused");
            assertEquals(1, s.runtime().store().version().orElseThrow().sequence(), "the Cold-RL model still serves");
            assertEquals(1, Long.bitCount(Long.lowestOneBit(c.evict(61, 4))), "and answers version 1");
        }
    }

    @Test
    void hotReloadSwapsInAHistoryModelAndRefusesAnotherSchemaOrContract() throws Exception {
        Path file = TestModels.history(dir.resolve("reload.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("reload.sock")).model(file)
                .deadline(Duration.ofSeconds(1)).modelPollInterval(Duration.ofMillis(20)).warmupRequests(50).build());
             TestClient c = new TestClient(s.socket())) {
            float[] rows = rows(new float[] {5, 1, 3}, new float[] {4096, 4096, 4096}, new float[] {500, 10, 20}, false);
            assertEquals(1L << 1, c.evictV2(1, 3, WireV2.FLAG_SAMPLED, rows), "fewest hits");

            TestModels.history(file, HistoryFeatures.RECENCY, 1f, TestModels.historyContract(K, true, true));
            ModelHotReloadTest.await(() -> s.runtime().store().version().orElseThrow().sequence() == 2,
                    "the recency model to serve");
            assertEquals(1L, c.evictV2(2, 3, WireV2.FLAG_SAMPLED, rows), "largest recency, same connection");

            TestModels.write(file, 4, K);                                     // Cold-RL
            ModelHotReloadTest.await(() -> s.refusedReloads() == 1, "a Cold-RL model to be refused");
            TestModels.history(file, HistoryFeatures.HITS, -1f, TestModels.historyContract(16, true, true));
            ModelHotReloadTest.await(() -> s.refusedReloads() == 2, "another K to be refused");
            TestModels.history(file, HistoryFeatures.HITS, -1f, TestModels.historyContract(K, false, true));
            ModelHotReloadTest.await(() -> s.refusedReloads() == 3, "another candidate set to be refused");
            assertEquals(2, s.runtime().store().version().orElseThrow().sequence(), "the recency model still serves");
            assertEquals(1L, c.evictV2(3, 3, WireV2.FLAG_SAMPLED, rows));
            // Refused by the schema check, never offered to the store: still counted in the metrics.
            assertEquals(3.0, s.registry().get("reflex.sidecar.model.reloads.refused").functionCounter().count(),
                    "every refusal is visible in the metrics");
            assertEquals(0.0, s.registry().get("reflex.model.swaps").tag("result", "rejected").functionCounter().count(),
                    "the store was offered none of them");
        }
    }

    @Test
    void aKThatDoesNotMatchTheModelIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SidecarServer.start(
                SidecarConfig.builder().socket(dir.resolve("k.sock")).model(model).k(4).build()));
        assertTrue(e.getMessage().contains("k = 4 does not match the model's K = 8"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("k.sock")));
    }
}
