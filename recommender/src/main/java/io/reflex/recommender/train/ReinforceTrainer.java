package io.reflex.recommender.train;

import io.reflex.engine.explore.SoftmaxSelector;
import io.reflex.recommender.env.RatingsSimulator;
import io.reflex.recommender.serve.TreeWalker;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.SessionMask;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;

import java.util.SplittableRandom;

/**
 * Trains a {@link TpgrModel} by REINFORCE on a {@link RatingsSimulator}'s training users, as TPGR
 * does: for each user (shuffled, seeded), {@code episodesPerUser} episodes of
 * {@value RatingsSimulator#EPISODE_STEPS} steps sampled from the tree policy; discounted returns
 * ({@code γ}, default 0.6) standardised across all of that user's steps and episodes (the baseline);
 * the gradient of {@code Σ A_t log π(path_t)} plus a smoothing term {@code λ Σ_levels KL(uniform ‖ π)}
 * that pulls each node's child distribution toward uniform; L2; one Adam step per user.
 *
 * <p>The networks train on the shared arithmetic ({@code io.reflex.compute}), on the calling thread;
 * deterministic for a seed. Not thread-safe; allocates its
 * episode buffers once per {@link #train} call.
 */
public final class ReinforceTrainer {

    /**
     * Default factor on the initial logits: episodes sampled at 1 were near-random walks from which
     * REINFORCE made the greedy policy worse; at 10 they stay near the greedy walk and it improves.
     * Chosen on synthetic data of seed 2 (never on the seed-1 data docs/measurements.md reports).
     */
    public static final double DEFAULT_SHARPNESS = 10.0;

    private final int epochs;
    private final int episodesPerUser;
    private final double gamma;
    private final float learningRate;
    private final float smoothing;
    private final float l2;
    private final int hidden;
    private final double encoderLambda;
    private final double sharpness;
    private final long seed;

    private ReinforceTrainer(Builder b) {
        this.sharpness = b.sharpness;
        this.epochs = b.epochs;
        this.episodesPerUser = b.episodesPerUser;
        this.gamma = b.gamma;
        this.learningRate = b.learningRate;
        this.smoothing = b.smoothing;
        this.l2 = b.l2;
        this.hidden = b.hidden;
        this.encoderLambda = b.encoderLambda;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ridge prior weight of the user-state encoder used in training (serve with the same). */
    public double encoderLambda() {
        return encoderLambda;
    }

    /** Trains a fresh model over {@code tree} on the simulator's training users. */
    public TpgrModel train(RatingsSimulator sim, ItemTree tree) {
        TpgrModel model = new TpgrModel(tree, hidden, seed, sharpness);
        int steps = RatingsSimulator.EPISODE_STEPS;
        if (tree.items() < steps) {
            throw new IllegalArgumentException("the catalog needs at least " + steps + " items, got " + tree.items());
        }
        ItemCatalog catalog = tree.catalog();
        int dims = catalog.dims();
        int depth = tree.depth();
        int c = tree.branching();
        int width = ChildRows.width(dims);
        int k = episodesPerUser;
        float[][][][] rows = new float[k][steps][depth][c * width];
        int[][][] chosen = new int[k][steps][depth];
        int[][][] counts = new int[k][steps][depth];
        boolean[][][][] avail = new boolean[k][steps][depth][c];
        float[][] rewards = new float[k][steps];
        double[] probs = new double[c];
        UserStateEncoder encoder = new UserStateEncoder(dims, encoderLambda);
        SessionMask mask = new SessionMask(tree);
        float[] state = new float[UserStateEncoder.width(dims)];
        TreeWalker walker = new TreeWalker(tree, new SoftmaxSelector(1.0, seed ^ 0x7157L));
        TreeWalker.LevelScorer scorer = model::score;
        SplittableRandom rnd = new SplittableRandom(seed);
        int trainUsers = sim.firstTestUser();
        int[] users = new int[trainUsers];
        for (int u = 0; u < trainUsers; u++) {
            users[u] = u;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = trainUsers - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = users[i];
                users[i] = users[j];
                users[j] = t;
            }
            for (int user : users) {
                for (int e = 0; e < k; e++) {
                    encoder.reset();
                    mask.reset();
                    RatingsSimulator.Episode episode = sim.episode(user);
                    for (int t = 0; t < steps; t++) {
                        encoder.write(state, 0);
                        int position = walker.walk(state, mask, scorer);
                        for (int l = 0; l < depth; l++) {
                            System.arraycopy(walker.rows(l), 0, rows[e][t][l], 0, c * width);
                            System.arraycopy(walker.available(l), 0, avail[e][t][l], 0, c);
                            chosen[e][t][l] = walker.chosen(l);
                            counts[e][t][l] = walker.childCount(l);
                        }
                        mask.take(position);
                        int item = tree.itemAt(position);
                        float reward = episode.step(item);
                        rewards[e][t] = reward;
                        encoder.update(catalog.vectors(), item * dims, reward);
                    }
                }
                // Discounted returns, standardised over this user's steps and episodes.
                double[][] returns = new double[k][steps];
                double sum = 0;
                double sumSq = 0;
                for (int e = 0; e < k; e++) {
                    double g = 0;
                    for (int t = steps - 1; t >= 0; t--) {
                        g = rewards[e][t] + gamma * g;
                        returns[e][t] = g;
                        sum += g;
                        sumSq += g * g;
                    }
                }
                int n = k * steps;
                double mean = sum / n;
                double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
                // Each level's update in one pass over all its rows of this user's episodes (the weights
                // change only at the Adam step below, and each parameter's gradient adds the rows in the
                // order one pass per step did: the same bits).
                for (int l = 0; l < depth; l++) {
                    LevelNetwork net = model.level(l);
                    int total = 0;
                    for (int e = 0; e < k; e++) {
                        for (int t = 0; t < steps; t++) {
                            total += counts[e][t][l];
                        }
                    }
                    float[] in = net.batchInput(total);
                    int at = 0;
                    for (int e = 0; e < k; e++) {
                        for (int t = 0; t < steps; t++) {
                            System.arraycopy(rows[e][t][l], 0, in, at * width, counts[e][t][l] * width);
                            at += counts[e][t][l];
                        }
                    }
                    float[] scores = net.forward(total);
                    float[] grad = net.scoreGradient();
                    at = 0;
                    for (int e = 0; e < k; e++) {
                        for (int t = 0; t < steps; t++) {
                            double advantage = sd > 1e-6 ? (returns[e][t] - mean) / sd : 0;
                            int children = counts[e][t][l];
                            boolean[] ok = avail[e][t][l];
                            double max = Double.NEGATIVE_INFINITY;
                            int live = 0;
                            for (int j = 0; j < children; j++) {
                                if (ok[j]) {
                                    max = Math.max(max, scores[at + j]);
                                    live++;
                                }
                            }
                            double norm = 0;
                            for (int j = 0; j < children; j++) {
                                probs[j] = ok[j] ? Math.exp(scores[at + j] - max) : 0;
                                norm += probs[j];
                            }
                            int a = chosen[e][t][l];
                            for (int j = 0; j < children; j++) {
                                if (!ok[j]) {
                                    grad[at + j] = 0f;
                                    continue;
                                }
                                double p = probs[j] / norm;
                                double ascent = advantage * ((j == a ? 1 : 0) - p) + smoothing * (1.0 / live - p);
                                grad[at + j] = (float) -ascent;
                            }
                            at += children;
                        }
                    }
                    net.backward();
                }
                for (int l = 0; l < depth; l++) {
                    model.level(l).adamStep(learningRate, l2, n);
                }
            }
        }
        return model;
    }

