package io.reflex.sidecar;

import io.reflex.sidecar.server.SidecarConfig;
import io.reflex.sidecar.server.SidecarLog;
import io.reflex.sidecar.server.SidecarServer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a sidecar until SIGTERM (or SIGINT): the same server as {@code ./reflex sidecar}, for a
 * plain {@code java -cp ... io.reflex.sidecar.SidecarMain --socket PATH --model FILE} (the
 * integration tests and {@code ./reflex sidecar bench} start it this way, as a process of its own).
 *
 * <p>Options: {@link #OPTIONS}, the same as {@code ./reflex sidecar}'s (a test holds the two
 * launchers to one list), with the defaults of {@link SidecarConfig}. A bad option exits 2 with one
 * line naming it; a start-up failure exits 1.
 */
public final class SidecarMain {

    /** Every option of both launchers, each taking a value. */
    public static final List<String> OPTIONS = List.of("--socket", "--model", "--metrics-port", "--k", "--deadline",
            "--poll", "--warmup", "--spin", "--access-log", "--cache-max-size", "--cache-max-entries", "--challenger");

    private SidecarMain() {
    }

    public static void main(String[] args) {
        SidecarConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sidecar: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config));
    }

    /** Installs the SIGTERM hook, starts the server and blocks until it has stopped; returns the exit code. */
    public static int run(SidecarConfig config) {
        AtomicReference<SidecarServer> running = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        // Installed before the socket exists: a SIGTERM sent as soon as the socket answers (a
        // supervisor's health check, then a stop) must still close the server and remove the socket.
        Thread hook = new Thread(() -> {
            SidecarLog.info("signal received: stopping");
            try {
                started.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            SidecarServer s = running.get();
            if (s != null) {
                s.close();
            }
        }, "sidecar-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        SidecarServer server;
        try {
            server = SidecarServer.start(config);
        } catch (Exception e) {
            started.countDown();
            removeQuietly(hook);
            SidecarLog.error("sidecar failed to start: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return 1;
        }
        running.set(server);
        started.countDown();
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            server.close();
        }
        return 0;
    }

    /** A failed start has nothing to stop; the hook would only log a signal that never came. */
    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // already exiting: the hook runs and finds no server
        }
    }

    static SidecarConfig parse(String[] args) {
        SidecarConfig.Builder b = SidecarConfig.builder();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String v = args[++i];
            switch (name) {
                case "--socket" -> b.socket(Path.of(v));
                case "--model" -> b.model(Path.of(v));
                case "--metrics-port" -> b.metricsPort(integer(name, v));
                case "--k" -> b.k(integer(name, v));
                case "--deadline" -> b.deadline(SidecarConfig.parseDuration(v));
                case "--poll" -> b.modelPollInterval(SidecarConfig.parseDuration(v));
                case "--warmup" -> b.warmupRequests(integer(name, v));
                case "--spin" -> b.spin(SidecarConfig.parseDuration(v));
                case "--access-log" -> b.accessLog(Path.of(v));
                case "--cache-max-size" -> b.cacheMaxSize(SidecarConfig.parseSize(v));
                case "--cache-max-entries" -> b.cacheMaxEntries(integer(name, v));
                case "--challenger" -> b.challenger(Path.of(v));
                default -> throw new IllegalArgumentException("unknown option " + name + " (options: "
                        + String.join(" ", OPTIONS) + ")");
            }
        }
        return b.build();
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not an integer: '" + value + "'");
        }
    }
}
