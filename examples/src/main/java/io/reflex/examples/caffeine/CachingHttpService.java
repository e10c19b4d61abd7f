package io.reflex.examples.caffeine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A small HTTP service on loopback that caches origin responses in a {@link ReflexCache} and exposes
 * its metrics. {@code GET /object/<id>} returns the object, from the cache or from the simulated
 * origin (content and size generated from the id, a delay of 2 ms + 1 ms per 64 KiB standing in for
 * the network: no real network is used); the response header {@code X-Cache} says {@code HIT} or
 * {@code MISS}. {@code GET /metrics} is the Prometheus text: Caffeine's statistics
 * ({@code cache_gets_total{cache="origin"}}, ...) and Reflex's meters ({@code reflex_decisions_total
 * {loop="caffeine-origin"}}, {@code reflex_caffeine_policy_evictions_total}, ...).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... io.reflex.examples.caffeine.CachingHttpService [PORT] [MODEL.onnx]
 * curl -i http://127.0.0.1:8080/object/42 ; curl http://127.0.0.1:8080/metrics
 * </pre>
 * Without a model, an untrained seeded dueling policy is generated (the cache works; its choices are
 * not trained). Threading: the server's handlers run on a small pool and share the cache, which is
 * thread-safe. Allocates per request what the HTTP server and the response need.
 */
public final class CachingHttpService {

    private CachingHttpService() {
    }

    /** The simulated origin's response for {@code id}: 1 KiB to 256 KiB, seeded by the id. */
    static byte[] originFetch(long id) {
        SplittableRandom r = new SplittableRandom(id);
        int size = 1024 + r.nextInt(255 * 1024);
        byte[] body = new byte[size];
        r.nextBytes(body);
        LockSupport.parkNanos(2_000_000L + size / 65_536 * 1_000_000L);
        return body;
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Path model;
        if (args.length > 1) {
            model = Path.of(args[1]);
        } else {
            model = Files.createTempFile("reflex-example-eviction", ".onnx");
            model.toFile().deleteOnExit();
            OnnxModelWriter.of(MlpGraph.randomDueling(1, 96, 64, 64, 17)).fixedBatch(1).write(model);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ReflexCache<Long, byte[]> cache = ReflexCache.<Long, byte[]>builder()
                .maximumWeight(32L << 20).weigher((Long id, byte[] body) -> body.length)
                .maximumEntries(1 << 16)   // sizes a history-1 model's bounded history; a Cold-RL model ignores it
                .model(model).name("origin").meterRegistry(registry).build();

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/object/", exchange -> {
            try (exchange) {
                String idText = exchange.getRequestURI().getPath().substring("/object/".length());
                long id;
                try {
                    id = Long.parseLong(idText);
                } catch (NumberFormatException e) {
                    send(exchange, 400, "text/plain", ("not an object id: " + idText + "\n").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                boolean[] miss = {false};
                byte[] body = cache.get(id, key -> {
                    miss[0] = true;
                    return originFetch(key);
                });
                exchange.getResponseHeaders().set("X-Cache", miss[0] ? "MISS" : "HIT");
                send(exchange, 200, "application/octet-stream", body);
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                send(exchange, 200, "text/plain; version=0.0.4",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            cache.close();
        }));
        server.start();
        System.err.println("caching service on http://127.0.0.1:" + port + "/object/<id>, metrics on /metrics");
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
