package io.reflex.sidecar.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.sidecar.floor.AccessLogFollower;
import io.reflex.sidecar.floor.SidecarFloor;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
import io.reflex.sidecar.protocol.WireV2;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sidecar: a Unix-domain-socket server that answers NGINX's EVICT frames with victim masks from
 * the engine (wire protocol in docs/reference.md). The model's {@code reflex.schema} fixes, at start,
 * how: a Cold-RL model ({@code cold-rl-6}) is served over version-1 frames by the
 * {@link EvictionLoop}, a next-access model ({@code history-1}) over version-2 frames by the
 * {@link NextAccessLoop}, which also answers admission ({@link Serving}). A frame of the other
 * version gets ERROR 1 naming the fix; a hot-reloaded model of the other schema is refused.
 *
 * <p><b>Lifecycle.</b> {@link #start} loads and checks the model (for Cold-RL: a joint model, input
 * {@code [1, 6K]} and output {@code [1, K]}, fixes K; a candidate-rows model, {@code [1, 12] → [1, 2]},
 * takes K from the settings or its metadata; for history-1: {@code [1, 11] → [1, 1]}, K from its
 * {@code reflex.k}), binds the socket in a private directory, sets it to mode
 * 0660, warms the whole request path up with round trips to itself, and only then renames the
 * socket to its path, so NGINX never meets a socket with looser permissions or a cold sidecar. A
 * stale socket at the path (nobody accepting) is removed; a live one, or a path that is not a
 * socket, is refused. {@link #close} (also the SIGTERM path) stops accepting, lets each connection
 * finish the frame in flight, closes them, and removes the socket file.
 *
 * <p><b>Threading.</b> Handler threads wait in {@code accept}, each with its own
 * {@link Serving.Responder} (the loop's decider), decoder and encoder built once; a handler serves one connection to
 * its end and then accepts again. At least two handlers are kept waiting (up to
 * {@code maxConnections} in all; beyond that, new connections wait in the socket's backlog), so a
 * reconnecting NGINX never waits for a thread to start. NGINX opens one connection per process that
 * evicts (the cache manager, and workers when the keys zone is full). Also: a watchdog thread that
 * drops connections stalled inside a frame, the model watcher's thread, the metrics endpoint's
 * thread. A slow or hostile peer holds only its own handler.
 *
 * <p><b>Allocation.</b> None per frame on the path EVICT → VICTIMS, either version (buffers are per
 * connection and reused); error replies and logs allocate.
 *
 * <p><b>Errors.</b> A frame that breaks the protocol gets an ERROR reply; one that breaks the framing
 * (length outside [8, 4096], closed mid-frame) gets one where it can be written and the connection
 * closes. Nothing a peer sends ends the process. Thread-safe.
 */
public final class SidecarServer implements AutoCloseable {

    private final SidecarConfig config;
    private final int k;
    private final PrometheusMeterRegistry registry;
    private final SidecarMetrics metrics;
    private final Serving serving;
    private final Path socket;
    private final ServerSocketChannel listener;
    private final Object socketKey;
    private final Thread spawner;
    private final ScheduledExecutorService watchdog;
    private final ModelWatcher watcher;
    private final MetricsEndpoint endpoint;
    private final SocketLock lock;
    /** The LRU floor and the access-log follower feeding it, or null without {@code --access-log}. */
    private final SidecarFloor floor;
    private final AccessLogFollower follower;
    private final ConcurrentHashMap<Long, Handler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong handlerIds = new AtomicLong();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicInteger idleHandlers = new AtomicInteger();
    private final Semaphore spawnRequests = new Semaphore(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean warming = true;

    private SidecarServer(SidecarConfig config) throws IOException {
        this.config = config;
        Path model = config.model().toAbsolutePath();
        Path target = config.socket().toAbsolutePath();
        this.socket = target;
        Path parent = target.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("socket directory " + parent + " does not exist");
        }
        // Everything below is undone if a later step fails: no socket, private directory, thread or
        // lock outlives a failed start.
        this.lock = SocketLock.acquire(target);
        Serving opened = null;
        ServerSocketChannel ch = null;
        Path privateDir = null;
        Path bindPath = target;
        boolean published = false;
        Thread spawned = null;
        ScheduledExecutorService dog = null;
        ModelWatcher watching = null;
        SidecarFloor floored = null;
        AccessLogFollower following = null;
        try {
            this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.metrics = new SidecarMetrics(registry);
            // A restart shows as a new process_start_time_seconds, and heap growth in jvm_memory_used_bytes.
            new UptimeMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            opened = Serving.open(config, model, registry);
            this.serving = opened;
            this.k = serving.k();
            SidecarLog.info("model %s loaded: %s", model, serving.describe());
            if (config.accessLog() != null) {
                if (!(serving instanceof HistoryServing history)) {
                    throw new IllegalArgumentException("--access-log: the LRU floor serves history-1 models only, "
                            + "and " + model + " is " + serving.schema() + ": a demoted model comes back on the "
                            + "evidence of its miniature, which the engine builds for history-1 models "
                            + "(MiniatureNextAccess), so a demoted " + serving.schema() + " model could never "
                            + "return; serve a history-1 model (reflex_schema=history-1) to have the floor");
                }
                floored = new SidecarFloor(config.accessLog().toAbsolutePath(), history.runtime().store(),
                        history.contract(), config.cacheMaxSize(), config.cacheMaxEntries(), model,
                        config.challenger() == null ? null : config.challenger().toAbsolutePath());
                following = new AccessLogFollower(config.accessLog().toAbsolutePath(), config.accessLogPoll(), floored);
                floored.register(registry, following);
                history.attach(floored);
                SidecarLog.info("%s", floored.describe());
            }
            this.floor = floored;
            this.follower = following;
            removeStaleSocket(target);
            if (parent != null) {
                removeStalePrivateDirs(parent, target);
                Path dir = Files.createTempDirectory(parent, privatePrefix(target),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                if (dir.resolve("s").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                        <= SidecarConfig.MAX_SOCKET_PATH_BYTES) {
                    privateDir = dir;
                    bindPath = dir.resolve("s");
                } else {
                    Files.delete(dir);
                }
            }
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(bindPath), 64);
            Files.setPosixFilePermissions(bindPath, PosixFilePermissions.fromString("rw-rw----"));
            this.listener = ch;
            spawned = Thread.ofPlatform().name("sidecar-spawner").daemon().unstarted(this::spawnLoop);
            this.spawner = spawned;
            spawner.start();
            warmUp(bindPath, config.warmupRequests());
            warming = false;
            if (privateDir != null) {
                Files.move(bindPath, target, StandardCopyOption.ATOMIC_MOVE);
                Files.delete(privateDir);
                privateDir = null;
            }
            published = true;
            this.socketKey = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            long tick = Math.max(10, Math.min(1000, config.stallTimeout().toMillis() / 2));
            dog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sidecar-watchdog");
                t.setDaemon(true);
                return t;
            });
            this.watchdog = dog;
            watchdog.scheduleWithFixedDelay(this::dropStalled, tick, tick, TimeUnit.MILLISECONDS);
            watching = new ModelWatcher(model, serving.runtime().store(), config.modelPollInterval(), serving::refusal);
            this.watcher = watching;
            // The store counts only what it was offered (reflex_model_swaps_total); a file refused by the
            // schema check before that, or a poll that failed, would show in no metric without these.
            FunctionCounter.builder("reflex.sidecar.model.reloads.refused", watching, ModelWatcher::refused)
                    .description("Changed model files refused at hot reload (schema check or store)").register(registry);
            FunctionCounter.builder("reflex.sidecar.model.watch.failures", watching, ModelWatcher::failures)
                    .description("Model file polls that failed (logged; the next poll runs)").register(registry);
            MetricsEndpoint e = null;
            if (config.metricsPort() >= 0) {
                e = new MetricsEndpoint(registry, config.metricsPort());
                SidecarLog.info("metrics: http://127.0.0.1:%d/metrics", e.port());
            }
            this.endpoint = e;
            if (follower != null) {
                follower.start();
            }
        } catch (IOException | RuntimeException | Error failure) {
            stopping = true;
            if (following != null) {
                following.close();
            }
            if (floored != null) {
                floored.close();
            }
            if (watching != null) {
                watching.close();
            }
            if (dog != null) {
                dog.shutdownNow();
            }
            if (spawned != null) {
                spawned.interrupt();
            }
            if (ch != null) {
                closeQuietly(ch);
            }
            if (published) {
                deleteQuietly(target);
            } else if (privateDir != null) {
                deleteQuietly(bindPath);
                deleteQuietly(privateDir);
            } else if (ch != null && bindPath.equals(target)) {
                deleteQuietly(target);
            }
            if (opened != null) {
                opened.close();
            }
            lock.close();
            throw failure;
        }
        SidecarLog.info("listening on %s (mode 0660), K = %d, %s over protocol v%d, deadline %d us, ready", target, k,
                serving.schema(), serving.version(), config.deadline().toNanos() / 1000);
    }

    /**
     * The prefix of a sidecar's private bind directory beside its socket: named after the socket, so
     * that the sidecar holding the socket's lock knows every such directory is a leftover (of a
     * sidecar killed during warm-up) and may remove it.
     */
    private static String privatePrefix(Path target) {
        return ".rxs-" + target.getFileName() + "-";
    }

    /** Removes the private directories a sidecar killed while warming up left beside {@code target}. */
    private static void removeStalePrivateDirs(Path parent, Path target) throws IOException {
        String prefix = privatePrefix(target);
        try (var dirs = Files.newDirectoryStream(parent, d -> d.getFileName().toString().startsWith(prefix)
                && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))) {
            for (Path dir : dirs) {
                deleteQuietly(dir.resolve("s"));
                deleteQuietly(dir);
                SidecarLog.info("removed %s, left by a sidecar that stopped while warming up", dir);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            SidecarLog.warn("cannot remove %s: %s", p, e.getMessage());
        }
    }

    /**
     * Starts a sidecar: model loaded and checked, socket bound with mode 0660, path warmed up.
     *
     * @throws IllegalArgumentException when the model is unusable or does not match the settings
     * @throws IllegalStateException when another process serves the socket path
     * @throws IOException when the socket cannot be created
     */
    public static SidecarServer start(SidecarConfig config) throws IOException {
        return new SidecarServer(Objects.requireNonNull(config, "config"));
    }

    /** Candidates per decision (the model's K): the most an EVICT may carry. */
    public int k() {
        return k;
    }

    /** The socket path. */
    public Path socket() {
        return socket;
    }

    /** The sidecar's counters. */
    public SidecarMetrics metrics() {
        return metrics;
    }

    /** Every meter: the sidecar's and the eviction loop's. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The Cold-RL eviction loop (its store, breaker and counters).
     *
     * @throws IllegalStateException when the sidecar serves a history-1 model ({@link #nextAccessLoop()})
     */
    public EvictionLoop loop() {
        if (serving instanceof ColdRlServing c) {
            return c.loop();
        }
        throw new IllegalStateException("this sidecar serves " + serving.schema() + " through the next-access loop");
    }

    /**
     * The next-access loop of a history-1 model.
     *
     * @throws IllegalStateException when the sidecar serves a Cold-RL model ({@link #loop()})
     */
    public NextAccessLoop nextAccessLoop() {
        if (serving instanceof HistoryServing h) {
            return h.loop();
        }
        throw new IllegalStateException("this sidecar serves " + serving.schema() + " through the Cold-RL loop");
    }

    /** The decision runtime of whichever loop serves (its store, breaker and counters). */
    public DecisionRuntime runtime() {
        return serving.runtime();
    }

    /** The served schema: {@code cold-rl-6} (protocol v1) or {@code history-1} (protocol v2). */
    public String schema() {
        return serving.schema();
    }

    /** The protocol version whose frames carry the served schema. */
    public int protocolVersion() {
        return serving.version();
    }

    /** Changed model files refused at hot reload so far (another schema or contract, or a failed check). */
    public long refusedReloads() {
        return watcher.refused();
    }

    /** The LRU floor, when the sidecar follows an access log ({@code --access-log}). */
    public java.util.Optional<SidecarFloor> floor() {
        return java.util.Optional.ofNullable(floor);
    }

    /** The metrics endpoint's port, or -1 when there is none. */
    public int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private static void removeStaleSocket(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) {
            throw new IllegalArgumentException(target + " exists and is not a socket: refusing to replace it");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
            throw new IllegalStateException("socket " + target + " is served by a running process: stop it first");
        } catch (IOException refused) {
            Files.delete(target);
            SidecarLog.info("removed stale socket %s (nobody was accepting on it)", target);
        }
    }

    private void warmUp(Path path, int requests) throws IOException {
        if (requests == 0) {
            return;
        }
        long t0 = System.nanoTime();
        SplittableRandom r = new SplittableRandom(42);
        FrameEncoder out = new FrameEncoder();
        FrameDecoder in = new FrameDecoder();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            for (int i = 0; i < requests; i++) {
                serving.warmUpRequest(out, ch, i, r);
                if (!in.next(ch) || in.type() != Wire.TYPE_VICTIMS || in.requestId() != i) {
                    throw new IOException("warm-up round trip " + i + " failed");
                }
            }
        } catch (ProtocolException e) {
            throw new IOException("warm-up round trip failed: " + e.getMessage(), e);
        }
        SidecarLog.info("warm-up: %,d round trips in %d ms", requests, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Keeps at least two handlers waiting in accept (up to the connection limit). */
    private void spawnLoop() {
        while (!stopping) {
            try {
                spawnRequests.acquire();
            } catch (InterruptedException e) {
                return;
            }
            while (!stopping && idleHandlers.get() < 2 && handlers.size() < config.maxConnections()) {
                Handler h = new Handler(handlerIds.incrementAndGet());
                handlers.put(h.id, h);
                idleHandlers.incrementAndGet();
                Thread.ofPlatform().name("sidecar-conn-" + h.id).daemon().start(h);
            }
        }
    }

    /**
     * One handler thread: accepts a connection, serves it to its end, and accepts again, so that a
     * reconnecting NGINX (it reconnects after every timeout) meets a thread already waiting with
     * its decider built, never a thread start.
     */
    private final class Handler implements Runnable {
        private static final int LOGGED_ERRORS = 5;

        final long id;
        final FrameDecoder decoder = new FrameDecoder();
        final FrameEncoder encoder = new FrameEncoder();
        volatile SocketChannel channel;
        volatile boolean busy;
        volatile boolean stalled;
        /** When the frame being answered started (0: none): a reply write the peer does not read stalls here. */
        volatile long busySince;
        /** When the connection last finished a frame, or was accepted. */
        volatile long lastActive;
        /** Closed by the sidecar to free this handler for a newer connection. */
        volatile boolean idleClosed;
        volatile long connection;
        volatile boolean counted;
        long frames;
        int errors;

        Handler(long id) {
            this.id = id;
        }

        @Override
        public void run() {
            try (Serving.Responder responder = serving.newResponder()) {
                while (!stopping) {
                    SocketChannel ch;
                    try {
                        ch = listener.accept();
                    } catch (ClosedChannelException e) {
                        return;
                    } catch (IOException e) {
                        if (!stopping) {
                            SidecarLog.error("accept failed: %s", e.getMessage());
                            sleepQuietly(10);
                        }
                        continue;
                    }
                    if (idleHandlers.decrementAndGet() < 2) {
                        spawnRequests.release();
                    }
                    connection = connectionIds.incrementAndGet();
                    counted = !warming;
                    frames = 0;
                    errors = 0;
                    stalled = false;
                    idleClosed = false;
                    decoder.reset();
                    lastActive = System.nanoTime();
                    channel = ch;
                    if (handlers.size() >= config.maxConnections() && idleHandlers.get() <= 0) {
                        // every handler holds a connection and none waits in accept: the next
                        // client would wait in the backlog for as long as the others stay open, so
                        // the connection idle the longest gives its handler up
                        closeOldestIdle(this);
                    }
                    if (counted) {
                        metrics.opened();
                    }
                    long opened = System.nanoTime();
                    String reason;
                    try {
                        reason = serve(new SpinningChannel(ch, config.spin().toNanos()), responder);
                    } catch (IOException e) {
                        reason = "I/O: " + e.getMessage();
                    }
                    channel = null;
                    closeQuietly(ch);
                    if (counted) {
                        metrics.closed();
                        SidecarLog.info("connection %d closed after %d ms: %s (%,d frames, %d errors)", connection,
                                (System.nanoTime() - opened) / 1_000_000, reason, frames, errors);
                    }
                    idleHandlers.incrementAndGet();
                }
            } finally {
                handlers.remove(id);
            }
        }

        /** Serves one connection; returns why it ended. */
        private String serve(SpinningChannel ch, Serving.Responder responder) {
            FrameDecoder in = decoder;
            FrameEncoder out = encoder;
            try {
                while (!stopping) {
                    try {
                        if (!in.next(ch)) {
                            return "closed by peer";
                        }
                    } catch (ProtocolException e) {
                        if (counted) {
                            metrics.error(e.code());
                            metrics.droppedFraming();
                        }
                        try {
                            out.error(ch, serving.version(), e.requestId(), e.code(), e.getMessage());
                        } catch (IOException ignored) {
                            // where one can be written
                        }
                        return "framing error: " + e.getMessage();
                    }
                    long t0 = System.nanoTime();
                    busySince = t0 | 1;
                    busy = true;
                    frames++;
                    long requestId = in.requestId();
                    // an error is answered in the request's version, so its sender can read it
                    int version = in.version() == Wire.VERSION || in.version() == WireV2.VERSION ? in.version()
                            : serving.version();
                    try {
                        long mask = responder.answer(in, out, ch);
                        if (counted) {
                            metrics.answered(responder.lastByPolicy(), responder.lastByFloor(), mask, System.nanoTime() - t0);
                            metrics.admission(responder.lastAdmission());
                        }
                    } catch (ProtocolException e) {
                        if (counted) {
                            metrics.error(e.code());
                            logError(e.code(), e.getMessage());
                        }
                        out.error(ch, version, e.requestId(), e.code(), e.getMessage());
                    } catch (RuntimeException e) {
                        if (counted) {
                            metrics.error(ErrorCode.INTERNAL);
                            logError(ErrorCode.INTERNAL, e.toString());
                        }
                        out.error(ch, version, requestId, ErrorCode.INTERNAL, "internal error: " + e);
                    } finally {
                        busy = false;
                        busySince = 0;
                        lastActive = System.nanoTime();
                    }
                }
                return "sidecar shutting down";
            } catch (IOException e) {
                return stalled ? "stalled inside a frame or a reply" : idleClosed
                        ? "closed to free a handler for a newer connection (idle the longest)"
                        : stopping ? "sidecar shutting down"
                        : "I/O: " + e.getMessage();
            } catch (RuntimeException e) {
                SidecarLog.error("connection %d: %s", connection, e);
                return "internal error: " + e;
            }
        }

        void logError(ErrorCode code, String message) {
            errors++;
            if (errors <= LOGGED_ERRORS) {
                SidecarLog.warn("connection %d: ERROR %d (%s): %s%s", connection, code.code(), code.tag(), message,
                        errors == LOGGED_ERRORS ? " (further errors on this connection are counted, not logged)" : "");
            }
        }

        /** Closes the connection when no frame is in flight or half-read. */
        void closeIfIdle() {
            SocketChannel ch = channel;
            if (ch != null && !busy && decoder.partialSince() == 0) {
                closeQuietly(ch);
            }
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void dropStalled() {
        long now = System.nanoTime();
        long limit = config.stallTimeout().toNanos();
        for (Handler h : handlers.values()) {
            SocketChannel ch = h.channel;
            long since = h.decoder.partialSince();
            long writing = h.busySince;
            boolean inFrame = since != 0 && now - since > limit;
            boolean inReply = writing != 0 && now - writing > limit;
            if (ch != null && (inFrame || inReply) && !h.stalled) {
                h.stalled = true;
                if (h.counted) {
                    metrics.droppedStalled();
                }
                SidecarLog.warn("connection %d: %s for %d ms, dropping it", h.connection,
                        inFrame ? "no complete frame" : "a reply not taken by the peer (it does not read)",
                        limit / 1_000_000);
                closeQuietly(ch);
            }
        }
    }

    /** Closes the connection, other than {@code self}'s, that has waited longest for its next frame. */
    private void closeOldestIdle(Handler self) {
        Handler oldest = null;
        for (Handler h : handlers.values()) {
            if (h != self && h.channel != null && h.busySince == 0 && h.decoder.partialSince() == 0 && !h.stalled
                    && !h.idleClosed && (oldest == null || h.lastActive < oldest.lastActive)) {
                oldest = h;
            }
        }
        SocketChannel ch = oldest == null ? null : oldest.channel;
        if (ch == null) {
            return;     // every other connection is inside a frame: the watchdog bounds those
        }
        oldest.idleClosed = true;
        if (oldest.counted) {
            metrics.droppedIdle();
        }
        SidecarLog.warn("connection %d: idle for %d ms while all %d handlers are taken; closing it for a new "
                + "connection", oldest.connection, (System.nanoTime() - oldest.lastActive) / 1_000_000,
                config.maxConnections());
        closeQuietly(ch);
    }

    /**
     * Stops the sidecar: no new connections, each connection finishes the frame in flight (up to 2 s)
     * and closes, the socket file is removed, the model store is released. Idempotent; safe from a
     * shutdown hook.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                terminated.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        SidecarLog.info("shutting down: %d connection(s) open", openConnections());
        stopping = true;
        watcher.close();
        watchdog.shutdownNow();
        try {
            listener.close();
        } catch (IOException e) {
            SidecarLog.warn("closing the listener: %s", e.getMessage());
        }
        spawner.interrupt();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        handlers.values().forEach(Handler::closeIfIdle);
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            sleepQuietly(5);
            handlers.values().forEach(Handler::closeIfIdle);
        }
        for (Handler h : handlers.values()) {
            SocketChannel ch = h.channel;
            if (ch != null) {
                closeQuietly(ch);
            }
        }
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (Objects.equals(a.fileKey(), socketKey)) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            // already gone, or replaced by another process's socket: leave it
        }
        if (follower != null) {
            follower.close();       // the floor is the follower thread's: stopped first
            floor.close();
        }
        serving.close();
        if (endpoint != null) {
            endpoint.close();
        }
        lock.close();
        SidecarLog.info("stopped; socket %s removed", socket);
        terminated.countDown();
    }

    private int openConnections() {
        int n = 0;
        for (Handler h : handlers.values()) {
            if (h.channel != null) {
                n++;
            }
        }
        return n;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
