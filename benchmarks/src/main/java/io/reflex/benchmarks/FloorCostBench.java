package io.reflex.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * What the Caffeine adapter's floor costs per read and per evicting write, where JMH cannot resolve
 * a few percent on a loaded machine: {@link CaffeineAdapterBenchmark}'s own adapter state
 * ({@code history64}) with the floor off and on, side by side in one JVM, timed by the thread's CPU
 * clock (what other processes take from the machine is not counted), alternating each round;
 * prints the median and the minimum of the rounds after the first third (warm-up).
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

    private FloorCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        if (rounds < 3) {
            throw new IllegalArgumentException("rounds must be >= 3, got " + rounds);
        }
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        CaffeineAdapterBenchmark[] caches = new CaffeineAdapterBenchmark[2];
        for (int f = 0; f < 2; f++) {
            caches[f] = new CaffeineAdapterBenchmark();
            caches[f].cache = "reflex";
            caches[f].policy = "history64";
            caches[f].floor = f == 1;
            caches[f].setUp();
        }
        double[][] read = new double[2][rounds];
        double[][] write = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int f = 0; f < 2; f++) {
                CaffeineAdapterBenchmark c = caches[f];
                long t = clock.getCurrentThreadCpuTime();
                for (int i = 0; i < READS; i++) {
                    c.read();
                }
                read[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) READS;
                t = clock.getCurrentThreadCpuTime();
                for (int i = 0; i < WRITES; i++) {
                    c.evictingWrite();
                }
                write[f][r] = (clock.getCurrentThreadCpuTime() - t) / (double) WRITES;
            }
        }
        for (int f = 0; f < 2; f++) {
            double[] rd = Arrays.copyOfRange(read[f], rounds / 3, rounds);
            double[] wr = Arrays.copyOfRange(write[f], rounds / 3, rounds);
            Arrays.sort(rd);
            Arrays.sort(wr);
            System.out.printf("floor=%b read median %.1f ns (min %.1f)  evicting write median %.0f ns (min %.0f)%n",
                    f == 1, rd[rd.length / 2], rd[0], wr[wr.length / 2], wr[0]);
            caches[f].tearDown();
        }
    }
}
