package io.reflex.harness.bench;

import io.reflex.engine.eviction.EvictionCandidates;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The short eviction benchmark behind {@code ./reflex bench eviction}: whole decisions of the
 * {@link EvictionLoop} (feature encoding, inference under the runtime's guard, victim mask) on one
 * thread, for a dueling policy of the given layout and layer widths. Candidates are prepared beforehand (that is
 * the cache's work, not the decision's) and cycled.
 */
public final class EvictionBench {

    /** What the run measured. */
    public record Result(int k, String layers, long p50, long p99, double decisionsPerSec, double allocBytes,
                         long fallbacks) {
    }

    private final int k;
    private final EvictionLoop.Layout layout;
    private final int[] widths;
    private final int iterations;
    private final long seed;

    /**
     * A benchmark of K-candidate decisions for a random policy of the given layout and hidden widths:
     * joint {@code 6K-hidden-(1+K)} dueling, or candidate rows {@code 12-hidden-2} run over K rows.
     */
    public EvictionBench(int k, EvictionLoop.Layout layout, int[] hidden, int iterations, long seed) {
        if (k < 1 || k > 64 || iterations < 1000) {
            throw new IllegalArgumentException("need K in [1, 64] and at least 1000 iterations");
        }
        this.k = k;
        this.layout = layout;
        boolean joint = layout == EvictionLoop.Layout.JOINT;
        this.widths = new int[hidden.length + 2];
        widths[0] = joint ? k * EvictionFeatures.PER_CANDIDATE : EvictionFeatures.ROW_WIDTH;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = joint ? k + 1 : 2;
        this.iterations = iterations;
        this.seed = seed;
    }

    public Result run() throws IOException {
        Path model = Files.createTempFile("reflex-eviction-bench", ".onnx");
        try {
            MlpGraph graph = layout == EvictionLoop.Layout.JOINT ? MlpGraph.randomDueling(seed, widths)
                    : MlpGraph.randomChain(seed, Activation.RELU, widths);
            OnnxModelWriter.of(graph).fixedBatch(1).write(model);
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
            if (!store.offer(model).accepted()) {
                throw new IllegalStateException("the benchmark model was refused");
            }
            try (EvictionLoop loop = EvictionLoop.builder().k(k).layout(layout).store(store).build();
                 EvictionLoop.Decider decider = loop.newDecider()) {
                double[][] pool = candidatePool(64);
                long sink = 0;
                for (int i = 0; i < iterations; i++) {
                    sink += decide(decider, pool, i);
                }
                LatencySamples samples = new LatencySamples(iterations);
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    sink += decide(decider, pool, i);
                    samples.record(System.nanoTime() - t0);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    sink += decide(decider, pool, i);
                }
                double perSec = iterations / ((System.nanoTime() - t0) / 1e9);
                var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    sink += decide(decider, pool, i);
                }
                double alloc = Math.max(0, (threads.getCurrentThreadAllocatedBytes() - before) / 20_000.0);
                if (sink == 42) {
                    System.err.print("");
                }
                long fallbacks = loop.runtime().metrics().totalFallbacks();
                return new Result(k, graph.layerName(), samples.percentile(0.5), samples.percentile(0.99), perSec,
                        alloc, fallbacks);
            }
        } finally {
            Files.deleteIfExists(model);
        }
    }

    /** Candidate sets as rows of 6K raw values (age, size, hits, inter-arrival, ttl, rtt per candidate). */
    private double[][] candidatePool(int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] pool = new double[n][k * 6];
        for (double[] row : pool) {
            for (int i = 0; i < k; i++) {
                row[i * 6] = r.nextDouble() * 7200;
                row[i * 6 + 1] = 1024 + r.nextDouble() * 800_000;
                row[i * 6 + 2] = r.nextInt(50);
                row[i * 6 + 3] = r.nextDouble() * 3600;
                row[i * 6 + 4] = r.nextDouble() * 86_400;
                row[i * 6 + 5] = 50 + r.nextDouble() * 20;
            }
        }
        return pool;
    }

    private long decide(EvictionLoop.Decider decider, double[][] pool, int i) {
        double[] row = pool[i & 63];
        EvictionCandidates c = decider.candidates();
        c.clear();
        for (int j = 0; j < k; j++) {
            int p = j * 6;
            c.next().ageSeconds(row[p]).sizeBytes(row[p + 1]).hits(row[p + 2]).interArrivalSeconds(row[p + 3])
                    .ttlSeconds(row[p + 4]).rttMillis(row[p + 5]);
        }
        return decider.decide();
    }
}
