package io.reflex.benchmarks;

import io.reflex.recommender.serve.RecommendationSession;
import io.reflex.recommender.serve.TreeRecommender;
import io.reflex.recommender.train.TpgrModel;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.TreeBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One TPGR decision (state encoding, a root-to-leaf walk through the level models on the engine's
 * fast path inside the runtime, masking) over a synthetic catalog of {@code items} items with 8-dim
 * clustered vectors, depth 3 (branching 100 at a million) or 4 (branching 32), with feedback after
 * each decision. Sessions last 32 decisions: {@link #decide} restarts the same session object (the
 * per-decision path alone: it must allocate nothing), {@link #decideOpeningSessions} opens a new one
 * (its buffers amortised over the 32 operations). Prints the tree's bytes per item beyond the item
 * vectors at setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TreeRecommenderBenchmark {

    @Param("1000000")
    public int items;

    /** Depth 3 gives branching 100 at a million items (300 child rows a walk), depth 4 branching 32 (128). */
    @Param({"3", "4"})
    public int depth;

    private TreeRecommender recommender;
    private TreeRecommender.Decider decider;
    private RecommendationSession session;
    private int step;
    private SplittableRandom rnd;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int dims = 8;
        SplittableRandom r = new SplittableRandom(1);
        long[] ids = new long[items];
        float[] vectors = new float[items * dims];
        float[] pop = new float[items];
        float[][] centres = new float[64][dims];
        for (float[] c : centres) {
            for (int d = 0; d < dims; d++) {
                c[d] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        for (int i = 0; i < items; i++) {
            ids[i] = i;
            float[] c = centres[r.nextInt(centres.length)];
            for (int d = 0; d < dims; d++) {
                vectors[i * dims + d] = c[d] + (float) (0.3 * (r.nextDouble() - 0.5));
            }
            pop[i] = (float) r.nextDouble();
        }
        ItemCatalog catalog = new ItemCatalog(ids, dims, vectors, new float[items], 3f, pop);
        ItemTree tree = TreeBuilder.builder().depth(depth).build().build(catalog);
        System.err.printf("tree: %d items, depth %d, branching %d, %.1f bytes/item beyond the item vectors%n",
                items, tree.depth(), tree.branching(), tree.bytesBeyondItemVectors() / (double) items);
        Path dir = Files.createTempDirectory("tpgr-bench");
        List<Path> files = new TpgrModel(tree, 12, 1).export(dir);
        recommender = TreeRecommender.builder().tree(tree).models(files).temperature(1.0)
                .deadline(Duration.ofMillis(1)).build();
        if (!recommender.allLevelsServing()) {
            throw new IllegalStateException(recommender.loads().toString());
        }
        decider = recommender.newDecider();
        session = recommender.openSession();
        rnd = new SplittableRandom(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.err.println("fallback level decisions: " + decider.fallbackLevels());
        decider.close();
        recommender.close();
    }

    @Benchmark
    public int decide() {
        if (step == 32) {
            session.restart();
            step = 0;
        }
        return decideAndFeedback();
    }

    @Benchmark
    public int decideOpeningSessions() {
        if (step == 32) {
            session.close();
            session = recommender.openSession();
            step = 0;
        }
        return decideAndFeedback();
    }

    private int decideAndFeedback() {
        int item = decider.recommend(session);
        session.feedback(item, (float) (rnd.nextDouble() * 2 - 1));
        step++;
        return item;
    }
}
