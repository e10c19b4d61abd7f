package io.reflex.sidecar.floor;

import io.reflex.engine.adapt.MiniatureLru;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.WireV2;
import io.reflex.sidecar.server.SidecarConfig;
import io.reflex.sidecar.server.SidecarServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LRU floor in a real sidecar, fed by a real access log it follows on its own thread, answering
 * over its real socket. The log is generated: a seeded Zipf stream whose cache-status column says
 * what the live cache did, derived from an exact LRU of NGINX's {@code max_size} run over the same
 * stream (the engine's {@link MiniatureLru}, the floor's own shadow rule). Assertions wait for the
 * follower to have read every line written (a count, never a duration), then check the floor.
 */
class FloorSidecarTest {

    static final int K = 8;
    static final int W = HistoryFeatures.WIDTH;
    /** max_size: 1,000 blocks of 4 KiB, so the floor's shadows see every key (rate 1). */
    static final long MAX_SIZE = 1_000L * SidecarFloor.BLOCK;
    static final int KEYS = 20_000;

    @TempDir
    Path dir;

    /** A seeded Zipf(0.9) stream over {@value #KEYS} keys of 1 to 3 blocks, the LRU's hit on each request beside it. */
    static final class Traffic {
        private final double[] cdf = new double[KEYS];
        private final SplittableRandom random;
        private final MiniatureLru lru = new MiniatureLru(MAX_SIZE, (int) (MAX_SIZE / SidecarFloor.BLOCK));
        private final StringBuilder out = new StringBuilder();
        private long lruHits;
        private long liveHits;
        private long requests;

        Traffic(long seed) {
            random = new SplittableRandom(seed);
            double sum = 0;
            for (int i = 0; i < KEYS; i++) {
                sum += 1 / Math.pow(i + 1, 0.9);
                cdf[i] = sum;
            }
            for (int i = 0; i < KEYS; i++) {
                cdf[i] /= sum;
            }
        }

        /** Appends {@code n} lines; {@code live} turns LRU's hit into the live cache's. */
        Traffic requests(int n, Live live) {
            for (int i = 0; i < n; i++) {
                int key = java.util.Arrays.binarySearch(cdf, random.nextDouble());
                key = key < 0 ? -key - 1 : key;
                long bytes = (1 + key % 3) * SidecarFloor.BLOCK - 100;
                String k = "httporigin/k" + key;
                boolean lruHit = lru.access(k.hashCode() * 0x9E3779B97F4A7C15L + key, SidecarFloor.weight(bytes));
                boolean hit = live.hit(lruHit, random);
                lruHits += lruHit ? 1 : 0;
                liveHits += hit ? 1 : 0;
                requests++;
                out.append("reflex1 ").append(1_733_400_000 + requests / 1000).append('.').append(requests % 1000)
                        .append(" GET \"").append(k).append("\" 200 ").append(hit ? bytes : bytes).append(' ')
                        .append(hit ? "HIT" : "MISS").append(" \"").append(hit ? "-" : "0.012")
                        .append("\" \"public, max-age=3600\"\n");
            }
            return this;
        }

        /** Writes what was generated to the log, as NGINX appends. */
        void flush(Path log) throws IOException {
            Files.writeString(log, out, StandardCharsets.ISO_8859_1, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            out.setLength(0);
        }
    }

    @FunctionalInterface
    interface Live {
        boolean hit(boolean lruHit, SplittableRandom random);
    }

    /** A learned policy losing badly: one in ten of LRU's hits. */
    static final Live LOSING = (lru, r) -> lru && r.nextInt(10) == 0;
    /** The live cache evicting by LRU. */
    static final Live LRU = (lru, r) -> lru;

