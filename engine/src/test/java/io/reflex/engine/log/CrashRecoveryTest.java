package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash recovery with a real process: a child JVM ({@link CrashChild}) logs at full speed and is
 * killed with SIGKILL at a seeded random moment, three times in a row on the same directory. Every
 * record the child reported as flushed before it died must be read back, each run must resume right
 * after the last valid record, and every record read must hold exactly what was written.
 */
class CrashRecoveryTest {

    private static final int KILLS = 3;
    private static final long STARTUP_TIMEOUT_S = 60;
    private static final long EXIT_TIMEOUT_S = 30;

    @TempDir
    Path dir;

    /** What the parent learnt from one child's stdout before it died. */
    private static final class Run {
        final long number;
        final AtomicLong start = new AtomicLong(-1);
        final AtomicLong lastFlushed = new AtomicLong(-1);
        final CountDownLatch firstFlush = new CountDownLatch(1);
        final AtomicReference<String> unexpected = new AtomicReference<>();

        Run(long number) {
            this.number = number;
        }

        /** Only whole lines count: a line cut by the kill is ignored. */
        void line(String line) {
            if (line.startsWith("start ")) {
                start.set(Long.parseLong(line.substring(6)));
            } else if (line.startsWith("flushed ")) {
                long s = Long.parseLong(line.substring(8));
                lastFlushed.accumulateAndGet(s, Math::max);
                firstFlush.countDown();
            } else {
                unexpected.compareAndSet(null, line);
            }
        }

