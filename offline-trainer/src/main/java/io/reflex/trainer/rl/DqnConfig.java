package io.reflex.trainer.rl;

import io.reflex.compute.ComputeBackend;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.trainer.nn.CandidateDuelingNetwork;
import io.reflex.trainer.nn.DuelingNetwork;
import io.reflex.trainer.nn.QNetwork;

import java.util.Arrays;
import java.util.Objects;

/**
 * Settings of {@link DoubleDqnTrainer}, validated by its {@link Builder}. Immutable.
 *
 * <p>Defaults: the candidate dueling network {@code 12-16-16-2} (one row network shared by the
 * candidates: a value and an advantage per candidate), γ 0.9, Adam at 1e-3, batch 128, 3,000
 * gradient steps, soft target updates τ 0.01, Huber loss (δ 1), gradient norm clipped at 10, no CQL
 * penalty, semi-Markov discounting, hindsight targets for every candidate, seed 1.
 */
public final class DqnConfig {

    /** The Q-network's shape. */
    public enum Network {
        /**
         * {@link CandidateDuelingNetwork}: one row network shared by every candidate, widths
         * {@code 12, hidden..., 2}; exported as the engine's candidate-rows layout.
         */
        CANDIDATE_DUELING,
        /** {@link DuelingNetwork}: one network over all K candidates, widths {@code 6K, hidden..., 1 + K}. */
        DUELING
    }

    private final Network network;

    private final int[] widths;
    private final double gamma;
    private final float learningRate;
    private final int batchSize;
    private final int steps;
    private final float tau;
    private final float huberDelta;
    private final double gradientClip;
    private final float cqlAlpha;
    private final long seed;
    private final boolean semiMarkov;
    private final boolean permuteCandidates;
    private final boolean hindsight;

