package io.reflex.recommender.serve;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.explore.SoftmaxSelector;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionDeadline;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.train.TpgrModel;
import io.reflex.recommender.tree.ItemTree;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embeddable TPGR recommender: one {@link DecisionRuntime} per tree level (loop
 * {@code recommend-level-L}), each serving that level's ONNX model from a {@link PolicyStore} (so the
 * engine's fast path, validation, hot swap, deadline, breaker and meters all apply; offline
 * evaluation builds it with {@link Builder#noDeadline()}) with
 * <em>popularity</em> as the fallback — a level that falls back scores children by their popularity
 * column, so a walk made of fallbacks recommends the most popular available item. Decisions are
 * logged (state features, item, propensity) to an optional {@link DecisionLogWriter}, outcomes under
 * the same id when feedback arrives.
 *
 * <pre>{@code
 * try (TreeRecommender rec = TreeRecommender.builder().tree(tree).models(files).build();
 *      TreeRecommender.Decider decider = rec.newDecider()) {      // one per deciding thread
 *     RecommendationSession s = rec.openSession();                // one per user session
 *     int item = decider.recommend(s);                            // a catalog index, never repeated
 *     s.feedback(item, reward);
 *     s.close();
 * }
 * }</pre>
 *
 * <p>Thread-safe; deciding state lives in {@link Decider}s (one per thread) and {@link RecommendationSession}s.
 */
public final class TreeRecommender implements AutoCloseable {

    private final ItemTree tree;
    private final List<PolicyStore> stores = new ArrayList<>();
    private final List<DecisionRuntime> runtimes = new ArrayList<>();
    private final List<SwapResult> loads = new ArrayList<>();
    private final double temperature;
    private final double encoderLambda;
    private final DecisionLogWriter.LoopLog log;
    private final AtomicLong deciderSeeds;

    private TreeRecommender(Builder b) {
        this.tree = b.tree;
        this.temperature = b.temperature;
        this.encoderLambda = b.encoderLambda;
        this.log = b.decisionLog == null ? null : b.decisionLog.forLoop("recommend");
        this.deciderSeeds = new AtomicLong(b.seed);
        int c = tree.branching();
        int dims = tree.catalog().dims();
        int width = ChildRows.width(dims);
        int pop = ChildRows.popularityColumn(dims);
        int stateWidth = UserStateEncoder.width(dims);
        PolicyLoader loader = PolicyLoader.builder().input(TpgrModel.INPUT, 1, width).output(TpgrModel.OUTPUT, 1, 1).build();
        List<float[]> canary = canaryInputs(width, b.seed);
        try {
            for (int l = 0; l < tree.depth(); l++) {
                PolicyStore store = PolicyStore.create(loader, canary, b.warmup);
                stores.add(store);
                loads.add(store.offer(b.models.get(l)));
                DecisionRuntime.Builder rb = DecisionRuntime.builder().loop("recommend-level-" + l).store(store)
                        .shape(c * width, c).rows(c, 0, stateWidth)
                        .fallback((input, output) -> {
                            for (int j = 0; j < c; j++) {
                                output[j] = input[j * width + pop];
                            }
                        });
                if (b.deadline == null) {
                    rb.noDeadline();
                } else {
                    rb.deadline(b.deadline.dividedBy(tree.depth()));
                }
                if (b.registry != null) {
                    rb.meterRegistry(b.registry);
                }
                runtimes.add(rb.build());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static List<float[]> canaryInputs(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> inputs = new ArrayList<>();
        inputs.add(new float[size]);
        for (int k = 0; k < 3; k++) {
            float[] in = new float[size];
            for (int i = 0; i < size; i++) {
                in[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            inputs.add(in);
        }
        return inputs;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ItemTree tree() {
        return tree;
    }

    /** The result of loading each level's model: a rejected one leaves that level on the fallback. */
    public List<SwapResult> loads() {
        return List.copyOf(loads);
    }

    /** Whether every level's model was accepted. */
    public boolean allLevelsServing() {
        return loads.stream().allMatch(SwapResult::accepted);
    }

    /** The runtime of level {@code level} (metrics, breaker, store for hot swaps). */
    public DecisionRuntime runtime(int level) {
        return runtimes.get(level);
    }

    /** Total fallbacks across levels. */
    public long fallbacks() {
        return runtimes.stream().mapToLong(r -> r.metrics().totalFallbacks()).sum();
    }

    /** Opens a user session (empty history, nothing recommended yet). */
    public RecommendationSession openSession() {
        return new RecommendationSession(tree, encoderLambda, log);
    }

    /** A decider for the calling thread. */
    public Decider newDecider() {
        return new Decider(deciderSeeds.getAndIncrement());
    }

    @Override
    public void close() {
        for (DecisionRuntime r : runtimes) {
            r.close();
        }
        for (PolicyStore s : stores) {
            s.close();
        }
    }

    /**
     * One thread's decisions: a decision session per level, a tree walker and its buffers. Not
     * thread-safe. After the first decision on each model version, {@link #recommend} allocates nothing.
     */
    public final class Decider implements AutoCloseable {
        private final DecisionSession[] sessions;
        private final TreeWalker walker;
        private final float[] state;
        private final TreeWalker.LevelScorer scorer;
        private long fallbackLevels;

        private Decider(long seed) {
            this.sessions = new DecisionSession[tree.depth()];
            for (int l = 0; l < sessions.length; l++) {
                sessions[l] = runtimes.get(l).newSession();
            }
            this.walker = new TreeWalker(tree, temperature > 0 ? new SoftmaxSelector(temperature, seed) : null);
            this.state = new float[UserStateEncoder.width(tree.catalog().dims())];
            this.scorer = (level, rows, scores) -> {
                FallbackCause cause = sessions[level].decide(rows, scores);
                if (cause != null) {
                    fallbackLevels++;
                }
            };
        }

        /**
         * Recommends the next item of {@code session} (a catalog index), marks it taken and logs the
         * decision with its propensity.
         *
         * @throws IllegalStateException when the session has seen every item, or is closed
         */
        public int recommend(RecommendationSession session) {
            session.checkOpen();
            session.encoder().write(state, 0);
            int position = walker.walk(state, session.mask(), scorer);
            session.mask().take(position);
            int item = tree.itemAt(position);
            long id = -1;
            if (log != null) {
                id = log.decision(sessions[0].lastVersion() == null ? 0 : sessions[0].lastVersion().sequence(),
                        state, state.length, item, (float) walker.propensity());
            }
            session.recorded(item, id);
            return item;
        }

        /** Probability with which the last recommendation was drawn (1 when greedy). */
        public double lastPropensity() {
            return walker.propensity();
        }

        /** Level decisions this decider made on the fallback (popularity). */
        public long fallbackLevels() {
            return fallbackLevels;
        }

        @Override
        public void close() {
            for (DecisionSession s : sessions) {
                s.close();
            }
        }
    }

    /** Validated settings. Required: tree and one model file per level. */
    public static final class Builder {
        private ItemTree tree;
        private List<Path> models;
        /** Null after {@link #noDeadline()}. */
        private Duration deadline = Duration.ofMillis(1);
        private Duration warmup = PolicyStore.DEFAULT_WARMUP;
        private double temperature;
        private double encoderLambda = 1.0;
        private DecisionLogWriter decisionLog;
        private MeterRegistry registry;
        private long seed = 1;

        private Builder() {
        }

        public Builder tree(ItemTree tree) {
            this.tree = Objects.requireNonNull(tree, "tree");
            return this;
        }

        /** The level models, root level first (as {@link TpgrModel#export} returns them). */
        public Builder models(List<Path> files) {
            this.models = List.copyOf(files);
            return this;
        }

        /**
         * The whole decision's deadline, split evenly across levels (default 1 ms; at least 1 ns a
         * level); replaces an earlier {@link #noDeadline()}.
         */
        public Builder deadline(Duration deadline) {
            this.deadline = DecisionDeadline.require(deadline);
            return this;
        }

        /**
         * No deadline at any level ({@link DecisionRuntime.Builder#noDeadline()}): for simulators and
         * offline evaluation, whose results must not depend on the machine's speed or load; a level
         * still falls back on errors and non-finite outputs. Replaces an earlier {@link #deadline}.
         */
        public Builder noDeadline() {
            this.deadline = null;
            return this;
        }

        /** Warm-up of each model version before it serves (default the store's 500 ms). */
        public Builder warmup(Duration warmup) {
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warm-up must not be negative, got " + warmup);
            }
            this.warmup = warmup;
            return this;
        }

        /** 0 (default): greedy walks, propensity 1; otherwise softmax sampling at this temperature, in (0, 100]. */
        public Builder temperature(double temperature) {
            if (!(temperature >= 0 && temperature <= 100)) {
                throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Ridge prior of the user-state encoder; use the trainer's (default 1). */
        public Builder encoderLambda(double lambda) {
            if (!(lambda > 0)) {
                throw new IllegalArgumentException("encoder lambda must be > 0, got " + lambda);
            }
            this.encoderLambda = lambda;
            return this;
        }

        /** Where decisions and outcomes are logged (optional); its max features must cover the state. */
        public Builder decisionLog(DecisionLogWriter writer) {
            this.decisionLog = Objects.requireNonNull(writer, "writer");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Seed of the deciders' samplers (each decider takes the next). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public TreeRecommender build() {
            if (tree == null || models == null) {
                throw new IllegalStateException("a tree recommender needs a tree and its level models");
            }
            if (models.size() != tree.depth()) {
                throw new IllegalArgumentException("the tree has " + tree.depth() + " levels but " + models.size()
                        + " models were given");
            }
            if (deadline != null && deadline.dividedBy(tree.depth()).isZero()) {
                throw new IllegalArgumentException("a deadline of " + deadline + " leaves under 1 ns to each of "
                        + tree.depth() + " levels");
            }
            return new TreeRecommender(this);
        }
    }
}
