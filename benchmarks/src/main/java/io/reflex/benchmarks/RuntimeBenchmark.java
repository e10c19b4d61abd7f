package io.reflex.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
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
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the runtime's guarantees on one eviction-shaped decision (dueling 96-128-128-17 on the
 * fast path): the bare evaluator; an in-line decision without meters; with Micrometer meters
 * (latency sampled 1 in 16); and the asynchronous mode (hand-off to a worker thread and back).
 * {@code inline-metrics} minus {@code inline} is the metrics overhead; run with {@code -prof gc}
 * for allocation.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar RuntimeBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuntimeBenchmark {

    @Param({"bare", "inline", "inline-metrics", "async-metrics"})
    public String variant;

    private Path file;
    private Policy bare;
    private Policy.Evaluator evaluator;
    private DecisionRuntime runtime;
    private DecisionSession session;
    private final float[][] inputs = new float[16][96];
    private final float[] output = new float[16];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("reflex-jmh-runtime", ".onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(42, 96, 128, 128, 17)).fixedBatch(1).write(file);
        SplittableRandom random = new SplittableRandom(7);
        for (float[] row : inputs) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextDouble();
            }
        }
        if (variant.equals("bare")) {
            bare = PolicyLoader.defaults().load(file);
            evaluator = bare.newEvaluator();
            return;
        }
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(inputs));
        store.offer(file);
        DecisionRuntime.Builder b = DecisionRuntime.builder().loop("bench").store(store).shape(96, 16)
                .deadline(Duration.ofMillis(1))
                .mode(variant.startsWith("async") ? DecisionRuntime.Mode.ASYNC : DecisionRuntime.Mode.INLINE)
                .fallback((in, out) -> java.util.Arrays.fill(out, 0f));
        if (variant.endsWith("metrics")) {
            b.meterRegistry(new SimpleMeterRegistry());
        }
        runtime = b.build();
        session = runtime.newSession();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (bare != null) {
            bare.close();
        } else {
            session.close();
            runtime.close();
        }
        Files.deleteIfExists(file);
    }

    @Benchmark
    public float[] decide() {
        float[] x = inputs[next++ & 15];
        if (session == null) {
            evaluator.evaluate(x, output);
        } else {
            session.decide(x, output);
        }
        return output;
    }
}
