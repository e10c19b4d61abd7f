package io.reflex.benchmarks;

import io.reflex.engine.adapt.DecisionShadow;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
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
 * What a challenger in the shadow ({@link DecisionShadow}) costs a bandit-shaped decision loop (5
 * features, 5 actions, a 5-32-5 MLP on the fast path, ε-greedy 0.3): {@code serve} is a decision
 * and its exploration; {@code serveWithShadow} adds the shadow's recording, all the serving thread
 * pays; {@code serveShadowAndReward} adds the reward path, where the challenger's inference runs.
 * The challenge never concludes here (its minimum of decisions is out of reach), so every call
 * does the same work.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar ShadowBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ShadowBenchmark {

    private Path incumbent;
    private Path challenger;
    private DecisionRuntime runtime;
    private DecisionSession session;
    private DecisionShadow shadow;
    private final EpsilonGreedy explore = new EpsilonGreedy(0.3, 1);
    private final float[][] inputs = new float[16][5];
    private final float[] scores = new float[5];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        incumbent = Files.createTempFile("reflex-jmh-shadow-incumbent", ".onnx");
        challenger = Files.createTempFile("reflex-jmh-shadow-challenger", ".onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(1, Activation.RELU, 5, 32, 5)).fixedBatch(1).write(incumbent);
        OnnxModelWriter.of(MlpGraph.randomChain(2, Activation.RELU, 5, 32, 5)).fixedBatch(1).write(challenger);
        SplittableRandom random = new SplittableRandom(7);
        for (float[] row : inputs) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(inputs));
        store.offer(incumbent);
        runtime = DecisionRuntime.builder().loop("bench").store(store).shape(5, 5).deadline(Duration.ofMillis(1))
                .fallback((in, out) -> java.util.Arrays.fill(out, 0f)).build();
        session = runtime.newSession();
        shadow = DecisionShadow.builder().runtime(runtime).challenger(challenger).rule(new EpsilonGreedy(0.3, 0))
                .minDecisions(Integer.MAX_VALUE).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        shadow.close();
        session.close();
        runtime.close();
        Files.deleteIfExists(incumbent);
        Files.deleteIfExists(challenger);
    }

    private int decide(float[] x) {
        session.decide(x, scores);
        return explore.choose(scores, 0, 5);
    }

    @Benchmark
    public int serve() {
        return decide(inputs[next++ & 15]);
    }

    @Benchmark
    public long serveWithShadow() {
        float[] x = inputs[next++ & 15];
        int a = decide(x);
        return shadow.decided(x, a, explore.probability());
    }

    @Benchmark
    public boolean serveShadowAndReward() {
        float[] x = inputs[next++ & 15];
        int a = decide(x);
        long ticket = shadow.decided(x, a, explore.probability());
        return shadow.rewarded(ticket, a & 1);
    }
}
