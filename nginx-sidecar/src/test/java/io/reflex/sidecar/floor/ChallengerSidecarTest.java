package io.reflex.sidecar.floor;

import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.server.SidecarConfig;
import io.reflex.sidecar.server.SidecarServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A challenger beside the served model ({@code --challenger}) in a real sidecar following a real
 * access log: one that beats the live cache on the floor's sampled keys replaces the served file
 * and the sidecar reloads it; one no better never does; a file of another contract is refused.
 * The live cache evicts by LRU (the log's cache-status column is an exact LRU's,
 * {@link FloorSidecarTest.Traffic}), on a Zipf stream where fewest-hits-first beats LRU.
 */
class ChallengerSidecarTest {

    static final int K = FloorSidecarTest.K;

    @TempDir
    Path dir;

    private SidecarServer start(Path model, Path log, Path challenger) throws Exception {
        return SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("c.sock")).model(model)
                .deadline(Duration.ofSeconds(1)).modelPollInterval(Duration.ofMillis(20)).warmupRequests(300)
                .accessLog(log).cacheMaxSize(FloorSidecarTest.MAX_SIZE).accessLogPoll(Duration.ofMillis(5))
                .challenger(challenger).build());
    }

    /** Evicts the least recently accessed of K sampled residents. */
    private Path lruLike(String name) {
        return TestModels.history(dir.resolve(name), HistoryFeatures.RECENCY, 1f, TestModels.historyContract(K, true, true));
    }

    /** Fewest hits since admission first: beats LRU on a stationary Zipf stream. */
    private Path fewestHits(String name) {
        return TestModels.history(dir.resolve(name), HistoryFeatures.HITS, -1f, TestModels.historyContract(K, true, true));
    }

    @Test
    void aChallengerThatBeatsTheLiveCacheReplacesTheServedModelWhichTheSidecarReloads() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = lruLike("served.onnx");
        Path challenger = dir.resolve("challenger.onnx");
        try (SidecarServer server = start(model, log, challenger)) {
            SidecarFloor floor = server.floor().orElseThrow();
            FloorSidecarTest.Traffic traffic = new FloorSidecarTest.Traffic(21);
            FloorSidecarTest.feed(floor, traffic.requests(2_000, FloorSidecarTest.LRU), log);
            assertFalse(floor.challengerEvaluating(), "no challenger file yet");
            byte[] bytes = Files.readAllBytes(fewestHits("candidate.onnx"));
            Files.write(challenger, bytes);
            FloorSidecarTest.await(floor::challengerEvaluating, "the challenger under evaluation");
            for (int chunk = 0; chunk < 30 && floor.challengerWins() == 0; chunk++) {
                FloorSidecarTest.feed(floor, traffic.requests(5_000, FloorSidecarTest.LRU), log);
            }
            assertEquals(1, floor.challengerWins(), "it won");
            assertArrayEquals(bytes, Files.readAllBytes(model), "its bytes replaced the served file");
            FloorSidecarTest.await(() -> floor.resets() == 1, "the sidecar reloaded the served file");
            assertFalse(floor.challengerEvaluating(), "its evaluation is over");
            assertTrue(server.registry().scrape().contains("reflex_sidecar_challenger_wins_total 1.0"));
            // The same file, still there, is not evaluated again.
            FloorSidecarTest.feed(floor, traffic.requests(2_000, FloorSidecarTest.LRU), log);
            assertFalse(floor.challengerEvaluating());
        }
    }

    /**
     * The least recently accessed of the LRU tail is LRU itself, the live cache's rule: the same
     * outcome on every sampled request, no lead. (Recency over sampled candidates is not: on this
     * stream it beats exact LRU and wins.)
     */
    @Test
    void aChallengerNoBetterThanTheLiveCacheNeverReplacesIt() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = TestModels.history(dir.resolve("served.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, false, true));
        byte[] served = Files.readAllBytes(model);
        Path challenger = dir.resolve("challenger.onnx");
        TestModels.history(challenger, HistoryFeatures.RECENCY, 1f, TestModels.historyContract(K, false, true));
        try (SidecarServer server = start(model, log, challenger)) {
            SidecarFloor floor = server.floor().orElseThrow();
            FloorSidecarTest.Traffic traffic = new FloorSidecarTest.Traffic(22);
            FloorSidecarTest.feed(floor, traffic.requests(1_000, FloorSidecarTest.LRU), log);
            FloorSidecarTest.await(floor::challengerEvaluating, "the challenger under evaluation");
            for (int chunk = 0; chunk < 20; chunk++) {
                FloorSidecarTest.feed(floor, traffic.requests(5_000, FloorSidecarTest.LRU), log);
            }
            assertEquals(0, floor.challengerWins());
            assertTrue(floor.challengerEvaluating(), "still in the shadow");
            assertArrayEquals(served, Files.readAllBytes(model));
        }
    }

    @Test
    void aChallengerOfAnotherContractIsRefusedAndTheOptionNeedsTheAccessLog() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = lruLike("served.onnx");
        Path challenger = dir.resolve("challenger.onnx");
        TestModels.history(challenger, HistoryFeatures.HITS, -1f, TestModels.historyContract(4, true, true));
        try (SidecarServer server = start(model, log, challenger)) {
            SidecarFloor floor = server.floor().orElseThrow();
            FloorSidecarTest.Traffic traffic = new FloorSidecarTest.Traffic(23);
            FloorSidecarTest.feed(floor, traffic.requests(500, FloorSidecarTest.LRU), log);
            FloorSidecarTest.await(() -> server.registry().scrape().contains("reflex_sidecar_challenger_refused_total 1.0"),
                    "the challenger refused");
            assertFalse(floor.challengerEvaluating());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SidecarConfig.builder()
                .socket(dir.resolve("x.sock")).model(model).challenger(challenger).build());
        assertTrue(e.getMessage().contains("--access-log"), e.getMessage());
    }
}
