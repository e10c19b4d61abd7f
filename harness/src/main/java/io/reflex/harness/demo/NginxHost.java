package io.reflex.harness.demo;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.harness.nginx.LocalResources;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.harness.nginx.NginxServer;
import io.reflex.harness.nginx.Origin;
import io.reflex.harness.nginx.Prometheus;
import io.reflex.harness.nginx.SidecarProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The patched NGINX with its sidecar as {@link AdaptDemo}'s adapting host: NGINX caches
 * {@value #OBJECT_BYTES}-byte objects (one 4 KiB block each, so {@code max_size} is the entries
 * times 4 KiB), writes its access log in Reflex's extended format, and asks the sidecar at each
 * eviction; the sidecar follows that log with its LRU floor on and hot-reloads the served model
 * file. Requests go one at a time over one keep-alive connection; a hit is NGINX's
 * {@code X-Cache-Status: HIT}. The floor's switches are read from the sidecar's metrics every
 * {@value #SCRAPE_EVERY} requests. Not thread-safe.
 */
final class NginxHost implements DemoHost {

    /** Body bytes of every object: one block on disk with NGINX's cache header. */
    static final int OBJECT_BYTES = 1000;
    /** Requests between two reads of the sidecar's metrics. */
    static final int SCRAPE_EVERY = 100;
    private static final long BLOCK = 4096;

    private final Origin origin;
    private final SidecarProcess sidecar;
    private final NginxServer nginx;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<Switch> switches = new ArrayList<>();
    private long requests;
    private long failed;
    private double demotions;
    private double promotions;

    NginxHost(NginxBuild build, Path dir, Path served, EvictionModel contract, long entries)
            throws IOException, InterruptedException {
        Path nginxDir = dir.resolve("nginx");
        Files.createDirectories(nginxDir.resolve("logs"));
        String maxSize = (entries * BLOCK / 1024) + "k";
        Path socket = dir.resolve("sidecar.sock");
        metricsPort = LocalResources.freePort();
        origin = new Origin(4);
        SidecarProcess s = null;
        NginxServer n = null;
        try {
            s = SidecarProcess.start(socket, served, metricsPort, dir.resolve("sidecar.log"), "--access-log",
                    nginxDir.resolve("logs/access.log").toString(), "--cache-max-size", maxSize, "--poll", "50ms");
            n = NginxServer.options(build.patched(), nginxDir, origin.port()).maxSize(maxSize).managerSleep("10ms")
                    .reflex(socket, "2ms", contract).accessLog(true).start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            origin.close();
            throw e;
        }
        sidecar = s;
        nginx = n;
        base = "http://127.0.0.1:" + nginx.port() + "/o/";
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public String classical() {
        return "lru";
    }

    @Override
    public boolean request(long key) throws InterruptedException {
        requests++;
        boolean hit = false;
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + key + "?s=" + OBJECT_BYTES))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length != OBJECT_BYTES) {
                failed++;
            } else {
                hit = "HIT".equals(r.headers().firstValue("X-Cache-Status").orElse(""));
            }
        } catch (IOException e) {
            failed++;
        }
        if (requests % SCRAPE_EVERY == 0) {
            scrape();
        }
        return hit;
    }

    /** Waits until the sidecar has started a fresh floor for the new file: it serves it. */
    @Override
    public void serve(Path served) throws IOException, InterruptedException {
        double before = metric("reflex_sidecar_floor_resets_total");
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (metric("reflex_sidecar_floor_resets_total") <= before) {
            if (System.nanoTime() > end || !sidecar.alive()) {
                throw new IllegalStateException("the sidecar did not reload " + served + " within 30 s: " + sidecar.logTail());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public List<Switch> switches() throws IOException, InterruptedException {
        List<Switch> out = List.copyOf(switches);
        switches.clear();
        return out;
    }

    private void scrape() throws InterruptedException {
        try {
            String text = Prometheus.scrape(metricsPort);
            double down = Prometheus.sum(text, "reflex_sidecar_floor_switches_total", "to=\"lru\"");
            double up = Prometheus.sum(text, "reflex_sidecar_floor_switches_total", "to=\"learned\"");
            long since = (long) Prometheus.sum(text, "reflex_sidecar_floor_last_switch_request");
            // Between two scrapes at most one switch each way is seen; the gauge is the latest's.
            if (down > demotions) {
                switches.add(new Switch(false, since));
            }
            if (up > promotions) {
                switches.add(new Switch(true, since));
            }
            demotions = down;
            promotions = up;
        } catch (IOException e) {
            // a missed scrape delays what the next one sees; it loses nothing (the counters only grow)
        }
    }

    private double metric(String name) throws IOException, InterruptedException {
        return Prometheus.sum(Prometheus.scrape(metricsPort), name);
    }

    @Override
    public long failed() {
        return failed;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            nginx.close();
        } finally {
            try {
                sidecar.close();
            } finally {
                origin.close();
            }
        }
    }
}
