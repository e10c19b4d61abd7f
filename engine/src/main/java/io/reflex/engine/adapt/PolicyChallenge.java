package io.reflex.engine.adapt;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * Shadow evaluation of a challenger for a decision loop that logs propensities (matching,
 * recommendation, bandits): on each of the serving policy's decisions, once its reward is known,
 * the challenger's probability of the logged action is recorded beside the logged propensity and
 * reward. The incumbent's value is the mean reward of its own decisions (on-policy); the
 * challenger's is {@link OffPolicyEstimate}'s DR estimate (IPS without a reward model). The
 * challenger wins when, after at least {@code minDecisions}, the lower bound of its estimate at
 * {@code z} standard errors is above the upper bound of the incumbent's: it is better with
 * confidence, not only on the point estimates. It never acts meanwhile; the host swaps it in on
 * the win.
 *
 * <p>Each check looks at everything recorded so far; with the default z = 3 a challenger no better
 * than the incumbent wins at a given check with probability about 0.1%, and checks come every
 * {@code checkEvery} decisions, so the rate of false wins over a long run is bounded by that
 * times the checks (the tests run 200,000 decisions of an equal challenger without one).
 *
 * <p>Deterministic; not thread-safe (one recorder, where the outcomes arrive); allocation-free.
 */
public final class PolicyChallenge {

    /** Hears the win, once, on the recording thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param atDecision      decisions recorded
         * @param challengerLower the challenger's lower bound
         * @param incumbentUpper  the incumbent's upper bound
         */
        void won(long atDecision, double challengerLower, double incumbentUpper);
    }

    /** The default z: about 0.13% per side per check. */
    public static final double DEFAULT_Z = 3;
    /** The default least decisions before any win. */
    public static final int DEFAULT_MIN_DECISIONS = 1_000;
    /** The default decisions between two checks. */
    public static final int DEFAULT_CHECK_EVERY = 1_000;

    private final double z;
    private final int minDecisions;
    private final int checkEvery;
    private final Listener listener;
    private final OffPolicyEstimate challenger = new OffPolicyEstimate();
    private final OffPolicyEstimate.Welford incumbent = new OffPolicyEstimate.Welford();
    private boolean won;

    private PolicyChallenge(Builder b) {
        this.z = b.z;
        this.minDecisions = b.minDecisions;
        this.checkEvery = b.checkEvery;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One of the incumbent's decisions with its outcome, without a reward model.
     *
     * @param challengerProbability the challenger's probability of the logged action, in [0, 1]
     * @param propensity            the incumbent's logged probability of it, in (0, 1]
     * @return whether the challenger won with this decision
     */
    public boolean record(double challengerProbability, double propensity, double reward) {
        return record(challengerProbability, propensity, reward, 0, 0);
    }

    /**
     * As {@link #record(double, double, double)}, with a reward model's prediction for the logged
     * action and its value of the challenger's action distribution (for DR).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public boolean record(double challengerProbability, double propensity, double reward, double predicted, double direct) {
        if (!(challengerProbability >= 0 && challengerProbability <= 1)) {
            throw new IllegalArgumentException("challenger probability must be in [0, 1], got " + challengerProbability);
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("logged propensity must be in (0, 1], got " + propensity);
        }
        challenger.record(challengerProbability / propensity, reward, predicted, direct);
        incumbent.add(reward);
        long n = incumbent.count();
        if (won || n < minDecisions || n % checkEvery != 0) {
            return false;
        }
        double lower = challengerLower();
        double upper = incumbentUpper();
        if (lower > upper) {
            won = true;
            if (listener != null) {
                listener.won(n, lower, upper);
            }
            return true;
        }
        return false;
    }

    /** Forgets the evidence (and a win), as if new: for a judge over windows of decisions; allocation-free. */
    public void reset() {
        challenger.reset();
        incumbent.reset();
        won = false;
    }

    /** Whether the challenger has won. */
    public boolean won() {
        return won;
    }

    /** The challenger's estimate so far. */
    public OffPolicyEstimate challenger() {
        return challenger;
    }

    /** The incumbent's mean reward so far (NaN before any decision). */
    public double incumbentMean() {
        return incumbent.mean();
    }

    /** Decisions recorded. */
    public long decisions() {
        return incumbent.count();
    }

    /** The challenger's DR lower bound at this challenge's z (NaN below two decisions). */
    public double challengerLower() {
        return challenger.dr() - challenger.drHalfWidth(z);
    }

    /** The incumbent's upper bound at this challenge's z (NaN below two decisions). */
    public double incumbentUpper() {
        return incumbent.mean() + incumbent.halfWidth(z);
    }

    /** Half the width of the incumbent's interval at this challenge's z (NaN below two decisions). */
    public double incumbentHalfWidth() {
        return incumbent.halfWidth(z);
    }

    /** The z the bounds are taken at. */
    public double z() {
        return z;
    }

    /** The decisions recorded before a first verdict. */
    public int minDecisions() {
        return minDecisions;
    }

    /** Writes the evidence (not the settings), for a host that resumes a challenge across restarts. */
    void writeTo(DataOutput out) throws IOException {
        out.writeBoolean(won);
        challenger.writeTo(out);
        incumbent.writeTo(out);
    }

    /** Replaces the evidence with what {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException {
        won = in.readBoolean();
        challenger.readFrom(in);
        incumbent.readFrom(in);
        if (incumbent.count() != challenger.count()) {
            throw new IOException("inconsistent challenge: " + incumbent.count() + " incumbent decisions, "
                    + challenger.count() + " challenger terms");
        }
    }

    /** Validated settings. */
    public static final class Builder {
        private double z = DEFAULT_Z;
        private int minDecisions = DEFAULT_MIN_DECISIONS;
        private int checkEvery = DEFAULT_CHECK_EVERY;
        private Listener listener;

        private Builder() {
        }

        public Builder z(double z) {
            if (!(z > 0 && z < 10)) {
                throw new IllegalArgumentException("z must be in (0, 10), got " + z);
            }
            this.z = z;
            return this;
        }

        public Builder minDecisions(int decisions) {
            if (decisions < 2) {
                throw new IllegalArgumentException("at least 2 decisions before a win, got " + decisions);
            }
            this.minDecisions = decisions;
            return this;
        }

        public Builder checkEvery(int decisions) {
            if (decisions < 1) {
                throw new IllegalArgumentException("checkEvery must be >= 1, got " + decisions);
            }
            this.checkEvery = decisions;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public PolicyChallenge build() {
            return new PolicyChallenge(this);
        }
    }
}