    private DqnConfig(Builder b) {
        this.network = b.network;
        this.hindsight = b.hindsight;
        this.permuteCandidates = b.permuteCandidates;
        this.semiMarkov = b.semiMarkov;
        this.widths = b.widths.clone();
        this.gamma = b.gamma;
        this.learningRate = b.learningRate;
        this.batchSize = b.batchSize;
        this.steps = b.steps;
        this.tau = b.tau;
        this.huberDelta = b.huberDelta;
        this.gradientClip = b.gradientClip;
        this.cqlAlpha = b.cqlAlpha;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DqnConfig defaults() {
        return builder().build();
    }

    /** Layer widths: input, hidden..., outputs ({@link Network} says which). */
    public int[] widths() {
        return widths.clone();
    }

    public Network network() {
        return network;
    }

    /**
     * Checks that the widths fit states of {@code k} candidates.
     *
     * @throws IllegalArgumentException naming both when they do not
     */
    public void requireFits(int k) {
        boolean fits = network == Network.DUELING
                ? widths[0] == k * EvictionFeatures.PER_CANDIDATE && widths[widths.length - 1] == k + 1
                : widths[0] == EvictionFeatures.ROW_WIDTH && widths[widths.length - 1] == 2;
        if (!fits) {
            throw new IllegalArgumentException(network + " widths " + Arrays.toString(widths) + " do not fit states of "
                    + k + " candidates");
        }
    }

    /** A freshly initialised network of this shape, for batches of up to {@code maxStates} states. */
    public QNetwork newNetwork(ComputeBackend backend, int k, int maxStates) {
        requireFits(k);
        return network == Network.DUELING
                ? new DuelingNetwork(backend, widths, maxStates, seed)
                : new CandidateDuelingNetwork(backend, widths, k, maxStates, seed);
    }

    public double gamma() {
        return gamma;
    }

    public float learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    public int steps() {
        return steps;
    }

    public float tau() {
        return tau;
    }

    public float huberDelta() {
        return huberDelta;
    }

    public double gradientClip() {
        return gradientClip;
    }

    /** Weight of the CQL penalty {@code logsumexp_a Q(s,a) − Q(s,a_logged)}; 0 disables it. */
    public float cqlAlpha() {
        return cqlAlpha;
    }

    public long seed() {
        return seed;
    }

    /**
     * Whether every real candidate of a sampled state gets a target, {@code r_j + γ^span_j · Q'(s', a*)}
     * with {@code r_j} its hindsight reward ({@link TransitionSet#candidateReward}), rather than the
     * logged action alone. A simulator knows what evicting each candidate would have cost, so the
     * log's K-fold labels need no importance weights; the bootstrap term comes from the logged next
     * state for all of them (the next decision's candidates barely depend on which one left).
     */
    public boolean hindsight() {
        return hindsight;
    }

    /** Whether sampled states have their candidate rows shuffled (with the action) before each update. */
    public boolean permuteCandidates() {
        return permuteCandidates;
    }

    /** Whether the next state is discounted by {@code γ^span} (see {@link TransitionSet#span}) instead of γ. */
    public boolean semiMarkov() {
        return semiMarkov;
    }

    @Override
    public String toString() {
        return "DqnConfig[network=" + network + ", widths=" + Arrays.toString(widths) + ", gamma=" + gamma + ", lr=" + learningRate + ", batch="
                + batchSize + ", steps=" + steps + ", tau=" + tau + ", cqlAlpha=" + cqlAlpha + ", semiMarkov=" + semiMarkov + ", permute=" + permuteCandidates + ", hindsight=" + hindsight + ", seed=" + seed + "]";
    }

    /** Validated settings; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private Network network = Network.CANDIDATE_DUELING;
        private int[] widths;
        private double gamma = 0.9;
        private float learningRate = 1e-3f;
        private int batchSize = 128;
        private int steps = 3_000;
        private float tau = 0.01f;
        private float huberDelta = 1f;
        private double gradientClip = 10;
        private float cqlAlpha = 0f;
        private long seed = 1;
        private boolean semiMarkov = true;
        private boolean permuteCandidates = true;
        private boolean hindsight = true;

        private Builder() {
        }

        /**
         * The network's shape (default {@link Network#CANDIDATE_DUELING}, widths {@code 12, 16, 16, 2};
         * {@link Network#DUELING} defaults to {@code 96, 64, 64, 17}).
         */
        public Builder network(Network network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /**
         * Input width, hidden widths, then the outputs: {@code 12, 16, 16, 2} for the candidate
         * network (a row's value and advantage), {@code 96, 64, 64, 17} for the joint one (1 + K).
         */
        public Builder widths(int... widths) {
            if (widths.length < 3 || Arrays.stream(widths).anyMatch(w -> w < 1) || widths[widths.length - 1] < 2) {
                throw new IllegalArgumentException("widths must be input, hidden..., outputs (all positive, last >= 2), got "
                        + Arrays.toString(widths));
            }
            this.widths = widths.clone();
            return this;
        }

        public Builder gamma(double gamma) {
            if (!(gamma >= 0 && gamma < 1)) {
                throw new IllegalArgumentException("gamma must be in [0, 1), got " + gamma);
            }
            this.gamma = gamma;
            return this;
        }

        public Builder learningRate(double lr) {
            if (!(lr > 0 && lr < 1)) {
                throw new IllegalArgumentException("learning rate must be in (0, 1), got " + lr);
            }
            this.learningRate = (float) lr;
            return this;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 65_536) {
                throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder steps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /** Soft target update rate in (0, 1]; 1 copies the online network every step. */
        public Builder tau(double tau) {
            if (!(tau > 0 && tau <= 1)) {
                throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
            }
            this.tau = (float) tau;
            return this;
        }

        public Builder huberDelta(double delta) {
            if (!(delta > 0)) {
                throw new IllegalArgumentException("Huber delta must be > 0, got " + delta);
            }
            this.huberDelta = (float) delta;
            return this;
        }

        public Builder gradientClip(double maxNorm) {
            if (!(maxNorm > 0)) {
                throw new IllegalArgumentException("gradient clip must be > 0, got " + maxNorm);
            }
            this.gradientClip = maxNorm;
            return this;
        }

        public Builder cqlAlpha(double alpha) {
            if (!(alpha >= 0 && Double.isFinite(alpha))) {
                throw new IllegalArgumentException("CQL alpha must be finite and >= 0, got " + alpha);
            }
            this.cqlAlpha = (float) alpha;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Discount the next state by {@code γ^span} (default true) rather than γ. */
        public Builder semiMarkov(boolean enabled) {
            this.semiMarkov = enabled;
            return this;
        }

        /** Shuffle each sampled state's candidates with its action (default true). */
        public Builder permuteCandidates(boolean enabled) {
            this.permuteCandidates = enabled;
            return this;
        }

        /**
         * Regress every candidate's Q-value on its hindsight reward (default true), not only the
         * logged action's: see {@link #hindsight()}.
         */
        public Builder hindsight(boolean enabled) {
            this.hindsight = enabled;
            return this;
        }

        public DqnConfig build() {
            if (widths == null) {
                widths = network == Network.DUELING ? new int[] {96, 64, 64, 17} : new int[] {EvictionFeatures.ROW_WIDTH, 16, 16, 2};
            }
            return new DqnConfig(this);
        }
    }
}
