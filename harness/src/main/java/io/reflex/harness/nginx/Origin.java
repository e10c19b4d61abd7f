package io.reflex.harness.nginx;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local origin for NGINX to proxy: {@code GET /o/KEY?s=BYTES} returns {@code BYTES} deterministic
 * bytes (at most {@link #MAX_BODY}) with {@code Cache-Control: max-age=86400}; anything else 404.
 * The JDK's {@code HttpServer} on 127.0.0.1, HTTP/1.1 keep-alive, a few threads. Thread-safe.
 */
public final class Origin implements AutoCloseable {

    /** The largest body served. */
    public static final int MAX_BODY = 4 << 20;

    private static final byte[] BODY = new byte[MAX_BODY];

    static {
        for (int i = 0; i < BODY.length; i++) {
            BODY[i] = (byte) ('a' + (i * 7 + i / 97) % 26);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder requests = new LongAdder();

    /** Starts on a free loopback port with {@code threads} handler threads. */
    public Origin(int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "origin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                String query = exchange.getRequestURI().getRawQuery();
                int size = -1;
                if (path.startsWith("/o/") && query != null && query.startsWith("s=")) {
                    try {
                        size = Integer.parseInt(query.substring(2));
                    } catch (NumberFormatException e) {
                        size = -1;
                    }
                }
                if (size < 0 || size > MAX_BODY) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                requests.increment();
                exchange.getResponseHeaders().set("Cache-Control", "max-age=86400");
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
                if (size > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(BODY, 0, size);
                    }
                }
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests served (misses NGINX forwarded). */
    public long requests() {
        return requests.sum();
    }

    /** The first {@code n} bytes every body of that size has (for checks). */
    public static byte[] body(int n) {
        return Arrays.copyOf(BODY, n);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
