package io.reflex.benchmarks;

import io.reflex.engine.eviction.EvictionCandidates;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A whole eviction decision for K = 16 (vectorised feature encoding, a dueling policy on the fast
 * path under the runtime's deadline and breaker, the victim mask), for the candidate-rows layout the
 * trainer exports and for joint models. Sample mode gives p50/p99,
 * throughput mode decisions per second on one core; {@code -prof gc} the allocation.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar EvictionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EvictionBenchmark {

    /** The policy: its layout, then its hidden widths (candidate rows is what the trainer exports). */
    @Param({"candidate-rows:16,16", "joint:64,64", "joint:128,128"})
    public String model;

    private Path file;
    private EvictionLoop loop;
    private EvictionLoop.Decider decider;
    private final double[][] pool = new double[64][16 * 6];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        boolean joint = model.startsWith("joint:");
        String[] h = model.substring(model.indexOf(':') + 1).split(",");
        int h1 = Integer.parseInt(h[0]);
        int h2 = Integer.parseInt(h[1]);
        file = Files.createTempFile("reflex-jmh-eviction", ".onnx");
        MlpGraph graph = joint ? MlpGraph.randomDueling(42, 96, h1, h2, 17)
                : MlpGraph.randomChain(42, Activation.RELU, EvictionFeatures.ROW_WIDTH, h1, h2, 2);
        OnnxModelWriter.of(graph).fixedBatch(1).write(file);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        store.offer(file);
        loop = EvictionLoop.builder().k(16)
                .layout(joint ? EvictionLoop.Layout.JOINT : EvictionLoop.Layout.CANDIDATE_ROWS).store(store).build();
        decider = loop.newDecider();
        SplittableRandom r = new SplittableRandom(7);
        for (double[] row : pool) {
            for (int i = 0; i < 16; i++) {
                row[i * 6] = r.nextDouble() * 7200;
                row[i * 6 + 1] = 1024 + r.nextDouble() * 800_000;
                row[i * 6 + 2] = r.nextInt(50);
                row[i * 6 + 3] = r.nextDouble() * 3600;
                row[i * 6 + 4] = r.nextDouble() * 86_400;
                row[i * 6 + 5] = 50 + r.nextDouble() * 20;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        decider.close();
        loop.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long decide() {
        double[] row = pool[next++ & 63];
        EvictionCandidates c = decider.candidates();
        c.clear();
        for (int j = 0; j < 16; j++) {
            int p = j * 6;
            c.next().ageSeconds(row[p]).sizeBytes(row[p + 1]).hits(row[p + 2]).interArrivalSeconds(row[p + 3])
                    .ttlSeconds(row[p + 4]).rttMillis(row[p + 5]);
        }
        return decider.decide();
    }
}
