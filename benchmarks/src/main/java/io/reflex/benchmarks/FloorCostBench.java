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
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.reflex.benchmarks.FloorCostBench 15
 * </pre>
 *
 * <p>Run several JVMs: the floor-off times alone move by tens of percent between them.
 */
public final class FloorCostBench {

    private static final int READS = 4_000_000;
    private static final int WRITES = 40_000;
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
        for (int f = 0; f < ARMS.length; f++) {
            caches[f] = new CaffeineAdapterBenchmark();
            caches[f].cache = "reflex";
            caches[f].policy = "history64";
            caches[f].floor = f % 2 == 1;
            if (f >= 2) {
                caches[f].executor = Runnable::run;
            }
            caches[f].setUp();
        }
        double[][] read = new double[ARMS.length][rounds];
        double[][] write = new double[ARMS.length][rounds];
        double[][] readAll = new double[ARMS.length][rounds];
        double[][] writeAll = new double[ARMS.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int f = 0; f < ARMS.length; f++) {
                CaffeineAdapterBenchmark c = caches[f];
                c.settle();
                long t = clock.getCurrentThreadCpuTime();
                long all = process.getProcessCpuTime();
                for (int i = 0; i < READS; i++) {
                    c.read();
                }
                c.settle();
                read[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) READS;
                readAll[f][r] = (process.getProcessCpuTime() - all) / (double) READS;
                t = clock.getCurrentThreadCpuTime();
                all = process.getProcessCpuTime();
                for (int i = 0; i < WRITES; i++) {
                    c.evictingWrite();
                }
                c.settle();
                write[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) WRITES;
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
            if (f == 1) {
                System.out.printf("%-22s sampled requests replayed on the caller's thread (executor behind): %d%n",
                        ARMS[f], caches[f].callerReplays());
            }
            caches[f].tearDown();
        }
    }
}
