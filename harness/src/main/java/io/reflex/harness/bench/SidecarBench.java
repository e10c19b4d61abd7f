package io.reflex.harness.bench;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.harness.nginx.HttpLoad;
import io.reflex.harness.nginx.LocalResources;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.harness.nginx.NginxServer;
import io.reflex.harness.nginx.Origin;
import io.reflex.harness.nginx.Prometheus;
import io.reflex.harness.nginx.ReflexStats;
import io.reflex.harness.nginx.SidecarProcess;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.rl.NextAccessTraining;
import io.reflex.trainer.workload.TrapWorkload;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark behind {@code ./reflex sidecar bench}: the real patched NGINX without the sidecar
 * (no {@code reflex_socket}: NGINX's own LRU) and with it (a JVM of its own), each with
 * {@code proxy_cache} in front of a
 * local origin, replaying the same seeded trap workload over HTTP with a Java load generator, in
 * alternating rounds of the same run (stock, reflex, reflex, stock, ...) so that drift on a shared
 * machine falls on both sides.
 *
 * <p>Measured: request throughput of each side (ratio = reflex / stock, summed over rounds), hit
 * ratios from {@code X-Cache-Status}, and from the patched NGINX's stats file the round trips to the
 * sidecar as NGINX timed them (histogram percentiles), the fallbacks, and the eviction rate while
 * the cache manager evicts (the stats file is sampled every 50 ms). Then, unless
 * {@link Options#drain()} is null, the eviction-rate phase ({@link EvictionDrain}): the round trip at
 * a paced eviction rate set through NGINX's own cache-manager knobs.
 */
public final class SidecarBench {

    /** Settings. */
    public record Options(Path buildScript, int requests, long seed, Path model, String maxSize, int connections,
                          int rounds, String timeout, int trainSteps, EvictionDrain.Settings drain) {
    }

    /** What the run measured. */
    public record Result(long requests, long failed, long roundTripP50Us, long roundTripP99Us, long fallbacks,
                         double throughputRatio, double hitRatioReflex, double hitRatioLru, double evictionsPerSec,
                         double evictionsPerSecAverage, long evictions, long policyEvictions, long decisions,
                         long roundTrips, double stockRequestsPerSec, double reflexRequestsPerSec, String model,
                         String maxSize, long sidecarRequests, long objects, double sidecarP99Us,
                         List<Long> roundTripP99UsByRound, EvictionDrain.Result drain) {
    }

    /**
     * A pause before each measured run, on both sides, so that the processes just started (the
     * sidecar's JVM finishing its compilations, NGINX's cache loader) are quiet when the clock starts.
     */
    private static final long SETTLE_MILLIS = 2_000;

    private final Options o;
    private final PrintWriter log;

    public SidecarBench(Options options, PrintWriter log) {
        this.o = options;
        this.log = log;
    }

    public Result run() throws Exception {
        log.println("sidecar bench: building NGINX (cached) with " + o.buildScript());
        log.flush();
        NginxBuild build = NginxBuild.build(o.buildScript());
        Trace trace = TrapWorkload.builder().seed(o.seed()).requests(o.requests()).build().toTrace();
        List<String> paths = new ArrayList<>(trace.length());
        for (int i = 0; i < trace.length(); i++) {
            paths.add("/o/" + trace.object(i) + "?s=" + Math.min(Origin.MAX_BODY, Math.max(1, trace.size(i))));
        }
        Path work = Files.createTempDirectory("reflex-sidecar-bench");
        try (Origin origin = new Origin(4)) {
            Path model = o.model() != null ? o.model() : train(work.resolve("eviction.onnx"));
            EvictionModel contract = EvictionModel.of(OnnxModel.read(model).metadata(), model);
            // Warm-up of the load generator, the origin and the page cache (not measured).
            log.println("sidecar bench: warm-up on NGINX without the sidecar");
            log.flush();
            try (NginxServer warm = stock(build, work.resolve("warm"), origin)) {
                new HttpLoad(warm.port(), paths, o.connections()).run(0, Math.min(paths.size(), 5_000));
            }
            long requests = 0;
            long failed = 0;
            long stockHits = 0;
            long stockRequests = 0;
            long reflexHits = 0;
            long reflexRequests = 0;
            long stockNanos = 0;
            long reflexNanos = 0;
            ReflexStats total = null;
            long sidecarRequests = 0;
            double activeNanos = 0;
            long activeEvictions = 0;
            long runNanos = 0;
            java.util.TreeMap<Double, Double> sidecarLatency = new java.util.TreeMap<>();
            List<Long> p99ByRound = new ArrayList<>();
            for (int r = 0; r < o.rounds(); r++) {
                boolean stockFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    boolean stockSide = (side == 0) == stockFirst;
                    Path dir = work.resolve((stockSide ? "stock-" : "reflex-") + r);
                    if (stockSide) {
                        try (NginxServer nginx = stock(build, dir, origin)) {
                            Thread.sleep(SETTLE_MILLIS);
                            HttpLoad.Result res = new HttpLoad(nginx.port(), paths, o.connections()).run();
                            requests += res.requests();
                            failed += res.failed();
                            stockHits += res.hits();
                            stockRequests += res.requests();
                            stockNanos += res.nanos();
                            log.printf(Locale.ROOT, "sidecar bench: round %d lru:    %,.0f requests/s, hit ratio %.4f, %d failed%n",
                                    r, res.requestsPerSecond(), res.hitRatio(), res.failed());
                        }
                    } else {
                        Files.createDirectories(dir);
                        int metricsPort = LocalResources.freePort();
                        Path socket = dir.resolve("s.sock");
                        try (SidecarProcess sidecar = SidecarProcess.start(socket, model, metricsPort, dir.resolve("sidecar.log"));
                             NginxServer nginx = NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port())
                                     .maxSize(o.maxSize()).managerSleep("10ms").reflex(socket, o.timeout(), contract).start()) {
                            Thread.sleep(SETTLE_MILLIS);
                            EvictionRateSampler sampler = new EvictionRateSampler(nginx);
                            HttpLoad.Result res = new HttpLoad(nginx.port(), paths, o.connections()).run();
                            ReflexStats s = drain(nginx);
                            sampler.stop();
                            requests += res.requests();
                            failed += res.failed();
                            reflexHits += res.hits();
                            reflexRequests += res.requests();
                            reflexNanos += res.nanos();
                            total = total == null ? s : add(total, s);
                            activeNanos += sampler.activeNanos();
                            activeEvictions += sampler.activeEvictions();
                            runNanos += sampler.elapsed();
                            String scrape = Prometheus.scrape(metricsPort);
                            sidecarRequests += (long) Prometheus.sum(scrape, "reflex_sidecar_requests_total");
                            Prometheus.buckets(scrape, "reflex_sidecar_request_latency_seconds", sidecarLatency);
                            p99ByRound.add(s.attemptPercentileUs(0.99));
                            log.printf(Locale.ROOT, "sidecar bench: round %d reflex: %,.0f requests/s, hit ratio %.4f, %d failed;"
                                            + " %,d decisions, %,d evictions (%,d by the policy), %,d fallbacks, round trip p50 %d us p99 %d us%n",
                                    r, res.requestsPerSecond(), res.hitRatio(), res.failed(), s.get("decisions"), s.evictions(),
                                    s.get("policy_evictions"), s.fallbacks(), s.attemptPercentileUs(0.5),
                                    s.attemptPercentileUs(0.99));
                        }
                    }
                    log.flush();
                }
            }
            double stockRps = stockRequests / (stockNanos / 1e9);
            double reflexRps = reflexRequests / (reflexNanos / 1e9);
            return new Result(requests, failed, total.attemptPercentileUs(0.5), total.attemptPercentileUs(0.99),
                    total.fallbacks(), reflexRps / stockRps, (double) reflexHits / reflexRequests,
                    (double) stockHits / stockRequests, activeNanos == 0 ? 0 : activeEvictions / (activeNanos / 1e9),
                    runNanos == 0 ? 0 : total.evictions() / (runNanos / 1e9), total.evictions(),
                    total.get("policy_evictions"), total.get("decisions"), total.roundTrips(), stockRps, reflexRps,
                    o.model() != null ? o.model().toString() : "history-1, trained on trap seed " + (o.seed() + 1), o.maxSize(),
                    sidecarRequests, trace.objectCount(), Prometheus.percentile(sidecarLatency, 0.99) * 1e6, p99ByRound,
                    o.drain() == null ? null : new EvictionDrain(o.drain(), log).run(build, origin, model, contract, work.resolve("drain")));
        } finally {
            LocalResources.deleteTree(work);
        }
    }

    /**
     * The LRU side: the patched binary without {@code reflex_socket}, NGINX's own LRU. Not the
     * stock binary: the patch makes the cache manager check the size every {@code manager_sleep}
     * where stock NGINX sleeps up to 10 s under {@code max_size} and the cache outgrows it (on this
     * workload past twice), so stock's hit ratio would be that of a larger cache.
     */
    private NginxServer stock(NginxBuild build, Path dir, Origin origin) throws IOException, InterruptedException {
        return NginxServer.options(build.patched(), dir, origin.port()).maxSize(o.maxSize()).managerSleep("10ms").start();
    }

    /**
     * Trains the default eviction policy ({@code history-1}, K = 64 sampled candidates: what
     * {@code train eviction} writes by default) on the trap workload of the next seed, held out
     * from the replay.
     */
    private Path train(Path out) {
        long trainSeed = o.seed() + 1;
        log.printf(Locale.ROOT, "sidecar bench: training the eviction policy on trap seed %d (%d steps)%n", trainSeed,
                o.trainSteps());
        log.flush();
        Trace train = TrapWorkload.builder().seed(trainSeed).requests(o.requests()).build().toTrace();
        NextAccessTraining.Settings d = NextAccessTraining.Settings.defaults(trainSeed);
        NextAccessTraining.Settings settings = new NextAccessTraining.Settings(d.k(), d.candidates(), d.admission(),
                d.rounds(), d.selectRound(), d.decisionsPerReplay(), d.hidden(), o.trainSteps(), d.batch(), d.learningRate(), d.seed());
        NextAccessTraining.trainAndExport(train, List.of(Capacity.parse(o.maxSize().toUpperCase(Locale.ROOT) + "B")),
                settings, new VectorCpuBackend(), out, null);
        return out;
    }

    /**
     * Waits for the cache manager's next run to bring the cache under max_size (it wakes within 10 s),
     * then for the stats file to settle.
     */
    private static ReflexStats drain(NginxServer nginx) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long max = parseSize(nginx);
        while (nginx.cacheBytes() > max && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        return nginx.settledStats(Duration.ofSeconds(10));
    }

    private static long parseSize(NginxServer nginx) throws IOException {
        String conf = Files.readString(nginx.dir().resolve("conf/nginx.conf"));
        int i = conf.indexOf("max_size=") + 9;
        int j = conf.indexOf(' ', i);
        return EvictionDrain.nginxBytes(conf.substring(i, j));
    }

    private static ReflexStats add(ReflexStats a, ReflexStats b) throws IOException {
        // a + b = b - (0 - a): built from the stats' own subtraction.
        ReflexStats zero = a.minus(a);
        return b.minus(zero.minus(a));
    }

}