    private SidecarServer start(Path model, Path log) throws IOException {
        return SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("f.sock")).model(model)
                .deadline(Duration.ofSeconds(1)).modelPollInterval(Duration.ofMillis(20)).warmupRequests(300)
                .accessLog(log).cacheMaxSize(MAX_SIZE).accessLogPoll(Duration.ofMillis(5)).build());
    }

    /** Waits until {@code done} (the follower's thread is the one working), failing after a minute. */
    static void await(BooleanSupplier done, String what) {
        long giveUp = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < giveUp, "gave up waiting for " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Writes the traffic and waits until the floor has read all of it. */
    static void feed(SidecarFloor floor, Traffic traffic, Path log) throws IOException {
        long target = traffic.requests;
        traffic.flush(log);
        await(() -> floor.followed() == target, target + " requests followed");
    }

    /**
     * Rows where LRU takes candidate 2 (largest recency) and the model (fewest hits) candidate 0;
     * the incoming object, with no hits, is predicted farther than that victim.
     */
    static float[] rows(boolean incoming) {
        float[] hits = {1, 4, 9};
        float[] recency = {10, 300, 5_000};
        float[] rows = new float[(3 + (incoming ? 1 : 0)) * W];
        for (int r = 0; r < 3 + (incoming ? 1 : 0); r++) {
            int at = r * W;
            boolean in = r == 3;
            rows[at + HistoryFeatures.RECENCY] = in ? 0 : recency[r];
            for (int i = 0; i < 3; i++) {
                rows[at + HistoryFeatures.GAP + i] = i == 0 ? 40 : -1;
            }
            for (int i = 0; i < 4; i++) {
                rows[at + HistoryFeatures.EDC + i] = 1.5f;
            }
            rows[at + HistoryFeatures.SIZE] = 4096;
            rows[at + HistoryFeatures.RESIDENCE] = in ? 0 : recency[r] + 100;
            rows[at + HistoryFeatures.HITS] = in ? 0 : hits[r];
        }
        return rows;
    }

    /**
     * A model predicting −L(hits) (the fewest hits since admission goes first; an incoming object,
     * with none, is declined unless the victim has none either) evicts in NGINX; the log shows the
     * live cache getting a tenth of LRU's hits. The floor demotes it within 10,000 requests, the
     * sidecar then answers LRU's victim and admits without running the model, and the model's
     * miniature, which on this stationary Zipf stream beats LRU, brings it back.
     */
    @Test
    void demotesAModelLosingToLruAnswersAsLruThenPromotesItWhenItsMiniatureWins() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "reflex1 1733399999.000 GET \"httporigin/before\" 200 10 MISS \"-\" \"-\"\n");
        Path model = TestModels.history(dir.resolve("m.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        try (SidecarServer server = start(model, log); TestClient c = new TestClient(server.socket())) {
            SidecarFloor floor = server.floor().orElseThrow();
            assertEquals(1L, c.evictV2(1, 3, WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED, rows(true)),
                    "the model decides: fewest hits");
            assertEquals(WireV2.DECLINE, c.in.admission());

            // written in steps of 1,000 until the floor demotes: the live column stays the losing
            // policy's only while that policy evicts (afterwards NGINX evicts by LRU)
            Traffic traffic = new Traffic(7);
            while (floor.demotions() == 0 && traffic.requests < 10_000) {
                feed(floor, traffic.requests(1_000, LOSING), log);
            }
            assertEquals(1, floor.demotions(), "demoted within 10,000 requests");
            assertFalse(floor.learnedServes());
            assertEquals(0, floor.malformed(), "the line logged before the start was never read");

            long policy = server.runtime().metrics().policyDecisions();
            assertEquals(1L << 2, c.evictV2(2, 3, WireV2.FLAG_INCOMING | WireV2.FLAG_SAMPLED, rows(true)),
                    "LRU's victim: the largest recency");
            assertEquals(WireV2.ADMIT, c.in.admission(), "LRU admits everything");
            assertEquals(1L << 2, c.evictV2(3, 3, WireV2.FLAG_SAMPLED, rows(false)));
            assertEquals(WireV2.NOT_ASKED, c.in.admission());
            // The server counts a frame after writing its reply: wait for the count, not a duration.
            await(() -> server.metrics().floorRequests() == 2, "both floor answers counted");
            assertEquals(policy, server.runtime().metrics().policyDecisions(), "the model did not run");
            String scrape = server.registry().scrape();
            assertTrue(scrape.contains("reflex_sidecar_floor_switches_total{to=\"lru\"} 1.0"), scrape);
            assertTrue(scrape.contains("reflex_sidecar_floor_learned_serves 0.0"), scrape);
            assertTrue(scrape.contains("reflex_sidecar_requests_total{decided_by=\"floor\"} 2.0"), scrape);

            // the live cache evicts by LRU now; the model's miniature competes with it on the same keys
            for (int chunk = 0; chunk < 20 && floor.promotions() == 0; chunk++) {
                feed(floor, traffic.requests(10_000, LRU), log);
            }
            assertEquals(1, floor.promotions(), "promoted on its miniature's evidence");
            assertTrue(floor.learnedServes());
            assertEquals(1L, c.evictV2(4, 3, WireV2.FLAG_SAMPLED, rows(false)), "the model decides again");
            assertEquals(2, server.metrics().floorRequests());
            assertTrue(server.registry().scrape().contains("reflex_sidecar_floor_switches_total{to=\"learned\"} 1.0"));
        }
    }

    /** A demoted model replaced by hot reload: the floor starts afresh, and the new model evicts. */
    @Test
    void aHotReloadedModelGetsAFreshFloorAndServes() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = TestModels.history(dir.resolve("m.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        try (SidecarServer server = start(model, log); TestClient c = new TestClient(server.socket())) {
            SidecarFloor floor = server.floor().orElseThrow();
            feed(floor, new Traffic(11).requests(2_000, LOSING), log);
            assertFalse(floor.learnedServes());
            Path next = TestModels.history(dir.resolve("next.onnx"), HistoryFeatures.HITS, -2f,
                    TestModels.historyContract(K, true, true));
            Files.move(next, model, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            await(() -> floor.resets() == 1, "a fresh floor for the new model");
            assertTrue(floor.learnedServes());
            assertEquals(1L, c.evictV2(1, 3, WireV2.FLAG_SAMPLED, rows(false)), "the new model decides");
        }
    }

    /**
     * A live cache that evicts as LRU would, with symmetric noise (some of its hits are misses and
     * as many misses hits, as a learned policy worth the same as LRU would differ from it): no
     * demotion over 200,000 requests. Under the null the switch's z = 4 check errs with probability
     * about 3·10⁻⁵ per block end, so a seed that demotes would be a finding, not bad luck.
     */
    @Test
    void neverDemotesAModelWorthAsMuchAsLruOverALongStationaryStream() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = TestModels.history(dir.resolve("m.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        try (SidecarServer server = start(model, log)) {
            SidecarFloor floor = server.floor().orElseThrow();
            Traffic traffic = new Traffic(3);
            // LRU's hit ratio on this stream, to balance the noise: flip hits with q, misses with q·h/(1−h)
            traffic.requests(20_000, LRU);
            double h = traffic.lruHits / (double) traffic.requests;
            double q = 0.05;
            double back = q * h / (1 - h);
            Live equal = (lru, r) -> lru ? r.nextDouble() >= q : r.nextDouble() < back;
            for (int chunk = 0; chunk < 18; chunk++) {
                traffic.requests(10_000, equal);
                feed(floor, traffic, log);
            }
            assertEquals(200_000, floor.followed());
            assertEquals(0, floor.demotions(), "live hits " + traffic.liveHits + ", LRU's " + traffic.lruHits);
            assertTrue(floor.learnedServes());
        }
    }

    @Test
    void aColdRlModelIsRefusedWithTheReason() {
        Path model = TestModels.write(dir.resolve("cold.onnx"), 5, K);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(model, dir.resolve("access.log")));
        assertTrue(e.getMessage().contains("history-1 models only"), e.getMessage());
    }

    @Test
    void malformedLinesAreCountedAndSkipped() throws Exception {
        Path log = dir.resolve("access.log");
        Path model = TestModels.history(dir.resolve("m.onnx"), HistoryFeatures.HITS, -1f,
                TestModels.historyContract(K, true, true));
        try (SidecarServer server = start(model, log)) {
            SidecarFloor floor = server.floor().orElseThrow();
            Files.writeString(log, "garbage\nreflex1 1 GET \"k\" 200 10 WARM \"-\" \"-\"\n"
                    + "reflex1 1 GET \"k\" 200 10 MISS \"-\" \"-\"\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            await(() -> floor.followed() == 1, "the good line");
            assertEquals(2, floor.malformed());
            assertTrue(server.registry().scrape().contains("reflex_sidecar_floor_lines_total{kind=\"malformed\"} 2.0"));
        }
    }
}
