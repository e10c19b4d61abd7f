package io.reflex.harness.nginx;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java load generator: replays a list of request paths against 127.0.0.1:PORT over a few
 * persistent HTTP/1.1 connections, in list order (each connection takes the next request as soon as
 * its previous response is read), and records for every request its status, its
 * {@code X-Cache-Status} and its latency. A failed connection counts the request as failed and
 * reconnects.
 *
 * <p>One instance per run; {@link #run} blocks until every request has been answered or failed.
 */
public final class HttpLoad {

    /**
     * What a run measured.
     *
     * @param requests  requests sent
     * @param failed    requests without a 200 response (status, connection or parse failure)
     * @param hits      responses with {@code X-Cache-Status: HIT}
     * @param nanos     wall time of the run
     * @param latencies per-request latency in µs (sorted), for percentiles
     * @param firstError the first failure's description, or null
     */
    public record Result(long requests, long failed, long hits, long nanos, int[] latencies, String firstError) {

        public double hitRatio() {
            return requests == 0 ? 0 : (double) hits / requests;
        }

        public double requestsPerSecond() {
            return requests / (nanos / 1e9);
        }

        /** The latency percentile in µs (q in [0, 1]). */
        public int latencyUs(double q) {
            if (latencies.length == 0) {
                return 0;
            }
            int i = (int) Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1));
            return latencies[i];
        }
    }

    private final int port;
    private final List<String> paths;
    private final int connections;
    private final long intervalNanos;
    private volatile boolean stopped;

    /** Replays {@code paths} (each like {@code /o/42?s=1234}) with {@code connections} connections. */
    public HttpLoad(int port, List<String> paths, int connections) {
        this(port, paths, connections, 0);
    }

    private HttpLoad(int port, List<String> paths, int connections, long intervalNanos) {
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("connections must be in [1, 256], got " + connections);
        }
        this.port = port;
        this.paths = List.copyOf(paths);
        this.connections = connections;
        this.intervalNanos = intervalNanos;
    }

    /**
     * The same replay, paced: request {@code i} of a run is not sent before {@code i / perSecond}
     * seconds after the run starts (open-loop pacing, so a slow answer does not lower the offered
     * rate while a connection is free).
     */
    public HttpLoad paced(double perSecond) {
        if (!(perSecond > 0 && perSecond <= 1e6)) {
            throw new IllegalArgumentException("rate must be in (0, 1e6] requests per second, got " + perSecond);
        }
        return new HttpLoad(port, paths, connections, Math.round(1e9 / perSecond));
    }

    /**
     * Ends a run in progress early: each connection finishes the request it is on and takes no
     * other; {@link #run} then returns what was sent.
     */
    public void stop() {
        stopped = true;
    }

    /** Runs the replay to the end. */
    public Result run() throws InterruptedException {
        return run(0, paths.size());
    }

    /** Runs requests {@code from} (inclusive) to {@code to} (exclusive) of the list. */
    public Result run(int from, int to) throws InterruptedException {
        AtomicInteger next = new AtomicInteger(from);
        AtomicLong failed = new AtomicLong();
        AtomicLong hits = new AtomicLong();
        int[] latency = new int[to - from];
        String[] firstError = new String[1];
        Thread[] threads = new Thread[connections];
        long t0 = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            threads[c] = Thread.ofPlatform().name("load-" + c).start(() -> {
                Connection conn = null;
                byte[] line = new byte[8192];
                for (int i; !stopped && (i = next.getAndIncrement()) < to; ) {
                    if (intervalNanos > 0) {
                        long due = t0 + (i - from) * intervalNanos;
                        for (long wait; (wait = due - System.nanoTime()) > 0 && !stopped; ) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    long start = System.nanoTime();
                    try {
                        if (conn == null) {
                            conn = new Connection(port);
                        }
                        int status = conn.get(paths.get(i), line);
                        if (status != 200) {
                            failed.incrementAndGet();
                            note(firstError, "request " + i + " " + paths.get(i) + ": status " + status);
                        } else if (conn.hit) {
                            hits.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        note(firstError, "request " + i + " " + paths.get(i) + ": " + e);
                        if (conn != null) {
                            conn.close();
                        }
                        conn = null;
                    }
                    latency[i - from] = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - start) / 1000);
                }
                if (conn != null) {
                    conn.close();
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        long nanos = System.nanoTime() - t0;
        // Every index claimed was sent; after stop() the claims end early.
        int sent = Math.min(next.get(), to) - from;
        int[] made = sent == latency.length ? latency : Arrays.copyOf(latency, sent);
        Arrays.sort(made);
        return new Result(sent, failed.get(), hits.get(), nanos, made, firstError[0]);
    }

    private static synchronized void note(String[] first, String error) {
        if (first[0] == null) {
            first[0] = error;
        }
    }

    /** One keep-alive connection; parses status, Content-Length and X-Cache-Status. */
    private static final class Connection {
        private static final byte[] HEAD = " HTTP/1.1\r\nHost: reflex\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] skip = new byte[65536];
        boolean hit;

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = socket.getOutputStream();
        }

        int get(String path, byte[] line) throws IOException {
            byte[] p = path.getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[4 + p.length + HEAD.length];
            System.arraycopy("GET ".getBytes(StandardCharsets.US_ASCII), 0, req, 0, 4);
            System.arraycopy(p, 0, req, 4, p.length);
            System.arraycopy(HEAD, 0, req, 4 + p.length, HEAD.length);
            out.write(req);
            out.flush();
            int n = readLine(line);
            String status = new String(line, 0, n, StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("bad status line '" + status + "'");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean close = false;
            hit = false;
            while ((n = readLine(line)) > 0) {
                String h = new String(line, 0, n, StandardCharsets.US_ASCII);
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("X-Cache-Status")) {
                    hit = value.equals("HIT");
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = value.equalsIgnoreCase("close");
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    throw new IOException("chunked responses are not expected here");
                }
            }
            if (length < 0) {
                throw new IOException("response without Content-Length");
            }
            while (length > 0) {
                int r = in.read(skip, 0, (int) Math.min(skip.length, length));
                if (r < 0) {
                    throw new IOException("connection closed inside a body");
                }
                length -= r;
            }
            if (close) {
                throw new IOException("server closed the connection");
            }
            return code;
        }

        private int readLine(byte[] line) throws IOException {
            int n = 0;
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r' && n < line.length) {
                    line[n++] = (byte) b;
                }
            }
            return n;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
