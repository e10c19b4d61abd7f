package io.reflex.benchmarks;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One policy decision (batch 1) on the Vector API fast path and on ONNX Runtime at its best call
 * pattern (reused direct input, pinned output), for the three reference MLPs. Sample mode reports
 * p50 and p99; average mode, with {@code -prof gc}, the bytes allocated per decision (sample mode's
 * own bookkeeping allocates a little, so read {@code gc.alloc.rate.norm} from the average rows).
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar InferenceBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The fork inherits the launching JVM's flags (@cli/target/jvm.options).
@Fork(1)
public class InferenceBenchmark {

    @Param({"32-64-64-8", "96-128-128-17", "128-256-256-16"})
    public String layers;

    @Param({"vector", "onnxruntime"})
    public String backend;

    private Path file;
    private Policy policy;
    private Policy.Evaluator evaluator;
    private final float[][] inputs = new float[16][];
    private float[] output;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int[] widths = java.util.Arrays.stream(layers.split("-")).mapToInt(Integer::parseInt).toArray();
        // The eviction shape is the dueling one: its last layer is 1 value + 16 advantages.
        MlpGraph graph = layers.equals("96-128-128-17")
                ? MlpGraph.randomDueling(42, widths)
                : MlpGraph.randomChain(42, Activation.RELU, widths);
        file = Files.createTempFile("reflex-jmh", ".onnx");
        OnnxModelWriter.of(graph).fixedBatch(1).write(file);
        policy = PolicyLoader.builder().backend(Backend.fromLabel(backend)).build().load(file);
        evaluator = policy.newEvaluator();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new float[policy.inputSize()];
            for (int j = 0; j < inputs[i].length; j++) {
                inputs[i][j] = (float) random.nextGaussian();
            }
        }
        output = new float[policy.outputSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        policy.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public float[] decide() {
        evaluator.evaluate(inputs[next++ & 15], output);
        return output;
    }
}
