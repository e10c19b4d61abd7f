package io.reflex.benchmarks;

import io.reflex.engine.matching.LomarMatcher;
import io.reflex.engine.matching.OfflineNodes;
import io.reflex.engine.matching.OnnxCandidateScorer;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Backend;
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
 * One LOMAR decision with 100 offline nodes: validate the weights, the greedy expert on its shadow
 * matching, the feature rows, the per-candidate MLP (16-16-16-1, the trainer's default shape) on the
 * Vector API fast path for every scored candidate, the switch's reserve over all nodes, and the
 * bookkeeping. Capacities are large enough that every node stays eligible, so each item with
 * {@code density} 1.0 has 100 candidates: the worst case; {@code limit} 32 or 16 scores only that
 * many of the heaviest (plus skip). With {@code density} 0.1 an item has about 10 edges. An episode of 64 items is replayed and the matcher reset after each, inside
 * the measured call (one reset per 64 decisions). Sample mode gives the p50 and p99; run with
 * {@code -prof gc} and read {@code gc.alloc.rate.norm} from the average-mode rows.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar MatchingDecisionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchingDecisionBenchmark {

    private static final int NODES = 100;
    private static final int EPISODE = 64;

    /** Edge probability per (item, node): 1.0 gives every node as a candidate. */
    @Param({"1.0", "0.1"})
    public double density;

    /** Most candidates scored per decision. */
    @Param({"100", "32", "16"})
    public int limit;

    private Path file;
    private OnnxCandidateScorer scorer;
    private LomarMatcher matcher;
    private final double[][] arrivals = new double[EPISODE][NODES];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("reflex-matching-jmh", ".onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(42, Activation.RELU, 16, 16, 16, 1)).write(file);
        scorer = OnnxCandidateScorer.load(file, Backend.VECTOR);
        OfflineNodes nodes = OfflineNodes.builder(NODES).uniformCapacity(EPISODE).uniformWeightBound(1).build();
        matcher = LomarMatcher.builder(nodes).scorer(scorer).rho(0.5).horizon(EPISODE).candidateLimit(limit).build();
        SplittableRandom random = new SplittableRandom(7);
        for (double[] row : arrivals) {
            for (int u = 0; u < NODES; u++) {
                row[u] = random.nextDouble() < density ? 0.05 + 0.95 * random.nextDouble() : 0;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        scorer.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public int decide() {
        int choice = matcher.decide(arrivals[next]);
        if (++next == EPISODE) {
            next = 0;
            matcher.reset();
        }
        return choice;
    }
}
