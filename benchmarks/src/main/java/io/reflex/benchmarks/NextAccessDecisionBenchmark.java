package io.reflex.benchmarks;

import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.harness.bench.NextAccessHost;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A whole {@code history-1} eviction decision, as {@code ./reflex bench eviction --layout
 * next-access} times it ({@link NextAccessHost#decide}): K candidates drawn uniformly from 10,000
 * residents inside the timed call (or K fixed ones), their history rows and the incoming object's
 * filled, encoded, an untrained policy of the given hidden widths run over K + 1 rows under the
 * runtime's guard (deadline and breaker, as a host serves it), victim and admission. Sample mode gives
 * p50/p99; {@code -prof gc} the allocation, which must be 0.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar NextAccessDecisionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NextAccessDecisionBenchmark {

    /** Candidates per decision. */
    @Param({"64"})
    public int k;

    /** {@code sampled} (drawn inside the timed call) or {@code lru} (K fixed residents). */
    @Param({"sampled", "lru"})
    public String candidates;

    /**
     * Hidden widths of the policy, {@code x}-separated (JMH splits parameter values at commas);
     * 32x32 is {@code train eviction}'s default.
     */
    @Param({"32x32", "16x16"})
    public String hidden;

    private Path file;
    private NextAccessLoop loop;
    private NextAccessLoop.Decider decider;
    private NextAccessHost host;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int[] h = Arrays.stream(hidden.split("x")).mapToInt(Integer::parseInt).toArray();
        int[] widths = new int[h.length + 2];
        widths[0] = HistoryFeatures.WIDTH;
        System.arraycopy(h, 0, widths, 1, h.length);
        widths[widths.length - 1] = 1;
        file = Files.createTempFile("reflex-jmh-next-access", ".onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(42, Activation.RELU, widths)).fixedBatch(1).write(file);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        if (!store.offer(file).accepted()) {
            throw new IllegalStateException("the benchmark model was refused");
        }
        loop = NextAccessLoop.builder().k(k).admission(true).store(store).build();
        decider = loop.newDecider();
        host = new NextAccessHost(k, candidates.equals("sampled"), 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        decider.close();
        loop.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long decide() {
        return host.decide(decider);
    }
}