        void readAll(InputStream in) {
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            line(pending.toString(StandardCharsets.UTF_8));
                            pending.reset();
                        } else {
                            pending.write(buffer[i]);
                        }
                    }
                }
            } catch (IOException e) {
                // The pipe closes when the child dies.
            }
        }
    }

    private static List<String> childCommand(Path logDir, long run) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.add(logDir.toString());
        command.add(Long.toString(run));
        return command;
    }

    /**
     * Runs a child and SIGKILLs it under load: once it has reported {@code killAfterRecords} more
     * records flushed than at its first flush report (so the writer is draining a ring the child
     * keeps filling), with a deadline rather than a fixed sleep.
     */
    private Run runAndKill(Path logDir, long number, long killAfterRecords) throws Exception {
        Run run = new Run(number);
        Path stderr = dir.resolve("child-" + number + ".err");
        Process child = new ProcessBuilder(childCommand(logDir, number))
                .redirectError(stderr.toFile()).start();
        Thread reader = Thread.ofPlatform().daemon().name("crash-child-stdout-" + number)
                .start(() -> run.readAll(child.getInputStream()));
        try {
            if (!run.firstFlush.await(STARTUP_TIMEOUT_S, TimeUnit.SECONDS)) {
                fail("child " + number + " flushed nothing within " + STARTUP_TIMEOUT_S + " s; alive: "
                        + child.isAlive() + ", stderr: " + Files.readString(stderr));
            }
            long target = run.lastFlushed.get() + killAfterRecords;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_S);
            while (run.lastFlushed.get() < target) {
                if (System.nanoTime() > deadline || !child.isAlive()) {
                    fail("child " + number + " flushed up to " + run.lastFlushed.get() + ", short of " + target
                            + "; alive: " + child.isAlive() + ", stderr: " + Files.readString(stderr));
                }
                Thread.sleep(1);
            }
            assertTrue(child.isAlive(), "child " + number + " died before the kill: " + Files.readString(stderr));
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(EXIT_TIMEOUT_S, TimeUnit.SECONDS), "child " + number + " survived SIGKILL");
            reader.join(TimeUnit.SECONDS.toMillis(EXIT_TIMEOUT_S));
        }
        assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL, not exited");
        assertTrue(!reader.isAlive(), "stdout of child " + number + " never closed");
        assertEquals(null, run.unexpected.get(), "unexpected output from child " + number);
        assertTrue(run.start.get() >= 0, "child " + number + " never said where it started");
        return run;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyRecordReportedFlushedSurvivesThreeKillsInARow() throws Exception {
        Path logDir = dir.resolve("log");
        SplittableRandom random = new SplittableRandom(341);
        List<Run> runs = new ArrayList<>();
        for (int k = 1; k <= KILLS; k++) {
            long killAfter = 20_000 + random.nextInt(200_001);     // records flushed after the first report
            Run run = runAndKill(logDir, k, killAfter);
            if (!runs.isEmpty()) {
                Run previous = runs.getLast();
                assertTrue(run.start.get() > previous.lastFlushed.get(),
                        "run " + k + " started at " + run.start.get() + ", inside what run " + previous.number
                                + " acknowledged (up to " + previous.lastFlushed.get() + ")");
            } else {
                assertEquals(0, run.start.get());
            }
            runs.add(run);
        }

        // Read everything back and check every record against what its run wrote.
        DecisionLogReader reader = DecisionLogReader.open(logDir);
        BitSet read = new BitSet();
        AtomicLong expectedNext = new AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        reader.forEach(r -> {
            long s = r.sequence();
            if (s != expectedNext.getAndIncrement() && problem.get() == null) {
                problem.set("sequence " + s + " where " + (expectedNext.get() - 1) + " was due");
            }
            read.set(Math.toIntExact(s));
            String bad = check(r, runOf(runs, s));
            if (bad != null) {
                problem.compareAndSet(null, bad);
            }
        });
        assertEquals(null, problem.get());

        long acknowledged = 0;
        long lost = 0;
        for (Run run : runs) {
            long first = run.start.get();
            long last = run.lastFlushed.get();
            acknowledged += last - first + 1;
            int present = read.get(Math.toIntExact(first), Math.toIntExact(last + 1)).cardinality();
            lost += (last - first + 1) - present;
        }
        String report = "{\"kills\":" + KILLS + ",\"records_acknowledged\":" + acknowledged
                + ",\"records_recovered\":" + reader.records() + ",\"records_lost\":" + lost
                + ",\"torn_tails_skipped\":" + reader.tornTailsSkipped() + "}";
        System.out.println("crash test: " + report);
        assertEquals(0, lost, report);
        assertTrue(acknowledged > 0, report);
        assertTrue(reader.records() >= acknowledged, report);
        assertTrue(reader.tornTailsSkipped() <= KILLS, "at most one torn tail per crash: " + report);
    }

    /** The run that wrote sequence {@code s}: the last one that started at or before it. */
    private static long runOf(List<Run> runs, long s) {
        long number = -1;
        for (Run r : runs) {
            if (r.start.get() <= s) {
                number = r.number;
            }
        }
        return number;
    }

    /** Null if {@code r} holds what {@link CrashChild} writes at its sequence, else what differs. */
    private static String check(LogRecord r, long run) {
        long s = r.sequence();
        if (CrashChild.isOutcome(s)) {
            if (!(r instanceof LogRecord.Outcome o)) {
                return "record " + s + " should be an outcome: " + r;
            }
            if (o.decisionId() != s - 1 || Float.floatToRawIntBits(o.reward()) != Float.floatToRawIntBits(CrashChild.reward(s))) {
                return "outcome " + s + " holds " + o;
            }
            return null;
        }
        LogRecord.Decision d = assertInstanceOf(LogRecord.Decision.class, r, "record " + s);
        float[] expected = new float[CrashChild.FEATURES];
        CrashChild.features(s, expected);
        boolean same = d.loop().equals(CrashChild.LOOP) && d.modelVersion() == run
                && d.action() == CrashChild.action(s) && d.propensity() == CrashChild.propensity(s)
                && java.util.Arrays.equals(expected, d.features());
        return same ? null : "decision " + s + " (run " + run + ") holds " + d.loop() + " v" + d.modelVersion()
                + " action " + d.action() + " p " + d.propensity() + " " + java.util.Arrays.toString(d.features());
    }
}
