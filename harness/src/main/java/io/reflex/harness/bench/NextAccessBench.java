package io.reflex.harness.bench;

import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
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

/**
 * {@code ./reflex bench eviction --layout next-access}: whole decisions of a {@code history-1}
 * model on one thread, each one everything a host does for an eviction: draw K candidates
 * uniformly from {@value #RESIDENTS} residents (or take K fixed ones), fill their rows and the
 * incoming object's from their access histories, run the {@link NextAccessLoop} (encoding, inference
 * over K + 1 rows under the runtime's guard, victim and admission): {@link NextAccessHost#decide}.
 */
public final class NextAccessBench {

    /** Resident objects the candidates are drawn from. */
    public static final int RESIDENTS = NextAccessHost.RESIDENTS;

    private final int k;
    private final boolean sampled;
    private final int[] widths;
    private final int iterations;
    private final long seed;

    /** A benchmark of K-candidate decisions for a random {@code 11-hidden-1} policy. */
    public NextAccessBench(int k, boolean sampled, int[] hidden, int iterations, long seed) {
        if (k < 1 || k > 64 || iterations < 1000) {
            throw new IllegalArgumentException("need K in [1, 64] and at least 1000 iterations");
        }
        this.k = k;
        this.sampled = sampled;
        this.widths = new int[hidden.length + 2];
        widths[0] = HistoryFeatures.WIDTH;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = 1;
        this.iterations = iterations;
        this.seed = seed;
    }

    public EvictionBench.Result run() throws IOException {
        Path model = Files.createTempFile("reflex-next-access-bench", ".onnx");
        try {
            MlpGraph graph = MlpGraph.randomChain(seed, Activation.RELU, widths);
            OnnxModelWriter.of(graph).fixedBatch(1).write(model);
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
            if (!store.offer(model).accepted()) {
                throw new IllegalStateException("the benchmark model was refused");
            }
            try (NextAccessLoop loop = NextAccessLoop.builder().k(k).admission(true).store(store).build();
                 NextAccessLoop.Decider decider = loop.newDecider()) {
                NextAccessHost residents = new NextAccessHost(k, sampled, seed);
                long sink = 0;
                for (int i = 0; i < iterations; i++) {
                    sink += residents.decide(decider);
                }
                LatencySamples samples = new LatencySamples(iterations);
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    sink += residents.decide(decider);
                    samples.record(System.nanoTime() - t0);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    sink += residents.decide(decider);
                }
                double perSec = iterations / ((System.nanoTime() - t0) / 1e9);
                var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000; i++) {
                    sink += residents.decide(decider);
                }
                double alloc = Math.max(0, (threads.getCurrentThreadAllocatedBytes() - before) / 20_000.0);
                if (sink == 42) {
                    System.err.print("");
                }
                return new EvictionBench.Result(k, graph.layerName(), samples.percentile(0.5), samples.percentile(0.99),
                        perSec, alloc, loop.runtime().metrics().totalFallbacks());
            }
        } finally {
            Files.deleteIfExists(model);
        }
    }
}
