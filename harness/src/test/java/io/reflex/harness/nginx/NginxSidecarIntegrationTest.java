package io.reflex.harness.nginx;

import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes end to end: the patched NGINX (built by {@code nginx/build-nginx.sh}) with
 * {@code proxy_cache} in front of a local origin, a replayed workload over HTTP, and the sidecar in
 * a JVM of its own (or a misbehaving one). If NGINX cannot be built here the tests fail, naming why.
 *
 * <p>The workload: 6,000 requests over 400 keys (popularity ~ 1/rank^0.9, sizes 2-48 KB, seed 1)
 * against {@code max_size=2m}: about 10 MB of distinct objects, so the cache manager evicts hundreds
 * of entries per run.
 */
class NginxSidecarIntegrationTest {

    static final int K = 16;
    static final long MAX_SIZE = 2L << 20;
    /**
     * NGINX's deadline where a live sidecar answers (scenarios 1 and 2): 2 ms rather than the
     * product's 500 µs, because these scenarios are about who decides and about recovery, and on a
     * shared 2-vCPU machine up to 14% of round trips have been seen over 500 µs (scheduling); the
     * 500 µs budget is measured by {@code ./reflex sidecar bench}. Scenarios 3 and 4 use 500 µs.
     */
    static final String LIVE_TIMEOUT = "2ms";
    static NginxBuild build;
    static Origin origin;
    static List<String> workload;

    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;
    NginxServer nginx;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void buildNginxAndStartTheOrigin() throws Exception {
        build = NginxBuild.build(NginxBuild.findScript(Path.of("")));
        origin = new Origin(4);
        model = TestModels.write(shared.resolve("eviction.onnx"), 5, K);
        workload = ZipfPaths.of(6_000, 400, 1);
    }

    @AfterAll
    static void stopOrigin() {
        if (origin != null) {
            origin.close();
        }
    }

