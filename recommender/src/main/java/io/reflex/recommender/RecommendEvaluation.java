package io.reflex.recommender;

import io.reflex.recommender.baseline.GreedyMfPolicy;
import io.reflex.recommender.baseline.LinUcbPolicy;
import io.reflex.recommender.baseline.PopularityPolicy;
import io.reflex.recommender.baseline.RandomPolicy;
import io.reflex.recommender.data.Ratings;
import io.reflex.recommender.env.PolicyEvaluation;
import io.reflex.recommender.env.RatingsSimulator;
import io.reflex.recommender.serve.TpgrSessionPolicy;
import io.reflex.recommender.serve.TreeRecommender;
import io.reflex.recommender.train.ReinforceTrainer;
import io.reflex.recommender.train.TpgrModel;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.MatrixFactorization;
import io.reflex.recommender.tree.SplitMethod;
import io.reflex.recommender.tree.TreeBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole experiment behind {@code ./reflex recommend evaluate}: split users 80/20, factorise the
 * training users' ratings into item vectors, build the tree, train TPGR by REINFORCE, export its level
 * models to ONNX, serve them through {@link TreeRecommender}, and evaluate TPGR beside the random,
 * popularity, greedy-mf and linucb baselines on the test users.
 *
 * <p>Settings are validated by the builder; {@link #run} is single-threaded and deterministic for a
 * seed in everything but the timings ({@link Report#trainSeconds()}, the p99 latencies): TPGR is
 * served without a deadline, so no level falls back for being late.
 */
public final class RecommendEvaluation {

    /** What {@link #run} measured. */
    public record Report(int users, int items, int ratings, List<PolicyEvaluation.Result> results,
                         double trainSeconds, int depth, int branching, long treeBytesBeyondVectors, long tpgrFallbacks) {
    }

    /**
     * Default popularity weight of the tree's splits: chosen on synthetic data of seed 2 (its training
     * and test users), never on the seed-1 data docs/measurements.md reports.
     */
    public static final double DEFAULT_TREE_POPULARITY_WEIGHT = 4.0;

    private final int dims;
    private final int depth;
    private final int branching;
    private final SplitMethod split;
    private final double treePopularityWeight;
    private final int epochs;
    private final double alpha;
    private final long seed;
    private final Path modelDir;

    private RecommendEvaluation(Builder b) {
        this.dims = b.dims;
        this.depth = b.depth;
        this.branching = b.branching;
        this.split = b.split;
        this.treePopularityWeight = b.treePopularityWeight;
        this.epochs = b.epochs;
        this.alpha = b.alpha;
        this.seed = b.seed;
        this.modelDir = b.modelDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the experiment on {@code ratings}. */
    public Report run(Ratings ratings) {
        RatingsSimulator sim = new RatingsSimulator(ratings, alpha);
        boolean[] train = sim.trainUsers();
        ItemCatalog catalog = new MatrixFactorization(dims, 10, 5.0, seed).fit(ratings, train);
        ItemTree tree = TreeBuilder.builder().depth(depth).branching(branching).method(split)
                .popularityWeight(treePopularityWeight).seed(seed).build().build(catalog);
        int[] raters = new int[ratings.items()];
        for (int u = 0; u < sim.firstTestUser(); u++) {
            for (int x = ratings.rowStart(u); x < ratings.rowEnd(u); x++) {
                raters[ratings.itemAt(x)]++;
            }
        }
        ReinforceTrainer trainer = ReinforceTrainer.builder().epochs(epochs).seed(seed).build();
        long start = System.nanoTime();
        TpgrModel model = trainer.train(sim, tree);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Path dir = modelDir;
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("reflex-tpgr");
                dir.toFile().deleteOnExit();
            }
            List<Path> files = model.export(dir);
            if (modelDir == null) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            List<PolicyEvaluation.Result> results = new ArrayList<>();
            results.add(PolicyEvaluation.run(sim, new RandomPolicy(ratings.items()), seed));
            results.add(PolicyEvaluation.run(sim, new PopularityPolicy(raters), seed));
            results.add(PolicyEvaluation.run(sim, new GreedyMfPolicy(catalog), seed));
            results.add(PolicyEvaluation.run(sim, new LinUcbPolicy(catalog, 0.3), seed));
            long fallbacks;
            // No deadline: under any deadline a GC pause or a loaded machine turns a level into the
            // popularity fallback and moves the figures; errors still fall back, counted and reported.
            try (TreeRecommender recommender = TreeRecommender.builder().tree(tree).models(files)
                    .encoderLambda(trainer.encoderLambda()).noDeadline().seed(seed).build();
                 TpgrSessionPolicy tpgr = new TpgrSessionPolicy(recommender)) {
                if (!recommender.allLevelsServing()) {
                    throw new IllegalStateException("a TPGR level model was rejected: " + recommender.loads());
                }
                results.add(PolicyEvaluation.run(sim, tpgr, seed));
                fallbacks = tpgr.fallbackLevels();
            }
            return new Report(ratings.users(), ratings.items(), ratings.size(), results, trainSeconds,
                    tree.depth(), tree.branching(), tree.bytesBeyondItemVectors(), fallbacks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validated settings. */
    public static final class Builder {
        private int dims = 8;
        private int depth = 2;
        private int branching;
        private SplitMethod split = SplitMethod.PCA;
        private double treePopularityWeight = DEFAULT_TREE_POPULARITY_WEIGHT;
        private int epochs = 3;
        private double alpha;
        private long seed = 1;
        private Path modelDir;

        private Builder() {
        }

        /** Item vector dimension, in [1, 64] (default 8, as in the paper). */
        public Builder dims(int dims) {
            if (dims < 1 || dims > 64) {
                throw new IllegalArgumentException("dims must be in [1, 64], got " + dims);
            }
            this.dims = dims;
            return this;
        }

        /** Tree depth (default 2). */
        public Builder depth(int depth) {
            TreeBuilder.builder().depth(depth);
            this.depth = depth;
            return this;
        }

        /** Tree branching (0, default: automatic). */
        public Builder branching(int branching) {
            TreeBuilder.builder().branching(branching);
            this.branching = branching;
            return this;
        }

        public Builder split(SplitMethod split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Weight of popularity beside the item vectors when the tree splits (see
         * {@link TreeBuilder.Builder#popularityWeight}); default {@value #DEFAULT_TREE_POPULARITY_WEIGHT}.
         */
        public Builder treePopularityWeight(double weight) {
            TreeBuilder.builder().popularityWeight(weight);
            this.treePopularityWeight = weight;
            return this;
        }

        /** REINFORCE passes over the training users (default 3). */
        public Builder epochs(int epochs) {
            ReinforceTrainer.builder().epochs(epochs);
            this.epochs = epochs;
            return this;
        }

        /** Sequential bonus α (default 0). */
        public Builder alpha(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the level models are written (default: a temporary directory). */
        public Builder modelDir(Path dir) {
            this.modelDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        public RecommendEvaluation build() {
            return new RecommendEvaluation(this);
        }
    }
}
