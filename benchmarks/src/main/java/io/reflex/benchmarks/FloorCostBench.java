package io.reflex.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * What the Caffeine adapter's floor costs per read and per evicting write, where JMH cannot resolve
 * a few percent on a loaded machine: {@link CaffeineAdapterBenchmark}'s own adapter state
 * ({@code history64}) with the floor off and on, side by side in one JVM, timed by the thread's CPU
 * clock (what other processes take from the machine is not counted), alternating each round;
 * prints the median and the minimum of the rounds after the first third (warm-up). The floor's
 * shadows run on the cache's executor (the common pool here), off the calling thread: the
 * thread's clock is the cost on the caller's path, and the process's CPU clock over the same
 * round (every thread: the executor's, and the JIT's and GC's) is printed beside it as the whole
 * work, the floor's shadows included.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-Dreads=4000000] [-Dwrites=40000] -cp benchmarks/target/benchmarks.jar io.reflex.benchmarks.FloorCostBench 15
 * </pre>
 *
 * <p>{@code -DsingleThread=true} gives the first two arms a single-thread executor of their own
 * in place of the common pool. {@code -Daa=true} builds every arm without the floor: an A/A run, whose ratios say what the
 * method itself reads where there is nothing to find.
 *
 * <p>Besides each arm's medians it prints, for floor on against off (per executor), the median
 * over rounds of the ratio of the two arms' times in the same round, with a 95% interval: the
 * figure that says whether the floor costs more than a bound, at a load that moves every round.
 *
 * <p>Run several JVMs: the floor-off times alone move by tens of percent between them.
 */
public final class FloorCostBench {

    private static final int READS = Integer.getInteger("reads", 4_000_000);
    private static final int WRITES = Integer.getInteger("writes", 40_000);
    /**
     * Floor off and on with the default executor (the common pool: Caffeine's maintenance and the
     * floor's shadows off the caller's thread); off and on with {@code executor(Runnable::run)},
     * where all of that is the caller's: the last two differ by the floor's whole work.
     */
    private static final String[] ARMS = {"floor=off", "floor=on", "floor=off,caller-thread",
            "floor=on,caller-thread"};

    private FloorCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        if (rounds < 3) {
            throw new IllegalArgumentException("rounds must be >= 3, got " + rounds);
        }
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean process =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CaffeineAdapterBenchmark[] caches = new CaffeineAdapterBenchmark[ARMS.length];
        long[] callerReplays = new long[ARMS.length];
        double[][] read = new double[ARMS.length][rounds];
        double[][] write = new double[ARMS.length][rounds];
        double[][] readAll = new double[ARMS.length][rounds];
        double[][] writeAll = new double[ARMS.length][rounds];
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) clock;
        long[] readBytes = new long[ARMS.length];
        long[] writeBytes = new long[ARMS.length];
        for (int r = 0; r < rounds; r++) {
            // Fresh caches every round, built side by side: two identical caches built once read
            // 10% to 40% apart for the whole run (where their nodes landed), which no number of
            // rounds averages out; a fresh pair each round makes that a round's noise.
            for (int f = 0; f < ARMS.length; f++) {
                if (caches[f] != null) {
                    callerReplays[f] += caches[f].callerReplays();
                    caches[f].tearDown();
                }
                caches[f] = arm(f);
            }
            System.gc();
            for (int a = 0; a < ARMS.length; a++) {
                int f = r % 2 == 0 ? a : ARMS.length - 1 - a;   // odd rounds backwards: a drift favours no arm
                CaffeineAdapterBenchmark c = caches[f];
                c.settle();
                long bytes = allocation.getCurrentThreadAllocatedBytes();
                long t = clock.getCurrentThreadCpuTime();
                long all = process.getProcessCpuTime();
                for (int i = 0; i < READS; i++) {
                    c.read();
                }
                c.settle();
                read[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) READS;
                if (r >= rounds / 3) {
                    readBytes[f] += allocation.getCurrentThreadAllocatedBytes() - bytes;
                }
                bytes = allocation.getCurrentThreadAllocatedBytes();
                readAll[f][r] = (process.getProcessCpuTime() - all) / (double) READS;
                t = clock.getCurrentThreadCpuTime();
                all = process.getProcessCpuTime();
                for (int i = 0; i < WRITES; i++) {
                    c.evictingWrite();
                }
                c.settle();
                write[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) WRITES;
                if (r >= rounds / 3) {
                    writeBytes[f] += allocation.getCurrentThreadAllocatedBytes() - bytes;
                }
                writeAll[f][r] = (process.getProcessCpuTime() - all) / (double) WRITES;
            }
        }
        for (int f = 0; f < ARMS.length; f++) {
            double[] rd = Arrays.copyOfRange(read[f], rounds / 3, rounds);
            double[] wr = Arrays.copyOfRange(write[f], rounds / 3, rounds);
            Arrays.sort(rd);
            Arrays.sort(wr);
            double[] rdAll = Arrays.copyOfRange(readAll[f], rounds / 3, rounds);
            double[] wrAll = Arrays.copyOfRange(writeAll[f], rounds / 3, rounds);
            Arrays.sort(rdAll);
            Arrays.sort(wrAll);
            System.out.printf("%-22s read median %.1f ns (min %.1f)  evicting write median %.0f ns (min %.0f)"
                            + "  | process CPU: read median %.1f ns, evicting write median %.0f ns%n",
                    ARMS[f], rd[rd.length / 2], rd[0], wr[wr.length / 2], wr[0], rdAll[rdAll.length / 2],
                    wrAll[wrAll.length / 2]);
            int measured = rounds - rounds / 3;
            System.out.printf("%-22s caller's allocation: read %.3f B/op, evicting write %.1f B/op%n", ARMS[f],
                    readBytes[f] / (double) measured / READS, writeBytes[f] / (double) measured / WRITES);
            if (f == 1) {
                System.out.printf("%-22s sampled requests replayed on the caller's thread (executor behind): %d%n",
                        ARMS[f], callerReplays[f] + caches[f].callerReplays());
            }
            caches[f].tearDown();
        }
        for (int off = 0; off < ARMS.length; off += 2) {
            System.out.printf("%-22s paired on/off per round: read %s, evicting write %s%n", ARMS[off + 1],
                    pairedRatio(read[off + 1], read[off], rounds / 3), pairedRatio(write[off + 1], write[off], rounds / 3));
        }
    }

    /** The executor of {@code -DsingleThread=true}: one thread for the run. */
    private static final java.util.concurrent.Executor SINGLE_THREAD =
            java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "floor-cost-executor");
                t.setDaemon(true);
                return t;
            });

    /** Arm {@code f}'s adapter state, set up. */
    private static CaffeineAdapterBenchmark arm(int f) throws java.io.IOException {
        CaffeineAdapterBenchmark c = new CaffeineAdapterBenchmark();
        c.cache = "reflex";
        c.policy = "history64";
        c.floor = f % 2 == 1 && !Boolean.getBoolean("aa");
        if (f >= 2) {
            c.executor = Runnable::run;
        } else if (Boolean.getBoolean("singleThread")) {
            c.executor = SINGLE_THREAD;
        }
        c.setUp();
        return c;
    }

    /**
     * The median over the rounds from {@code from} of {@code on[r] / off[r]}, the two arms timed
     * back to back in the same round, with a distribution-free 95% interval for that median (the
     * order statistics n/2 ± 0.98·√n of the sorted ratios): a round's load moves both arms alike,
     * which the ratio cancels.
     */
    static String pairedRatio(double[] on, double[] off, int from) {
        int n = on.length - from;
        double[] ratios = new double[n];
        for (int r = 0; r < n; r++) {
            ratios[r] = on[from + r] / off[from + r];
        }
        Arrays.sort(ratios);
        int half = (int) Math.ceil(0.98 * Math.sqrt(n));
        double lower = ratios[Math.max(0, n / 2 - half)];
        double upper = ratios[Math.min(n - 1, (n - 1) / 2 + half)];
        return String.format(java.util.Locale.ROOT, "%+.1f%% [%+.1f%%, %+.1f%%] over %d rounds",
                100 * (ratios[n / 2] - 1), 100 * (lower - 1), 100 * (upper - 1), n);
    }
}
