package io.reflex.harness.bench;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.harness.nginx.HttpLoad;
import io.reflex.harness.nginx.LocalResources;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.harness.nginx.NginxServer;
import io.reflex.harness.nginx.Origin;
import io.reflex.harness.nginx.ReflexStats;
import io.reflex.harness.nginx.SidecarProcess;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The eviction-rate phase of {@code ./reflex sidecar bench}: the round trip NGINX measures to the
 * sidecar while its cache manager evicts at a set rate. The patched NGINX, with the sidecar, first
 * caches {@code objects} small objects over HTTP under a large {@code max_size}; it is then reloaded
 * with a small one, and its cache manager deletes the surplus, {@code managerFiles} decisions per
 * wake-up with {@code managerSleep} between wake-ups, asking the sidecar for every decision. That
 * paces the evictions through NGINX's own knobs (with HTTP replay alone the rate follows the miss
 * rate, which a two-core machine keeps below 5,000 per second), and the stats file gives the
 * round trips, the fallbacks and the eviction rate while evicting.
 *
 * <p>With {@code loadPerSecond} above 0, HTTP requests for the cached objects (seeded random
 * order, two connections, paced open-loop) run while the manager drains the first 90% of the
 * surplus: hits for objects still cached, misses (origin fetch, cache fill) for those already
 * evicted, so the proxy serves traffic while it evicts. The replay phase measures the saturated
 * case. Not thread-safe; one run per instance.
 */
public final class EvictionDrain {

    /** Settings of the phase. */
    public record Settings(int objects, int bodyBytes, String fillMaxSize, String drainMaxSize, int managerFiles,
                    String managerSleep, String timeout, int connections, double loadPerSecond) {

        public Settings {
            if (objects < 1 || bodyBytes < 1 || managerFiles < 1 || connections < 1) {
                throw new IllegalArgumentException("objects, body bytes, manager files and connections must be >= 1");
            }
            if (!(loadPerSecond >= 0 && loadPerSecond <= 100_000)) {
                throw new IllegalArgumentException("load must be in [0, 100000] requests per second, got " + loadPerSecond);
            }
        }
    }

    /** What the phase measured (the stats file's difference over the drain). */
    public record Result(long evictions, long policyEvictions, long decisions, long fallbacks, long timeouts,
                  long roundTrips, long roundTripP50Us, long roundTripP99Us, double evictionsPerSec,
                  double seconds, long httpRequests, long httpFailed, double httpPerSec) {
    }

    private final Settings s;
    private final PrintWriter log;

    EvictionDrain(Settings settings, PrintWriter log) {
        this.s = settings;
        this.log = log;
    }

