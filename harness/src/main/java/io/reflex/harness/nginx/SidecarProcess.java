package io.reflex.harness.nginx;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar in a JVM of its own ({@code java ... io.reflex.sidecar.SidecarMain}), started from this
 * JVM's own {@code java} binary and class path with the Reflex JVM flags, so that it can be killed
 * (SIGKILL) or stopped (SIGTERM) like the real thing. Its stderr goes to a log file.
 *
 * <p>Not thread-safe.
 */
public final class SidecarProcess implements AutoCloseable {

    /** The flags Reflex needs (the parent pom's {@code reflex.jvm.flags}). */
    public static final List<String> JVM_FLAGS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");

    private final Process process;
    private final Path socket;
    private final Path log;

    private SidecarProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts a sidecar serving {@code model} on {@code socket}, with the metrics endpoint on
     * {@code metricsPort} (-1 for none), and waits until its socket answers (60 s at most).
     */
    public static SidecarProcess start(Path socket, Path model, int metricsPort, Path log, String... extra)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-Xms64m");
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.reflex.sidecar.SidecarMain");
        cmd.addAll(List.of("--socket", socket.toString(), "--model", model.toString(),
                "--metrics-port", Integer.toString(metricsPort)));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        SidecarProcess s = new SidecarProcess(p, socket, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("sidecar exited at start (" + p.exitValue() + "): " + s.logTail());
            }
            if (Files.exists(socket)) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return s;
                } catch (IOException notYet) {
                    // stale file of an earlier sidecar: the new one replaces it
                }
            }
            if (System.nanoTime() > end) {
                s.kill();
                throw new IllegalStateException("sidecar did not serve " + socket + " within 60 s: " + s.logTail());
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL: no shutdown hook runs, the socket file stays behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit; returns the exit code (-1 if it had to be killed). */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    /** The process id (for sampling its memory). */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path socket() {
        return socket;
    }

    /** The last lines of its log. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The whole log. */
    public String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
