package io.reflex.harness.bench;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.harness.nginx.HttpLoad;
import io.reflex.harness.nginx.LocalResources;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.harness.nginx.NginxServer;
import io.reflex.harness.nginx.Origin;
import io.reflex.harness.nginx.Prometheus;
import io.reflex.harness.nginx.ReflexStats;
import io.reflex.harness.nginx.SidecarProcess;
import io.reflex.harness.nginx.ZipfPaths;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The soak behind {@code ./reflex sidecar soak}: the real patched NGINX with {@code proxy_cache} in
 * front of a local origin, under a paced HTTP load for the whole run, with its eviction sidecar (a
 * JVM of its own) killed with SIGKILL every {@code killEvery} and a corrupt model dropped into the
 * sidecar's watched model path every {@code corruptEvery}. A supervisor loop restarts the sidecar
 * when it is gone, as systemd's {@code Restart=always} would; while it is down NGINX decides by LRU.
 *
 * <p>Each corruption renames a bad file over the model (in turn: the model cut in half, random
 * bytes, a valid network of another K), waits until the live sidecar counts the refusal in
 * {@code reflex_sidecar_model_reloads_refused_total}, then renames the good model back (an operator
 * fixing the mistake; a sidecar restarted over the bad file would not start). Sampled every
 * {@code sampleEvery}: the sidecar's RSS and heap, NGINX's RSS (master and children).
 *
 * <p>Passed: no client request failed, NGINX stayed up, every fault showed in metrics (each restart
 * as a new {@code process_start_time_seconds}, each corruption as a counted refusal, the outages in
 * NGINX's connection fallbacks) and memory stayed flat: NGINX's mean RSS over the last quarter of
 * the run at most 10% plus 8 MiB above the first quarter's, and the last sidecar life's peak RSS at
 * most that above the first life's.
 *
 * <p>Not thread-safe: one {@link #run} per instance; it runs the load, the supervisor and the
 * sampler on threads of its own.
 */
public final class SidecarSoak {

    /**
     * Settings.
     *
     * @param requestsPerSecond the paced HTTP load (open loop)
     */
    public record Options(Path buildScript, Duration duration, Duration killEvery, Duration corruptEvery,
                          Duration sampleEvery, double requestsPerSecond, int connections, long seed) {
        public Options {
            if (duration.isNegative() || duration.isZero() || killEvery.isNegative() || killEvery.isZero()
                    || corruptEvery.isNegative() || corruptEvery.isZero() || sampleEvery.toMillis() < 100) {
                throw new IllegalArgumentException("the duration and the fault intervals must be positive, the sample"
                        + " interval at least 100 ms (got " + duration + ", " + killEvery + ", " + corruptEvery + ", "
                        + sampleEvery + ")");
            }
        }
    }

    private static final int K = 16;
    private static final String POLL = "250ms";
    private static final Duration REFUSAL_WAIT = Duration.ofSeconds(20);

    private final Options o;
    private final PrintWriter log;
    private final long started = System.nanoTime();

    /** One sidecar process, from its start to its kill. */
    private static final class Life {
        final SidecarProcess process;
        final int metricsPort;
        final long startedMs;
        volatile double startTimeSeconds = Double.NaN;
        volatile long refused;
        volatile long maxRssKb;
        volatile long maxHeapBytes;

        Life(SidecarProcess process, int metricsPort, long startedMs) {
            this.process = process;
            this.metricsPort = metricsPort;
            this.startedMs = startedMs;
        }
    }

    private volatile Life current;
    private final List<Life> lives = new ArrayList<>();
    private final List<Long> downtimeMs = new ArrayList<>();
    private volatile long killedAtMs = -1;
    private volatile boolean done;
    private volatile int failedStarts;
    private int kills;
    private int killsSeenByNginx;
    private int corruptions;
    private int refusalsSeen;
    private final List<long[]> nginxRss = new ArrayList<>();   // {ms, kB}

    public SidecarSoak(Options options, PrintWriter log) {
        this.o = options;
        this.log = log;
    }

    /** Runs the soak and returns its summary, keyed as {@code --json} prints it. */
    public Map<String, Object> run() throws Exception {
        say("building NGINX (cached) with " + o.buildScript());
        NginxBuild build = NginxBuild.build(o.buildScript());
        Path work = Files.createTempDirectory("reflex-sidecar-soak");
        Path model = work.resolve("model/eviction.onnx");
        Files.createDirectories(model.getParent());
        Path good = work.resolve("good.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(o.seed(), 6 * K, 32, 32, K + 1)).fixedBatch(1).write(good);
        Files.copy(good, model);
        Path socket = work.resolve("s.sock");
        Thread supervisor = null;
        Thread sampler = null;
        Thread loader = null;
        AtomicLong requests = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String[] firstError = new String[1];
        HttpLoad[] chunk = new HttpLoad[1];
        try (Origin origin = new Origin(4)) {
            supervisor = Thread.ofPlatform().name("soak-supervisor").start(() -> supervise(socket, model, work));
            awaitLife(null, Duration.ofSeconds(90));
            try (NginxServer nginx = NginxServer.options(build.patched(), work.resolve("nginx"), origin.port())
                    .maxSize("2m").managerSleep("10ms").reflex(socket, "2ms", K).start()) {
                ReflexStats first = stats(nginx, work);
                long end = System.nanoTime() + o.duration().toNanos();
                loader = Thread.ofPlatform().name("soak-load").start(() -> {
                    int seconds = 5;
                    for (long c = 0; !done; c++) {
                        List<String> paths = ZipfPaths.of((int) Math.max(1, o.requestsPerSecond() * seconds), 400, o.seed() + c);
                        HttpLoad load = new HttpLoad(nginx.port(), paths, o.connections()).paced(o.requestsPerSecond());
                        synchronized (chunk) {
                            chunk[0] = load;
                        }
                        try {
                            HttpLoad.Result r = load.run();
                            requests.addAndGet(r.requests());
                            failed.addAndGet(r.failed());
                            if (r.firstError() != null && firstError[0] == null) {
                                firstError[0] = r.firstError();
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler = Thread.ofPlatform().name("soak-sampler").start(() -> sample(nginx));
                long killEvery = o.killEvery().toNanos();
                long corruptEvery = o.corruptEvery().toNanos();
                long t0 = System.nanoTime();
                long nextKill = t0 + killEvery;
                long nextCorrupt = t0 + corruptEvery;
                SplittableRandom random = new SplittableRandom(o.seed());
                while (true) {
                    long next = Math.min(Math.min(nextKill, nextCorrupt), end);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (next == end) {
                        break;
                    }
                    if (next == nextCorrupt) {
                        corrupt(model, good, work, corruptions++ % 3, random);
                        nextCorrupt += corruptEvery;
                    } else {
                        kill(nginx, work);
                        nextKill += killEvery;
                    }
                }
                done = true;
                synchronized (chunk) {
                    if (chunk[0] != null) {
                        chunk[0].stop();
                    }
                }
                loader.join();
                sampler.interrupt();
                sampler.join();
                refresh(current);
                ReflexStats last = stats(nginx, work);
                return summary(requests.get(), failed.get(), firstError[0], last.minus(first), nginx.alive());
            }
        } finally {
            done = true;
            for (Thread t : new Thread[] {loader, sampler, supervisor}) {
                if (t != null) {
                    t.interrupt();
                    t.join(15_000);
                }
            }
            Life l = current;
            if (l != null) {
                l.process.close();
            }
            LocalResources.deleteTree(work);
        }
    }

    /** Restarts the sidecar whenever it is gone, a second after a failed start (systemd's RestartSec=1). */
    private void supervise(Path socket, Path model, Path work) {
        int n = 0;
        while (!done) {
            try {
                Life l = current;
                if (l == null || !l.process.alive()) {
                    int port = LocalResources.freePort();
                    SidecarProcess p = SidecarProcess.start(socket, model, port, work.resolve("sidecar-" + n++ + ".log"),
                            "--poll", POLL);
                    Life life = new Life(p, port, millis());
                    refresh(life);
                    synchronized (lives) {
                        if (l != null && killedAtMs >= 0) {
                            downtimeMs.add(life.startedMs - killedAtMs);
                        }
                        lives.add(life);
                    }
                    current = life;
                    if (l != null) {
                        say("sidecar restarted (pid " + p.pid() + ")");
                    }
                }
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failedStarts++;
                say("sidecar failed to start: " + e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void kill(NginxServer nginx, Path work) throws Exception {
        Life l = awaitLife(null, Duration.ofSeconds(90));
        refresh(l);
        ReflexStats before = stats(nginx, work);
        killedAtMs = millis();
        l.process.kill();
        kills++;
        say("killed the sidecar (pid " + l.process.pid() + ", SIGKILL)");
        awaitLife(l, Duration.ofSeconds(90));
        ReflexStats after = stats(nginx, work).minus(before);
        if (after.get("fallback_connect") + after.get("fallback_closed") + after.get("fallback_io") > 0) {
            killsSeenByNginx++;
        }
    }

    /** Drops a bad model over {@code model}, waits for the live sidecar to count its refusal, restores the good one. */
    private void corrupt(Path model, Path good, Path work, int kind, SplittableRandom random) throws Exception {
        Life l = awaitLife(null, Duration.ofSeconds(90));
        refresh(l);
        long before = l.refused;
        Path bad = work.resolve("model/bad.tmp");
        byte[] goodBytes = Files.readAllBytes(good);
        String what;
        switch (kind) {
            case 0 -> {
                Files.write(bad, Arrays.copyOf(goodBytes, goodBytes.length / 2));
                what = "the model cut in half";
            }
            case 1 -> {
                byte[] junk = new byte[goodBytes.length];
                random.nextBytes(junk);
                Files.write(bad, junk);
                what = "random bytes";
            }
            default -> {
                OnnxModelWriter.of(MlpGraph.randomDueling(o.seed() + 1, 6 * 8, 32, 32, 9)).fixedBatch(1).write(bad);
                what = "a network of another K";
            }
        }
        Files.move(bad, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long until = System.nanoTime() + REFUSAL_WAIT.toNanos();
        boolean seen = false;
        while (System.nanoTime() < until && !seen) {
            Thread.sleep(100);
            refresh(l);
            seen = l.refused > before;
        }
        if (seen) {
            refusalsSeen++;
        }
        say("dropped a corrupt model (" + what + "): " + (seen ? "refusal counted" : "NO refusal counted within "
                + REFUSAL_WAIT.toSeconds() + " s"));
        Path restore = work.resolve("model/good.tmp");
        Files.copy(good, restore, StandardCopyOption.REPLACE_EXISTING);
        Files.move(restore, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** NGINX's Reflex counters; all zero before NGINX first writes them. */
    private static ReflexStats stats(NginxServer nginx, Path work) throws IOException {
        ReflexStats s = nginx.stats();
        if (s != null) {
            return s;
        }
        Path empty = work.resolve("no-stats-yet.txt");
        Files.writeString(empty, "");
        return ReflexStats.read(empty);
    }

    /** The live sidecar other than {@code not}, once the supervisor has one. */
    private Life awaitLife(Life not, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            Life l = current;
            if (l != null && l != not && l.process.alive()) {
                return l;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no sidecar serving after " + timeout.toSeconds() + " s ("
                + failedStarts + " failed starts)");
    }

    private void sample(NginxServer nginx) {
        while (!done) {
            try {
                Thread.sleep(o.sampleEvery().toMillis());
                Life l = current;
                if (l != null && l.process.alive()) {
                    refresh(l);
                }
                long kb = rssKb(nginx.process().pid());
                for (ProcessHandle h : nginx.process().descendants().toList()) {
                    kb += rssKb(h.pid());
                }
                synchronized (nginxRss) {
                    nginxRss.add(new long[] {millis(), kb});
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Scrapes a life's metrics (start time, refusals, heap) and reads its RSS; a failed scrape changes nothing. */
    private static void refresh(Life l) {
        if (l == null) {
            return;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                String text = Prometheus.scrape(l.metricsPort);
                double start = Prometheus.sum(text, "process_start_time_seconds");
                if (start > 0) {
                    l.startTimeSeconds = start;
                }
                l.refused = Math.max(l.refused, (long) Prometheus.sum(text, "reflex_sidecar_model_reloads_refused_total"));
                l.maxHeapBytes = Math.max(l.maxHeapBytes, (long) Prometheus.sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
                l.maxRssKb = Math.max(l.maxRssKb, rssKb(l.process.pid()));
                return;
            } catch (IOException | RuntimeException e) {
                if (!l.process.alive()) {
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Map<String, Object> summary(long requests, long failed, String firstError, ReflexStats nginx,
                                        boolean nginxAlive) {
        List<Life> all;
        synchronized (lives) {
            all = List.copyOf(lives);
        }
        boolean restartsVisible = all.size() == kills + 1;
        for (int i = 1; i < all.size(); i++) {
            restartsVisible &= all.get(i).startTimeSeconds > all.get(i - 1).startTimeSeconds;
        }
        long refused = all.stream().mapToLong(l -> l.refused).sum();
        long connectionFallbacks = nginx.get("fallback_connect") + nginx.get("fallback_closed") + nginx.get("fallback_io");
        boolean faultsVisible = restartsVisible && refusalsSeen == corruptions && refused >= corruptions
                && (kills == 0 || connectionFallbacks > 0);

        List<long[]> rss;
        synchronized (nginxRss) {
            rss = List.copyOf(nginxRss);
        }
        int q = Math.max(1, rss.size() / 4);
        double nginxFirst = rss.stream().limit(q).mapToLong(s -> s[1]).average().orElse(0) / 1024;
        double nginxLast = rss.stream().skip(rss.size() - q).mapToLong(s -> s[1]).average().orElse(0) / 1024;
        double nginxMax = rss.stream().mapToLong(s -> s[1]).max().orElse(0) / 1024.0;
        List<Double> sidecarRss = all.stream().map(l -> mib(l.maxRssKb * 1024)).toList();
        List<Double> sidecarHeap = all.stream().map(l -> mib(l.maxHeapBytes)).toList();
        boolean memoryFlat = within(nginxFirst, nginxLast)
                && (sidecarRss.size() < 2 || within(sidecarRss.getFirst(), sidecarRss.getLast()));
        List<Long> downs;
        synchronized (lives) {
            downs = downtimeMs.stream().sorted().toList();
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("minutes", round(o.duration().toMillis() / 60_000.0, 2));
        out.put("kill_every_s", o.killEvery().toSeconds());
        out.put("corrupt_every_s", o.corruptEvery().toSeconds());
        out.put("requests", requests);
        out.put("requests_failed", failed);
        out.put("first_error", firstError);
        out.put("kills", kills);
        out.put("restarts", all.size() - 1);
        out.put("failed_starts", failedStarts);
        out.put("downtime_ms_median", downs.isEmpty() ? null : downs.get((downs.size() - 1) / 2));
        out.put("downtime_ms_max", downs.isEmpty() ? null : downs.getLast());
        out.put("sidecar_starts_in_metrics", all.stream().mapToDouble(l -> l.startTimeSeconds).filter(t -> t > 0).distinct().count());
        out.put("kills_seen_by_nginx", killsSeenByNginx);
        out.put("corruptions", corruptions);
        out.put("reload_refusals_counted", refused);
        Map<String, Long> fallbacks = new LinkedHashMap<>();
        nginx.values().forEach((k, v) -> {
            if (k.startsWith("fallback_") && v > 0) {
                fallbacks.put(k, v);
            }
        });
        out.put("nginx_decisions", nginx.get("decisions"));
        out.put("nginx_policy_decisions", nginx.get("policy_decisions"));
        out.put("nginx_fallbacks", fallbacks);
        out.put("nginx_lru_evictions", nginx.get("lru_evictions"));
        out.put("nginx_policy_evictions", nginx.get("policy_evictions"));
        out.put("nginx_rss_mib_first_quarter", round(nginxFirst, 1));
        out.put("nginx_rss_mib_last_quarter", round(nginxLast, 1));
        out.put("nginx_rss_mib_max", round(nginxMax, 1));
        out.put("sidecar_rss_mib_peak_by_life", sidecarRss);
        out.put("sidecar_heap_mib_peak_by_life", sidecarHeap);
        out.put("samples", rss.size());
        out.put("nginx_alive", nginxAlive);
        out.put("faults_visible", faultsVisible);
        out.put("memory_flat", memoryFlat);
        out.put("passed", failed == 0 && nginxAlive && faultsVisible && memoryFlat);
        return out;
    }

    /** Whether {@code last} is at most 10% plus 8 MiB above {@code first}: flat, allowing for sampling noise. */
    static boolean within(double firstMib, double lastMib) {
        return lastMib <= firstMib * 1.10 + 8;
    }

    private static double mib(long bytes) {
        return round(bytes / (1024.0 * 1024.0), 1);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** A process's resident set from {@code /proc/PID/status}, in kB; 0 when it is gone. */
    static long rssKb(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private long millis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private void say(String line) {
        synchronized (log) {
            log.printf(Locale.ROOT, "sidecar soak %6.1f s: %s%n", millis() / 1000.0, line);
            log.flush();
        }
    }

}
