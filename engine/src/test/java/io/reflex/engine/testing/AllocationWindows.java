package io.reflex.engine.testing;

import java.lang.management.ManagementFactory;

/**
 * Counts what the calling thread allocates over a window of calls, and warms a path up by the JIT's
 * progress rather than by a count: until C2 has compiled it, a path's Vector API code allocates a
 * box per vector (kilobytes a call), and a loaded machine's compiler queue can outlast any fixed
 * number of warm-up calls. {@link #untilQuiet} repeats the window until one run allocates less than
 * a bound, at most a given number of runs, and returns the last run's bytes: a path that allocates on
 * every call never gets below the bound, so the test that follows still fails on it.
 *
 * <p>Stateless. Shared with the other modules' tests through the engine's test jar.
 */
public final class AllocationWindows {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationWindows() {
    }

    /** A window of calls whose allocation is counted. */
    @FunctionalInterface
    public interface Window {
        void run() throws Exception;
    }

    /** The bytes the calling thread allocates in one run of {@code window}. */
    public static long bytesOf(Window window) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        window.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * Runs {@code window} until one run allocates less than {@code quietBelow} bytes, at most
     * {@code mostRuns} runs, and returns the bytes of the last run.
     */
    public static long untilQuiet(Window window, long quietBelow, int mostRuns) throws Exception {
        if (quietBelow < 1 || mostRuns < 1) {
            throw new IllegalArgumentException("quietBelow and mostRuns must be positive: " + quietBelow + ", " + mostRuns);
        }
        long bytes;
        int runs = 0;
        do {
            bytes = bytesOf(window);
        } while (bytes >= quietBelow && ++runs < mostRuns);
        return bytes;
    }
}