    /** Validated settings. */
    public static final class Builder {
        private int epochs = 3;
        private int episodesPerUser = 4;
        private double gamma = 0.6;
        private float learningRate = 1e-3f;
        private float smoothing = 0.01f;
        private float l2 = 1e-4f;
        private int hidden = 12;
        private double encoderLambda = 1.0;
        private double sharpness = DEFAULT_SHARPNESS;
        private long seed = 1;

        private Builder() {
        }

        /** Passes over the training users (default 3). */
        public Builder epochs(int epochs) {
            if (epochs < 0 || epochs > 1000) {
                throw new IllegalArgumentException("epochs must be in [0, 1000], got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Episodes per user per pass, across which returns are standardised (default 4). */
        public Builder episodesPerUser(int episodes) {
            if (episodes < 2 || episodes > 64) {
                throw new IllegalArgumentException("episodes per user must be in [2, 64], got " + episodes);
            }
            this.episodesPerUser = episodes;
            return this;
        }

        /** Discount γ, in [0, 1) (default 0.6). */
        public Builder gamma(double gamma) {
            if (!(gamma >= 0 && gamma < 1)) {
                throw new IllegalArgumentException("gamma must be in [0, 1), got " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        /** Adam learning rate, in (0, 1] (default 1e-3). */
        public Builder learningRate(double rate) {
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("learning rate must be in (0, 1], got " + rate);
            }
            this.learningRate = (float) rate;
            return this;
        }

        /** Weight of the pull toward uniform child probabilities, >= 0 (default 0.01). */
        public Builder smoothing(double weight) {
            if (!(weight >= 0 && weight <= 10)) {
                throw new IllegalArgumentException("smoothing must be in [0, 10], got " + weight);
            }
            this.smoothing = (float) weight;
            return this;
        }

        /** L2 weight on the dense weights, >= 0 (default 1e-4). */
        public Builder l2(double weight) {
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("l2 must be in [0, 1], got " + weight);
            }
            this.l2 = (float) weight;
            return this;
        }

        /** Hidden units per level network, in [4, 256] (default 12). */
        public Builder hidden(int units) {
            if (units < 4 || units > 256) {
                throw new IllegalArgumentException("hidden units must be in [4, 256], got " + units);
            }
            this.hidden = units;
            return this;
        }

        /** Ridge prior of the user-state encoder, > 0 (default 1). */
        public Builder encoderLambda(double lambda) {
            if (!(lambda > 0)) {
                throw new IllegalArgumentException("encoder lambda must be > 0, got " + lambda);
            }
            this.encoderLambda = lambda;
            return this;
        }

        /** Factor on the initial logits, in (0, 1000] (default {@value #DEFAULT_SHARPNESS}; see {@link LevelNetwork}). */
        public Builder sharpness(double factor) {
            if (!(factor > 0 && factor <= 1000)) {
                throw new IllegalArgumentException("sharpness must be in (0, 1000], got " + factor);
            }
            this.sharpness = factor;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public ReinforceTrainer build() {
            return new ReinforceTrainer(this);
        }
    }
}