    Result run(NginxBuild build, Origin origin, Path model, EvictionModel contract, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path socket = dir.resolve("s.sock");
        try (SidecarProcess sidecar = SidecarProcess.start(socket, model, LocalResources.freePort(), dir.resolve("sidecar.log"));
             NginxServer nginx = NginxServer.options(build.patched(), dir.resolve("nginx"), origin.port())
                     .maxSize(s.fillMaxSize()).managerFiles(s.managerFiles()).managerSleep(s.managerSleep())
                     .reflex(socket, s.timeout(), contract).start()) {
            List<String> paths = new ArrayList<>(s.objects());
            for (int i = 0; i < s.objects(); i++) {
                paths.add("/o/drain-" + i + "?s=" + s.bodyBytes());
            }
            HttpLoad.Result fill = new HttpLoad(nginx.port(), paths, s.connections()).run();
            if (fill.failed() > 0) {
                throw new IllegalStateException("drain phase: " + fill.failed() + " of " + fill.requests()
                        + " fill requests failed (first: " + fill.firstError() + ")");
            }
            log.printf(Locale.ROOT, "sidecar bench: drain: %,d objects cached (%,.0f requests/s); reloading with max_size=%s%n",
                    fill.requests(), fill.requestsPerSecond(), s.drainMaxSize());
            log.flush();
            Thread.sleep(2_000);
            ReflexStats before = nginx.stats();
            EvictionRateSampler sampler = new EvictionRateSampler(nginx);
            nginx.reloadWithMaxSize(s.drainMaxSize());
            // The load starts once the reload is done: the old worker closes its keep-alive
            // connections as it exits, and a request racing that close would fail for reasons of
            // the reload, not of eviction.
            HttpLoad.Result served = s.loadPerSecond() > 0 ? serveWhileDraining(nginx.port(), paths, sampler) : null;
            awaitQuiet(sampler, Duration.ofSeconds(120));
            sampler.stop();
            ReflexStats after = nginx.settledStats(Duration.ofSeconds(10));
            ReflexStats d = before == null ? after : after.minus(before);
            Result r = new Result(d.evictions(), d.get("policy_evictions"), d.get("decisions"), d.fallbacks(),
                    d.get("fallback_timeout"), d.roundTrips(), d.attemptPercentileUs(0.5), d.attemptPercentileUs(0.99),
                    sampler.activeRate(), sampler.activeNanos() / 1e9,
                    served == null ? 0 : served.requests(), served == null ? 0 : served.failed(),
                    served == null ? 0 : served.requestsPerSecond());
            if (served != null && served.failed() > 0) {
                log.printf(Locale.ROOT, "sidecar bench: drain: %d HTTP requests failed; first: %s%n", served.failed(),
                        served.firstError());
            }
            if (!sidecar.alive()) {
                throw new IllegalStateException("drain phase: the sidecar died: " + sidecar.logTail());
            }
            log.printf(Locale.ROOT, "sidecar bench: drain: %,d evictions (%,d by the policy) in %.2f s while evicting,"
                            + " %,.0f evictions/s; %,d decisions, %,d fallbacks (%,d timeouts); round trip p50 %d us p99 %d us;"
                            + " %,d HTTP requests meanwhile (%,.0f/s, %d failed)%n",
                    r.evictions(), r.policyEvictions(), r.seconds(), r.evictionsPerSec(), r.decisions(), r.fallbacks(),
                    r.timeouts(), r.roundTripP50Us(), r.roundTripP99Us(), r.httpRequests(), r.httpPerSec(), r.httpFailed());
            log.flush();
            return r;
        }
    }

    /** Waits until evictions have started and then stopped for a second (the cache is under the bound). */
    private static void awaitQuiet(EvictionRateSampler sampler, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(100);
            long last = sampler.lastEvictionNanos();
            if (last != 0 && System.nanoTime() - last > 1_000_000_000L) {
                return;
            }
        }
        throw new IllegalStateException("drain phase: the cache manager was still evicting (or never began) after "
                + limit.toSeconds() + " s");
    }

    /**
     * Serves paced HTTP requests for the cached objects (seeded random order, two connections) until
     * the sampler has seen 90% of the surplus evicted (at most 120 s), then stops them; what was
     * served, or null if the load thread was interrupted.
     */
    private HttpLoad.Result serveWhileDraining(int port, List<String> paths, EvictionRateSampler sampler)
            throws InterruptedException {
        List<String> order = new ArrayList<>(paths);
        Collections.shuffle(order, new Random(s.objects()));
        List<String> stream = new ArrayList<>();
        while (stream.size() < s.loadPerSecond() * 120) {    // more than the drain can last
            stream.addAll(order);
        }
        HttpLoad load = new HttpLoad(port, stream, 2).paced(s.loadPerSecond());
        HttpLoad.Result[] served = new HttpLoad.Result[1];
        Thread loader = Thread.ofPlatform().name("drain-load").start(() -> {
            try {
                served[0] = load.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long surplus = s.objects() - parseBlocks(s.drainMaxSize());
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (sampler.activeEvictions() < 0.9 * surplus && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        load.stop();
        loader.join();
        return served[0];
    }

    /** {@code max_size} as NGINX writes it ({@code 4m}) in 4 KiB blocks, the unit of one drained object. */
    static long parseBlocks(String size) {
        return nginxBytes(size) / 4096;
    }

    /** A size as NGINX writes it ({@code 25m}, {@code 2g}, {@code 512k}, or bytes) in bytes. */
    static long nginxBytes(String size) {
        String v = size.toLowerCase(Locale.ROOT);
        long unit = v.endsWith("g") ? 1L << 30 : v.endsWith("m") ? 1L << 20 : v.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
    }

}
