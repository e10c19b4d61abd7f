package io.reflex.harness.nginx;

import io.reflex.engine.eviction.EvictionModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real NGINX process (master, one worker, the cache manager) in a directory of its own, with
 * {@code proxy_cache} in front of an origin on the loopback, and the Reflex parameters on
 * {@code proxy_cache_path} when a sidecar socket is given (patched binary only). Every response
 * carries {@code X-Cache-Status: $upstream_cache_status}. Runs with {@code daemon off}; {@link #close}
 * stops it (SIGTERM, then SIGKILL for the whole process tree).
 *
 * <p>Not thread-safe for start/stop; the accessors may be called from any thread.
 */
public final class NginxServer implements AutoCloseable {

    /** Settings; build with {@link #options(Path, Path, int)}. */
    public static final class Options {
        final Path binary;
        final Path dir;
        final int originPort;
        String maxSize = "4m";
        String managerSleep = "10ms";
        int managerFiles = 100;
        Path reflexSocket;
        String reflexTimeout = "500us";
        int reflexK = 16;
        String reflexSchema;
        String reflexCandidates;
        int workers = 1;
        boolean accessLog;

        private Options(Path binary, Path dir, int originPort) {
            this.binary = Objects.requireNonNull(binary, "binary");
            this.dir = Objects.requireNonNull(dir, "dir");
            this.originPort = originPort;
        }

        /** {@code max_size} as NGINX writes it (default {@code 4m}). */
        public Options maxSize(String size) {
            this.maxSize = size;
            return this;
        }

        /** The cache manager's pause between runs (default {@code 10ms}). */
        public Options managerSleep(String sleep) {
            this.managerSleep = sleep;
            return this;
        }

        /** Entries the manager deletes per run at most (default 100). */
        public Options managerFiles(int files) {
            this.managerFiles = files;
            return this;
        }

        /** Ask the sidecar at this socket (patched binary); null for plain LRU. */
        public Options reflex(Path socket, String timeout, int k) {
            this.reflexSocket = socket;
            this.reflexTimeout = timeout;
            this.reflexK = k;
            return this;
        }

        /**
         * Ask the sidecar at this socket for decisions of {@code model}'s contract: its K, and for a
         * {@code history-1} model the schema and candidate set NGINX must gather (the NGINX side of
         * {@link EvictionModel}, written once for the bench and the tests).
         */
        public Options reflex(Path socket, String timeout, EvictionModel model) {
            reflex(socket, timeout, model.k());
            if (model.readsHistory()) {
                reflexSchema(model.schema());
                reflexCandidates(model.candidates().value());
            }
            return this;
        }

        /**
         * The features NGINX sends: {@code cold-rl-6} (protocol v1, the default) or {@code history-1}
         * (protocol v2, with its history table in the keys zone); null leaves the parameter out.
         */
        public Options reflexSchema(String schema) {
            this.reflexSchema = schema;
            return this;
        }

        /** {@code lru} or {@code sampled} ({@code reflex_candidates}); null leaves the parameter out. */
        public Options reflexCandidates(String candidates) {
            this.reflexCandidates = candidates;
            return this;
        }

        /**
         * Writes {@code logs/access.log} in Reflex's extended format ({@code log_format reflex}, the
         * one the trainer and the sidecar's LRU floor read) instead of no access log.
         */
        public Options accessLog(boolean on) {
            this.accessLog = on;
            return this;
        }

        public Options workers(int n) {
            this.workers = n;
            return this;
        }

        public NginxServer start() throws IOException, InterruptedException {
            return new NginxServer(this);
        }
    }

    private final Options options;
    private final int port;
    private final Process process;

    /** Settings for {@code binary}, working in {@code dir} (created), proxying to 127.0.0.1:{@code originPort}. */
    public static Options options(Path binary, Path dir, int originPort) {
        return new Options(binary, dir, originPort);
    }

    private NginxServer(Options o) throws IOException, InterruptedException {
        this.options = o;
        Files.createDirectories(o.dir.resolve("conf"));
        Files.createDirectories(o.dir.resolve("logs"));
        Files.createDirectories(o.dir.resolve("cache"));
        Files.createDirectories(o.dir.resolve("temp"));
        this.port = LocalResources.freePort();
        Path conf = o.dir.resolve("conf/nginx.conf");
        Files.writeString(conf, config(o, port), StandardCharsets.UTF_8);
        this.process = new ProcessBuilder(o.binary.toString(), "-p", o.dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(o.dir.resolve("logs/stdout.log").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited at start (" + process.exitValue() + "): " + errorTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > end) {
                    close();
                    throw new IllegalStateException("nginx did not listen on port " + port + " within 15 s: " + errorTail());
                }
                Thread.sleep(20);
            }
        }
    }

    static String config(Options o, int port) {
        String d = o.dir.toAbsolutePath().toString();
        String reflex = o.reflexSocket == null ? "" : " reflex_socket=" + o.reflexSocket.toAbsolutePath()
                + " reflex_timeout=" + o.reflexTimeout + " reflex_k=" + o.reflexK + " reflex_stats=" + d + "/logs/reflex-stats.txt"
                + (o.reflexSchema == null ? "" : " reflex_schema=" + o.reflexSchema)
                + (o.reflexCandidates == null ? "" : " reflex_candidates=" + o.reflexCandidates);
        boolean root = "root".equals(System.getProperty("user.name"));
        return """
                daemon off;
                master_process on;
                worker_processes %d;
                %s
                error_log %s/logs/error.log notice;
                pid %s/logs/nginx.pid;
                events { worker_connections 4096; }
                http {
                    %s
                    client_body_temp_path %s/temp/client;
                    proxy_temp_path %s/temp/proxy;
                    proxy_cache_path %s/cache levels=1:2 keys_zone=reflex:16m max_size=%s inactive=1d use_temp_path=off manager_files=%d manager_sleep=%s manager_threshold=200ms loader_files=1000%s;
                    upstream origin {
                        server 127.0.0.1:%d;
                        keepalive 64;
                    }
                    server {
                        listen 127.0.0.1:%d backlog=1024;
                        keepalive_requests 1000000;
                        location / {
                            proxy_pass http://origin;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_cache reflex;
                            proxy_cache_key $uri;
                            proxy_cache_valid 200 1d;
                            proxy_buffering on;
                            add_header X-Cache-Status $upstream_cache_status always;
                        }
                    }
                }
                """.formatted(o.workers, root ? "user root root;" : "", d, d, accessLog(o, d), d, d, d, o.maxSize, o.managerFiles,
                o.managerSleep, reflex, o.originPort, port);
    }

    /** The access log's directives: Reflex's extended format, or none. */
    private static String accessLog(Options o, String dir) {
        return o.accessLog ? io.reflex.trainer.cache.trace.NginxLogReader.LOG_FORMAT + "\n"
                + "    access_log " + dir + "/logs/access.log reflex;" : "access_log off;";
    }

    /** The access log ({@link Options#accessLog}). */
    public Path accessLog() {
        return options.dir.resolve("logs/access.log");
    }

    /** The HTTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The directory NGINX works in. */
    public Path dir() {
        return options.dir;
    }

    /** The Reflex stats file the patched NGINX rewrites (absent for stock NGINX). */
    public Path statsFile() {
        return options.dir.resolve("logs/reflex-stats.txt");
    }

    /** The Reflex counters now, or null when the file has not been written yet. */
    public ReflexStats stats() throws IOException {
        return Files.exists(statsFile()) ? ReflexStats.read(statsFile()) : null;
    }

    /**
     * Waits for the stats file to hold at least {@code decisions} decisions and to stop changing
     * (NGINX rewrites it at most every 100 ms), then reads it.
     */
    public ReflexStats settledStats(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        ReflexStats last = null;
        int still = 0;
        while (System.nanoTime() < end) {
            ReflexStats s = stats();
            if (s != null && last != null && s.equals(last)) {
                if (++still >= 3) {
                    return s;
                }
            } else {
                still = 0;
            }
            last = s;
            Thread.sleep(100);
        }
        if (last == null) {
            throw new IllegalStateException("NGINX never wrote " + statsFile() + ": " + errorTail());
        }
        return last;
    }

    /**
     * Bytes the cache holds on disk, each file rounded up to 4 KiB blocks (as NGINX counts
     * {@code max_size}: in file-system blocks).
     */
    public long cacheBytes() throws IOException {
        return cacheOnDisk().bytes();
    }

    /** The cache's files and their bytes in 4 KiB blocks, as NGINX counts them (see {@link #cacheBytes}). */
    public record CacheOnDisk(long files, long bytes) {
    }

    /** The cache's regular files, counted and summed in 4 KiB blocks in one walk. */
    public CacheOnDisk cacheOnDisk() throws IOException {
        long[] counts = {0, 0};
        // The cache manager deletes files (and NGINX renames temporary ones) while this walks: an
        // entry gone between its listing and its attributes is simply not counted (Files.walk would
        // throw NoSuchFileException for it).
        Files.walkFileTree(options.dir.resolve("cache"), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    counts[0]++;
                    counts[1] += (attrs.size() + 4095) / 4096 * 4096;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return new CacheOnDisk(counts[0], counts[1]);
    }

    /**
     * Rewrites nginx.conf with a new {@code max_size} and reloads NGINX (SIGHUP to the master). NGINX
     * keeps the cache's shared zone, so every cached entry stays; new worker and cache-manager
     * processes enforce the new bound. Returns once the processes from before the reload are gone
     * and the new ones run.
     *
     * @throws IllegalStateException when NGINX does not complete the reload within 15 s
     */
    public void reloadWithMaxSize(String maxSize) throws IOException, InterruptedException {
        List<Long> before = process.descendants().map(ProcessHandle::pid).toList();
        options.maxSize = Objects.requireNonNull(maxSize, "maxSize");
        Files.writeString(options.dir.resolve("conf/nginx.conf"), config(options, port), StandardCharsets.UTF_8);
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).redirectErrorStream(true).start();
        if (hup.waitFor() != 0) {
            throw new IllegalStateException("kill -HUP " + process.pid() + " failed: "
                    + new String(hup.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            List<ProcessHandle> now = process.descendants().filter(ProcessHandle::isAlive).toList();
            boolean oldGone = now.stream().noneMatch(h -> before.contains(h.pid()));
            if (oldGone && now.size() >= options.workers + 1) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("nginx did not reload within 15 s: " + errorTail());
    }

    /** True when the master and its worker and cache manager are all running. */
    public boolean alive() {
        return process.isAlive() && process.descendants().filter(ProcessHandle::isAlive).count() >= options.workers + 1;
    }

    /** The master's process. */
    public Process process() {
        return process;
    }

    /** The last lines of NGINX's error log. */
    public String errorTail() {
        try {
            Path log = options.dir.resolve("logs/error.log");
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            Path out = options.dir.resolve("logs/stdout.log");
            if (lines.isEmpty() && Files.exists(out)) {
                lines = Files.readAllLines(out);
            }
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    /** Lines of the error log that contain {@code text}. */
    public long errorLogCount(String text) throws IOException {
        Path log = options.dir.resolve("logs/error.log");
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** Stops NGINX: SIGTERM (fast shutdown), then SIGKILL for anything left of its process tree. */
    @Override
    public void close() {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle h : tree) {
            h.destroyForcibly();
        }
    }
}