    @AfterEach
    void stopProcesses() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    NginxServer patched(Path socket, String timeout) throws Exception {
        return NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port())
                .maxSize("2m").managerSleep("10ms").reflex(socket, timeout, K).start();
    }

    /**
     * Waits for NGINX's cache manager to have evicted the cache under max_size, then for the stats
     * file to settle, and reads it. The manager checks the size when it wakes, every manager_sleep
     * (10 ms here; the patch wakes it that often for every cache, where stock NGINX waits up to
     * 10 s once the cache was under): the cache overshoots max_size by what arrives in between, and
     * comes back under at the manager's next run.
     */
    ReflexStats afterManagerRun() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (nginx.cacheBytes() > MAX_SIZE && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        return nginx.settledStats(Duration.ofSeconds(10));
    }

    /**
     * Once the manager has run ({@link #afterManagerRun()}), the zone's own count (the patch's
     * {@code size_blocks} × {@code bsize}) and the files on disk are both within max_size; a
     * failure names both, with the zone's nodes and residents beside the files, to say which side
     * is off (an orphaned file, or a count the zone lost).
     *
     */
    void assertWithinMaxSizeAtRest() throws Exception {
        assertWithinMaxSize(afterManagerRun());
    }

    /** As {@link #assertWithinMaxSizeAtRest()}, with the stats {@link #afterManagerRun()} read. */
    void assertWithinMaxSize(ReflexStats s) throws Exception {
        NginxServer.CacheOnDisk disk = nginx.cacheOnDisk();
        long counted = s.get("size_blocks") * s.get("bsize");
        String state = "on disk " + disk.files() + " files, " + disk.bytes() + " bytes; the zone counts "
                + counted + " bytes in " + s.get("nodes") + " nodes (" + s.get("residents") + " residents); max_size "
                + MAX_SIZE;
        assertTrue(counted <= MAX_SIZE, "the zone's count after the manager's run: " + state);
        assertTrue(disk.bytes() <= MAX_SIZE, "the cache after the manager's run: " + state);
    }

    /** Samples the cache size every 20 ms while {@code run} runs; returns the largest seen. */
    long peakCacheDuring(ThrowingRunnable run) throws Exception {
        AtomicLong peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    peak.accumulateAndGet(nginx.cacheBytes(), Math::max);
                    Thread.sleep(20);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a file vanished mid-walk: sample again
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            run.run();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        return peak.get();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void assertAllSucceeded(HttpLoad.Result r) {
        assertEquals(0, r.failed(), () -> r.failed() + " of " + r.requests() + " requests failed; first: " + r.firstError());
    }

    @Test
    void evictionsComeFromThePolicyAndTheCacheStaysWithinMaxSize() throws Exception {
        Path socket = dir.resolve("s.sock");
        int metricsPort = freePort();
        SidecarProcess sidecar = SidecarProcess.start(socket, model, metricsPort, dir.resolve("sidecar.log"));
        toClose.add(sidecar);
        nginx = patched(socket, LIVE_TIMEOUT);
        HttpLoad.Result[] r = new HttpLoad.Result[1];
        long peak = peakCacheDuring(() -> r[0] = new HttpLoad(nginx.port(), workload, 4).run());
        assertAllSucceeded(r[0]);
        ReflexStats s = afterManagerRun();
        long atRest = nginx.cacheBytes();
        String metrics = Prometheus.scrape(metricsPort);
        double answered = Prometheus.sum(metrics, "reflex_sidecar_requests_total");
        double byPolicy = Prometheus.sum(metrics, "reflex_sidecar_requests_total", "decided_by=\"policy\"");
        double victims = Prometheus.sum(metrics, "reflex_sidecar_victims_total");
        System.err.printf("scenario 1: %s; sidecar answered %.0f (%.0f by the policy), %.0f victims; cache peak %,d, at rest %,d bytes; hit ratio %.3f%n",
                s, answered, byPolicy, victims, peak, atRest, r[0].hitRatio());
        System.err.println("scenario 1: p50 " + s.roundTripPercentileUs(0.5) + " p99 " + s.roundTripPercentileUs(0.99)
                + "; nginx log: " + nginx.errorTail() + "\n sidecar log: " + sidecar.logTail());

        assertTrue(s.get("policy_evictions") > 100, () -> "the policy evicted: " + s);
        assertTrue(s.get("policy_evictions") >= 0.9 * s.evictions(), () -> "at least 90% of evictions from the policy: " + s);
        assertTrue(answered >= s.get("policy_decisions"), "every policy decision NGINX took was answered by the sidecar");
        assertTrue(byPolicy >= 0.99 * answered, "the sidecar's answers came from the model, not its own LRU fallback");
        assertTrue(victims >= s.get("policy_evictions"), "every policy eviction was a victim the sidecar named");
        assertEquals(0, Prometheus.sum(metrics, "reflex_sidecar_errors_total"), "NGINX sent no malformed frame");
        // Within max_size once the manager has run; in between, NGINX (stock and patched alike) lets
        // the cache overshoot by what arrives before the manager wakes (see afterManagerRun).
        assertWithinMaxSize(s);
        assertTrue(nginx.alive(), "NGINX master, worker and cache manager still run");
    }

    @Test
    void aReloadWithASmallerMaxSizeKeepsTheCachedEntriesAndTheNewManagerEvictsThemThroughThePolicy() throws Exception {
        Path socket = dir.resolve("s.sock");
        toClose.add(SidecarProcess.start(socket, model, -1, dir.resolve("sidecar.log")));
        nginx = NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port())
                .maxSize("64m").managerSleep("10ms").reflex(socket, LIVE_TIMEOUT, K).start();
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            distinct.add("/o/reload-" + i + "?s=1000");
        }
        assertAllSucceeded(new HttpLoad(nginx.port(), distinct, 4).run());
        long filled = nginx.cacheBytes();
        assertTrue(filled > MAX_SIZE, "1,500 files of one 4 KiB block each fill far past 2 MiB: " + filled);
        ReflexStats before = nginx.stats();

        nginx.reloadWithMaxSize("2m");
        ReflexStats s = afterManagerRun();
        ReflexStats drained = before == null ? s : s.minus(before);

        assertTrue(nginx.cacheBytes() <= MAX_SIZE, "the reloaded manager brought the cache under the new max_size");
        assertTrue(drained.evictions() >= (filled - MAX_SIZE) / 4096,
                () -> "every block over the new bound was evicted: " + drained);
        assertTrue(drained.get("policy_evictions") >= 0.9 * drained.evictions(), () -> "by the policy: " + drained);
        HttpLoad.Result again = new HttpLoad(nginx.port(), distinct.subList(distinct.size() - 100, distinct.size()), 1).run();
        assertAllSucceeded(again);
        assertTrue(nginx.alive(), "NGINX master, worker and cache manager run after the reload");
    }

    @Test
    void aSidecarKilledMidRunLeavesEveryRequestServedAndNginxReconnectsWhenItReturns() throws Exception {
        Path socket = dir.resolve("s.sock");
        SidecarProcess first = SidecarProcess.start(socket, model, -1, dir.resolve("sidecar-1.log"));
        toClose.add(first);
        nginx = patched(socket, LIVE_TIMEOUT);
        int third = workload.size() / 3;
        HttpLoad load = new HttpLoad(nginx.port(), workload, 4);
        HttpLoad.Result a = load.run(0, third);
        ReflexStats beforeKill = afterManagerRun();
        assertTrue(beforeKill.get("policy_decisions") > 0, () -> "the policy decided before the kill: " + beforeKill);

        HttpLoad.Result[] b = new HttpLoad.Result[1];
        Thread phaseB = Thread.ofPlatform().start(() -> {
            try {
                b[0] = load.run(third, 2 * third);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(100);
        first.kill();                                                  // SIGKILL, under load
        assertTrue(!first.alive());
        phaseB.join();
        ReflexStats whileDead = afterManagerRun();

        int metricsPort = freePort();
        SidecarProcess second = SidecarProcess.start(socket, model, metricsPort, dir.resolve("sidecar-2.log"));
        toClose.add(second);
        HttpLoad.Result c = load.run(2 * third, workload.size());
        ReflexStats end = afterManagerRun();
        double answered = Prometheus.sum(Prometheus.scrape(metricsPort), "reflex_sidecar_requests_total");
        System.err.printf("scenario 2: before kill %s%n  while dead %s%n  end %s; second sidecar answered %.0f%n",
                beforeKill, whileDead, end, answered);

        assertAllSucceeded(a);
        assertAllSucceeded(b[0]);
        assertAllSucceeded(c);
        ReflexStats dead = whileDead.minus(beforeKill);
        assertTrue(dead.get("lru_evictions") > 0, () -> "NGINX fell back to LRU while the sidecar was gone: " + dead);
        assertTrue(dead.get("fallback_connect") + dead.get("fallback_closed") + dead.get("fallback_io") > 0,
                () -> "connection failures were counted: " + dead);
        ReflexStats back = end.minus(whileDead);
        assertTrue(back.get("policy_decisions") > 0, () -> "NGINX reconnected and the policy decided again: " + back);
        assertTrue(answered >= back.get("policy_decisions"), "the new sidecar answered them");
        assertTrue(nginx.alive());
        assertWithinMaxSizeAtRest();
    }

    @Test
    void aSidecarThatAnswersAfterTheDeadlineIsCountedAsTimeoutsAndRequestsStayFast() throws Exception {
        Path socket = dir.resolve("late.sock");
        // 10 ms, NGINX waits 500 µs: only a manager descheduled for 10 ms between its send and its
        // look finds the reply (at 3 ms, 6% of decisions did on a machine at load 5).
        FakeSidecar late = new FakeSidecar(socket, FakeSidecar.Mode.LATE, 10_000_000, 1);
        toClose.add(late);
        nginx = patched(socket, "500us");
        HttpLoad.Result r = new HttpLoad(nginx.port(), workload, 4).run();
        ReflexStats s = afterManagerRun();
        System.err.printf("scenario 3: %s; sidecar got %d requests; request latency p50 %d us, p99 %d us, max %d us%n",
                s, late.requests.get(), r.latencyUs(0.5), r.latencyUs(0.99), r.latencyUs(1.0));

        assertAllSucceeded(r);
        assertTrue(s.get("fallback_timeout") > 50, () -> "timeouts counted: " + s);
        // NGINX never waits past the deadline, but a reply that is already there when it looks is used:
        // a manager descheduled for 10 ms on a loaded machine can find one. That is rare, never the rule.
        assertTrue(s.get("policy_decisions") <= s.get("decisions") / 20,
                () -> "late answers were not taken (beyond a scheduling stall or two): " + s);
        assertEquals(s.get("decisions"), s.fallbacks() + s.get("policy_decisions"),
                () -> "every other decision fell back: " + s);
        assertTrue(s.get("lru_evictions") > 0);
        // Eviction runs in the cache manager, not on the request path: a slow sidecar costs the
        // manager 500 µs per eviction, never a client request. Bound: p99 under 100 ms, max under 2 s.
        assertTrue(r.latencyUs(0.99) < 100_000, "request p99 " + r.latencyUs(0.99) + " us");
        assertTrue(r.latencyUs(1.0) < 2_000_000, "request max " + r.latencyUs(1.0) + " us");
        assertTrue(nginx.alive());
        assertWithinMaxSizeAtRest();
    }

    /**
     * Scenario 6: a history-1 model (its prediction −L(hits), so a fill not yet hit is predicted
     * farther than any candidate hit since admission, and is declined) served by the real sidecar to
     * NGINX with {@code reflex_schema=history-1}: NGINX keeps the history in its keys zone, samples
     * the candidates, sends v2 frames the sidecar accepts, and applies both the victims and the
     * declined admissions.
     */
    @Test
    void aHistoryModelDecidesFromTheZonesHistoryAndItsDeclinedFillsAreEvicted() throws Exception {
        Path history = io.reflex.sidecar.TestModels.history(dir.resolve("history.onnx"),
                io.reflex.engine.eviction.HistoryFeatures.HITS, -1f, TestModels.historyContract(K, true, true));
        Path socket = dir.resolve("h.sock");
        int metricsPort = freePort();
        SidecarProcess sidecar = SidecarProcess.start(socket, history, metricsPort, dir.resolve("sidecar.log"));
        toClose.add(sidecar);
        nginx = NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port()).maxSize("2m")
                .managerSleep("10ms").reflex(socket, LIVE_TIMEOUT, K).reflexSchema("history-1").start();
        HttpLoad.Result r = new HttpLoad(nginx.port(), workload, 4).run();
        ReflexStats s = afterManagerRun();
        long atRest = nginx.cacheBytes();
        String metrics = Prometheus.scrape(metricsPort);
        double answered = Prometheus.sum(metrics, "reflex_sidecar_requests_total");
        double byPolicy = Prometheus.sum(metrics, "reflex_sidecar_requests_total", "decided_by=\"policy\"");
        double admissions = Prometheus.sum(metrics, "reflex_sidecar_admissions_total");
        double declines = Prometheus.sum(metrics, "reflex_sidecar_admissions_total", "answer=\"decline\"");
        System.err.printf("scenario 6: %s; sidecar answered %.0f (%.0f by the policy), %.0f admissions (%.0f declined);"
                + " cache at rest %,d bytes; hit ratio %.3f%n nginx log: %s%n sidecar log: %s%n", s, answered, byPolicy,
                admissions, declines, atRest, r.hitRatio(), nginx.errorTail(), sidecar.logTail());

        assertAllSucceeded(r);
        assertEquals("history-1", s.text("schema"));
        assertEquals("sampled", s.text("candidates"));
        assertEquals(r.requests(), s.get("tick"), () -> "one tick per request looked up in the cache: " + s);
        assertTrue(s.get("residents") > 0 && s.get("untracked") == 0, () -> "every node has its history: " + s);
        assertTrue(s.get("ghosts") > 0, () -> "deleted nodes left their histories as ghosts: " + s);
        assertEquals(0, Prometheus.sum(metrics, "reflex_sidecar_errors_total"), "every v2 frame NGINX sent was valid");
        assertTrue(s.get("policy_evictions") > 100, () -> "the policy evicted: " + s);
        assertTrue(s.get("policy_evictions") >= 0.9 * s.evictions(), () -> "at least 90% of evictions from the policy: " + s);
        assertTrue(byPolicy >= 0.99 * answered, "the sidecar's answers came from the model");
        assertTrue(s.get("admission_asked") > 0, () -> "fills were offered for admission: " + s);
        assertTrue(s.get("admission_declined") > 0, () -> "fills not yet hit were declined and evicted: " + s);
        assertTrue(declines >= s.get("admission_declined"), "every declined fill NGINX evicted, the sidecar declined");
        assertTrue(admissions <= s.get("admission_asked"), "the sidecar answered admission only when asked");
        assertWithinMaxSize(s);
        assertTrue(nginx.alive());
        assertEquals(0, nginx.errorLogCount("exited on signal"));

        // the evicted keys requested again: their nodes take up the histories their ghosts kept
        HttpLoad.Result again = new HttpLoad(nginx.port(), workload.subList(0, 1_000), 4).run();
        ReflexStats after = afterManagerRun();
        System.err.printf("scenario 6, the first 1,000 requests again: %s%n", after);
        assertAllSucceeded(again);
        assertTrue(after.get("ghosts_restored") > 0, () -> "evicted keys came back to their ghosts' histories: " + after);
        assertEquals(0, after.get("untracked"), () -> "every node has its history: " + after);
    }

    /**
     * Scenario 7: the sidecar's LRU floor following the real NGINX's access log in the extended
     * format while the history-1 model of scenario 6 evicts: every request NGINX served is read
     * from the log (a hit or a stored miss: the origin's responses are 200 with max-age), none is
     * malformed, and the floor either keeps the model or demotes it, each switch counted.
     */
    @Test
    void theLruFloorFollowsNginxsAccessLogInTheExtendedFormat() throws Exception {
        Path history = io.reflex.sidecar.TestModels.history(dir.resolve("history.onnx"),
                io.reflex.engine.eviction.HistoryFeatures.HITS, -1f, TestModels.historyContract(K, true, true));
        Path socket = dir.resolve("f.sock");
        int metricsPort = freePort();
        Path accessLog = dir.resolve("nginx/logs/access.log");
        SidecarProcess sidecar = SidecarProcess.start(socket, history, metricsPort, dir.resolve("sidecar.log"),
                "--access-log", accessLog.toString(), "--cache-max-size", "2m");
        toClose.add(sidecar);
        nginx = NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port()).maxSize("2m")
                .managerSleep("10ms").reflex(socket, LIVE_TIMEOUT, K).reflexSchema("history-1").accessLog(true).start();
        HttpLoad.Result r = new HttpLoad(nginx.port(), workload, 4).run();
        assertAllSucceeded(r);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String metrics = Prometheus.scrape(metricsPort);
        while (Prometheus.sum(metrics, "reflex_sidecar_floor_requests_total") < r.requests() && System.nanoTime() < end) {
            Thread.sleep(50);
            metrics = Prometheus.scrape(metricsPort);
        }
        double followed = Prometheus.sum(metrics, "reflex_sidecar_floor_requests_total");
        double demotions = Prometheus.sum(metrics, "reflex_sidecar_floor_switches_total", "to=\"lru\"");
        double byFloor = Prometheus.sum(metrics, "reflex_sidecar_requests_total", "decided_by=\"floor\"");
        System.err.printf("scenario 7: %d requests (hit ratio %.3f), %.0f followed by the floor, %.0f demotions, "
                + "%.0f EVICTs answered by the floor%n sidecar log: %s%n", r.requests(), r.hitRatio(), followed,
                demotions, byFloor, sidecar.logTail());
        assertEquals(r.requests(), followed, "every request NGINX logged was followed");
        assertEquals(0, Prometheus.sum(metrics, "reflex_sidecar_floor_lines_total", "kind=\"malformed\""));
        assertEquals(0, Prometheus.sum(metrics, "reflex_sidecar_floor_lines_total", "kind=\"lookup\""),
                "the origin's 200s with max-age are stored");
        double promotions = Prometheus.sum(metrics, "reflex_sidecar_floor_switches_total", "to=\"learned\"");
        assertEquals(promotions == demotions ? 1 : 0, Prometheus.sum(metrics, "reflex_sidecar_floor_learned_serves"),
                "the gauge agrees with the switches (each demotion, then at most one promotion)");
        assertEquals(0, Prometheus.sum(metrics, "reflex_sidecar_errors_total"));
        assertTrue(nginx.alive());
    }

    @Test
    void nginxRefusesHistoryParametersItCannotServe() throws Exception {
        Path socket = dir.resolve("never.sock");
        for (String[] bad : new String[][] {{"history-2", null, "invalid reflex_schema value \"history-2\""},
                {null, "sampled", "reflex_candidates=sampled needs reflex_schema=history-1"},
                {"history-1", "random", "invalid reflex_candidates value \"random\""}}) {
            Path d = dir.resolve("conf-" + (bad[0] + bad[1]).hashCode());
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> NginxServer.options(build.patched(), d, origin.port()).reflex(socket, "500us", K)
                            .reflexSchema(bad[0]).reflexCandidates(bad[1]).start());
            assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
        }
    }

    @Test
    void garbageRepliesFallBackToLruWithoutHurtingNginx() throws Exception {
        Path socket = dir.resolve("junk.sock");
        FakeSidecar junk = new FakeSidecar(socket, FakeSidecar.Mode.GARBAGE, 0, 7);
        toClose.add(junk);
        nginx = patched(socket, "500us");
        HttpLoad.Result r = new HttpLoad(nginx.port(), workload, 4).run();
        ReflexStats s = afterManagerRun();
        System.err.printf("scenario 4: %s; fake sidecar got %d requests; nginx log: %s%n", s, junk.requests.get(),
                nginx.errorTail());

        assertAllSucceeded(r);
        // How many decisions reach the sidecar depends on how often the manager runs on a loaded
        // machine (each bad reply costs NGINX its connection); what matters is that garbage arrived.
        assertTrue(junk.replies.get() > 0, "garbage was sent");
        assertTrue(s.get("fallback_malformed") + s.get("fallback_error_reply") <= junk.replies.get(),
                () -> "every malformed or error fallback answers a reply that was sent: " + s);
        assertEquals(0, s.get("policy_decisions"), () -> "no garbage was taken for a decision: " + s);
        assertTrue(s.get("fallback_malformed") > 0, () -> "malformed replies counted: " + s);
        assertTrue(s.get("fallback_error_reply") > 0, () -> "error replies counted: " + s);
        assertEquals(s.get("decisions"), s.fallbacks(), "every decision fell back");
        assertTrue(nginx.alive(), "no NGINX process crashed");
        // The master logs every (re)spawn. Counting processes instead races with its forks: NGINX
        // accepts connections on the master's socket before it has started all its children.
        assertEquals(1, nginx.errorLogCount("start worker process "), "no worker was respawned");
        assertEquals(1, nginx.errorLogCount("start cache manager process"), "no cache manager was respawned");
        assertEquals(0, nginx.errorLogCount("exited on signal"), "no NGINX process died on a signal");
        assertWithinMaxSizeAtRest();
    }
}
