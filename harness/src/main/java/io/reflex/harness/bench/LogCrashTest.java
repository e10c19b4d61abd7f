package io.reflex.harness.bench;

import io.reflex.engine.log.DecisionLogReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The crash test behind {@code ./reflex log crashtest}: starts a real child JVM that decides and logs
 * at full speed ({@code reflex log crashtest-child}), kills it with SIGKILL at a random moment, reopens
 * the log, and checks that every record the child reported as flushed before it died is read back.
 * Repeated {@code kills} times on one log directory, so later runs also recover earlier torn tails.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class LogCrashTest {

    /** What the runs measured. */
    public record Result(int kills, long acknowledged, long recovered, long lost, long tornTailsSkipped,
                         long recordsInLog) {
    }

    private final Path dir;
    private final int kills;
    private final long seed;
    private final int minDelayMs;
    private final int maxDelayMs;
    private final Consumer<String> progress;

    public LogCrashTest(Path dir, int kills, long seed, int minDelayMs, int maxDelayMs, Consumer<String> progress) {
        if (kills < 1 || minDelayMs < 1 || maxDelayMs < minDelayMs) {
            throw new IllegalArgumentException("need kills >= 1 and 1 <= min delay <= max delay");
        }
        this.dir = dir;
        this.kills = kills;
        this.seed = seed;
        this.minDelayMs = minDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.progress = progress;
    }

    public Result run() throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        long acknowledged = 0;
        long recovered = 0;
        DecisionLogReader reader = null;
        for (int k = 0; k < kills; k++) {
            ChildRun child = startChild(seed + k);
            long delay = minDelayMs + random.nextInt(maxDelayMs - minDelayMs + 1);
            child.awaitStarted();
            Thread.sleep(delay);
            child.process.destroyForcibly();
            if (!child.process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child JVM did not die after SIGKILL");
            }
            child.drained();
            BitSet present = new BitSet();
            reader = DecisionLogReader.open(dir);
            reader.forEach(r -> present.set(Math.toIntExact(r.sequence())));
            long first = child.start;
            long last = child.flushed;
            long acked = Math.max(0, last - first + 1);
            long found = last < first ? 0 : present.get((int) first, (int) last + 1).cardinality();
            acknowledged += acked;
            recovered += found;
            progress.accept("kill " + (k + 1) + "/" + kills + " after " + delay + " ms: " + acked
                    + " records acknowledged, " + found + " read back");
        }
        return new Result(kills, acknowledged, recovered, acknowledged - recovered, reader.tornTailsSkipped(),
                reader.records());
    }

    private ChildRun startChild(long childSeed) throws IOException {
        List<String> command = ChildJvm.reflexCommand(List.of("log", "crashtest-child", "--dir", dir.toString(),
                "--seed", Long.toString(childSeed)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new ChildRun(p);
    }

    /** One child JVM and what it has reported on stdout. */
    private static final class ChildRun {
        final Process process;
        volatile long start = -1;
        volatile long flushed = -1;
        private final Thread reader;

        ChildRun(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().name("crashtest-child-stdout").start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("flushed ")) {
                        flushed = Long.parseLong(line.substring(8));
                    } else if (line.startsWith("start ")) {
                        start = Long.parseLong(line.substring(6));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // The pipe breaks when the child is killed mid-line; what was read stands.
            }
        }

        void awaitStarted() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (start < 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the child JVM exited with " + process.exitValue() + " before starting");
                }
                if (System.nanoTime() > until) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the child JVM did not start within 60 s");
                }
                Thread.sleep(5);
            }
        }

        void drained() throws InterruptedException {
            reader.join(10_000);
        }
    }
}
