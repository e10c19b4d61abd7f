package io.reflex.engine.adapt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.ModelVersion;
import io.reflex.engine.runtime.PolicyStore;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The loop's classical rule as a floor under its learned policy, for decision loops that log
 * propensities (bandits, recommendation; eviction has {@link LruFloor}): a baseline-challenger
 * switch in the manner of Vowpal Wabbit's {@code --baseline_challenger_cb}. While the learned
 * policy serves, the loop's fallback is scored off-policy on its decisions as their rewards arrive
 * ({@link ShadowEvaluation}: DR with a per-action reward model); when the fallback's lower bound
 * beats the learned policy's upper bound, the runtime is demoted ({@link DecisionRuntime#demote})
 * and the fallback decides. While it does, the learned policy is scored off-policy on the
 * fallback's decisions, and promoted back when its lower bound beats the fallback's upper bound.
 * The evidence covers windows of {@code window} scored decisions (default
 * {@value #DEFAULT_WINDOW}): a window without a verdict starts afresh, so that the evidence of
 * traffic that has since changed does not outvote the present for long; a change large enough to
 * be decided within a window is switched within about two windows of it. Each switch starts the
 * evidence afresh too, and is logged, counted
 * ({@code reflex.decision.floor.switches{loop, to}}), gauged
 * ({@code reflex.decision.floor.learned.serving{loop}}) and heard by the {@link Listener}. A hot
 * swap in the loop's store starts the floor afresh for the new version, which serves.
 *
 * <p>Both policies are judged under the same {@code rule} (the loop's exploration, a separate
 * instance; only its probabilities are read), so that each estimate is of the reward the loop
 * would earn serving that policy. The judge is {@link PolicyChallenge}: z, the decisions before a
 * first verdict and between verdicts are its settings.
 *
 * <p>Threading and cost: {@link #decided} is for any number of serving threads and is a copy into
 * a preallocated ring ({@link PendingDecisions}; no lock, no inference, no allocation); the loop
 * itself pays one volatile read per decision for the demotion. {@link #rewarded} runs the scoring
 * (the fallback's rule, or the learned model's inference while demoted) under this object's lock,
 * off the serving path, and allocates nothing except at a switch (which loads the learned model
 * for scoring when it demotes it). A decision counts toward the evidence only if it was made by
 * the side serving when its reward arrives, as of the same switch: the policy ({@code servedBy}
 * null) while the learned policy serves, the fallback as {@link FallbackCause#DEMOTED} while it is
 * demoted; others (a deadline's fallback, a decision from before a switch) are counted as skipped.
 * Deterministic for a given order of calls.
 */
public final class DecisionFloor implements AutoCloseable {

    /** Hears each switch, on the thread whose reward decided it. */
    @FunctionalInterface
    public interface Listener {
        void switched(Switch change);
    }

    /**
     * A switch: whether the learned policy serves after it, the decisions scored since the last
     * switch, the winner's DR estimate and lower bound against the side that served, its mean and
     * upper bound.
     */
    public record Switch(String loop, boolean learnedServes, long atDecision, double winnerValue, double winnerLower,
                         double servingValue, double servingUpper) {
    }

    /** The default scored decisions a window of evidence covers. */
    public static final int DEFAULT_WINDOW = 5_000;

    private static final System.Logger LOG = System.getLogger(DecisionFloor.class.getName());
    /** How a decision was served, in the ring's tag beside the switch it was served under. */
    private static final long BY_POLICY = 0;
    private static final long BY_DEMOTION = 1;
    private static final long BY_OTHER_FALLBACK = 2;

    private final String loop;
    private final DecisionRuntime runtime;
    private final PolicyStore store;
    private final ActionSelector rule;
    private final PolicyLoader loader;
    private final PolicyChallenge.Builder challenge;
    private final Listener listener;
    private final int width;
    private final int actions;
    private final int window;
    private final PendingDecisions pending;
    private final float[] scratch;
    private final LongAdder scored = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder demotions = new LongAdder();
    private final LongAdder promotions = new LongAdder();
    private final LongAdder resets = new LongAdder();
    private final LongAdder windows = new LongAdder();
    /** Switches and resets so far: the tag every recorded decision carries. */
    private volatile long epoch;
    private boolean learnedServes = true;
    /** The challenger of the side serving: the fallback while the learned policy serves, and back; null if it failed to load. */
    private ShadowEvaluation evaluation;
    /** The store's swaps the evidence was gathered under. */
    private long swapsSeen;
    private boolean closed;

    private DecisionFloor(Builder b) {
        this.runtime = b.runtime;
        this.loop = runtime.loop();
        this.store = runtime.store();
        this.rule = b.rule;
        this.loader = b.loader;
        this.challenge = b.challenge;
        this.listener = b.listener;
        this.window = b.window;
        this.width = runtime.inputSize();
        this.actions = runtime.outputSize();
        if (actions < 2) {
            throw new IllegalArgumentException("loop '" + loop + "' scores " + actions + " action; a floor needs at least 2");
        }
        this.pending = new PendingDecisions(b.pending, width);
        this.scratch = new float[width];
        this.swapsSeen = store.swaps();
        runtime.demote(false);
        this.evaluation = fallbackChallenger();
        if (b.registry != null) {
            register(b.registry);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One of the loop's decisions, as it was acted on: the serving thread's only cost.
     *
     * @param features   the context decided on, at least the loop's input size
     * @param action     the action taken
     * @param propensity the probability it was taken with
     * @param servedBy   what {@code DecisionSession.decide} returned for it: null when the policy decided
     * @return the ticket to hand to {@link #rewarded}, or -1 when the decision is not recorded
     * @throws IllegalArgumentException when {@code features} is shorter than the loop's input
     */
    public long decided(float[] features, int action, double propensity, FallbackCause servedBy) {
        if (features.length < width) {
            throw new IllegalArgumentException("a context of " + features.length + " features; loop '" + loop
                    + "' takes " + width);
        }
        long how = servedBy == null ? BY_POLICY : servedBy == FallbackCause.DEMOTED ? BY_DEMOTION : BY_OTHER_FALLBACK;
        return pending.record(features, action, propensity, epoch << 2 | how);
    }

    /**
     * The reward of the decision {@link #decided} returned {@code ticket} for: scored here, and if
     * it decides a switch, the runtime is demoted or promoted before this returns.
     *
     * @return whether this reward switched the loop
     * @throws IllegalArgumentException when the decision's recorded values are invalid (a propensity
     *                                  outside (0, 1], an action outside the loop's, a non-finite
     *                                  reward): nothing is recorded
     */
    public synchronized boolean rewarded(long ticket, double reward) {
        if (ticket < 0 || closed) {
            return false;
        }
        if (store.swaps() != swapsSeen) {
            restartForNewVersion();
        }
        if (!pending.take(ticket, scratch)) {
            return false;
        }
        long expected = epoch << 2 | (learnedServes ? BY_POLICY : BY_DEMOTION);
        if (pending.takenTag != expected || evaluation == null) {
            skipped.increment();
            return false;
        }
        boolean won = evaluation.record(scratch, pending.takenAction, pending.takenPropensity, reward);
        scored.increment();
        if (won) {
            switchSides();
        } else if (evaluation.challenge().decisions() >= window) {
            evaluation.restart();
            windows.increment();
        }
        return won;
    }

    private void switchSides() {
        PolicyChallenge c = evaluation.challenge();
        Switch change = new Switch(loop, !learnedServes, c.decisions(), c.challenger().dr(), c.challengerLower(),
                c.incumbentMean(), c.incumbentUpper());
        evaluation.close();
        learnedServes = !learnedServes;
        epoch++;
        runtime.demote(!learnedServes);
        (learnedServes ? promotions : demotions).increment();
        String evidence = String.format(Locale.ROOT, "after %,d decisions its DR estimate %.4f (lower bound %.4f) beats"
                        + " the %s's %.4f (upper bound %.4f)", change.atDecision(), change.winnerValue(),
                change.winnerLower(), learnedServes ? "fallback" : "learned policy", change.servingValue(),
                change.servingUpper());
        if (learnedServes) {
            LOG.log(System.Logger.Level.INFO, "loop '" + loop + "': learned policy promoted back: " + evidence);
            evaluation = fallbackChallenger();
        } else {
            LOG.log(System.Logger.Level.WARNING, "loop '" + loop + "': learned policy demoted to the fallback, which "
                    + "decides until the policy wins again: the fallback, " + evidence);
            evaluation = learnedChallenger();
        }
        if (listener != null) {
            listener.switched(change);
        }
    }

    /** A hot swap: the new version serves, judged afresh against the fallback. */
    private void restartForNewVersion() {
        swapsSeen = store.swaps();
        if (evaluation != null) {
            evaluation.close();
        }
        epoch++;
        resets.increment();
        boolean wasDemoted = !learnedServes;
        learnedServes = true;
        runtime.demote(false);
        evaluation = fallbackChallenger();
        LOG.log(System.Logger.Level.INFO, "loop '" + loop + "': " + store.version().map(ModelVersion::label).orElse("no model")
                + " swapped in, the floor starts afresh for it" + (wasDemoted ? " (the policy is no longer demoted)" : ""));
    }

    private ShadowEvaluation fallbackChallenger() {
        return ShadowEvaluation.ofRule("loop '" + loop + "''s fallback", width, actions, runtime.fallback(), rule,
                challenge.build());
    }

    /** The serving version's model, loaded for scoring; null (rewards skipped until a swap) if it does not load. */
    private ShadowEvaluation learnedChallenger() {
        ModelVersion v = store.version().orElse(null);
        if (v == null) {
            return null;
        }
        try {
            return new ShadowEvaluation(loader.load(v.file()), rule, challenge.build());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "loop '" + loop + "': the demoted policy " + v.file() + " could not be "
                    + "loaded for scoring (" + e.getMessage() + "); the fallback decides until a new version is swapped in");
            return null;
        }
    }

    /** Whether the learned policy serves (not demoted), as of the latest switch. */
    public synchronized boolean learnedServes() {
        return learnedServes;
    }

    /** The evidence since the latest switch; read it under this object's lock or after the rewards have stopped. */
    public synchronized PolicyChallenge challenge() {
        return evaluation == null ? null : evaluation.challenge();
    }

    /** Times the learned policy was demoted to the fallback. */
    public long demotions() {
        return demotions.sum();
    }

    /** Times it was promoted back. */
    public long promotions() {
        return promotions.sum();
    }

    /** Windows of evidence that ended without a verdict and started afresh. */
    public long windowsWithoutVerdict() {
        return windows.sum();
    }

    /** Rewards scored. */
    public long scoredDecisions() {
        return scored.sum();
    }

    /** Rewards not scored because their decision was made by another side, or before the latest switch. */
    public long skippedRewards() {
        return skipped.sum();
    }

    /** Rewards whose decision the ring no longer held, or had given up already. */
    public long unmatchedRewards() {
        return pending.unmatched().sum();
    }

    private void register(MeterRegistry registry) {
        FunctionCounter.builder("reflex.decision.floor.switches", demotions, LongAdder::sum).tag("loop", loop)
                .tag("to", "fallback").description("Learned policy demoted to the loop's fallback").register(registry);
        FunctionCounter.builder("reflex.decision.floor.switches", promotions, LongAdder::sum).tag("loop", loop)
                .tag("to", "learned").description("Learned policy promoted back over the fallback").register(registry);
        FunctionCounter.builder("reflex.decision.floor.decisions", scored, LongAdder::sum).tag("loop", loop)
                .description("Rewarded decisions the floor scored").register(registry);
        Gauge.builder("reflex.decision.floor.learned.serving", this, f -> f.runtime.demoted() ? 0 : 1).tag("loop", loop)
                .description("1 while the learned policy decides, 0 while the floor has demoted it").register(registry);
    }

    /** Promotes the learned policy (the loop serves it again) and releases the scoring model. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        runtime.demote(false);
        if (evaluation != null) {
            evaluation.close();
        }
    }

    /** Validated settings. Required: the runtime and the rule. */
    public static final class Builder {
        private DecisionRuntime runtime;
        private ActionSelector rule;
        private int pending = 1 << 16;
        private int window = DEFAULT_WINDOW;
        private PolicyLoader loader = PolicyLoader.defaults();
        private final PolicyChallenge.Builder challenge = PolicyChallenge.builder();
        private Listener listener;
        private MeterRegistry registry;

        private Builder() {
        }

        /** The loop: its fallback (the floor), its store (the learned policy) and its shape. */
        public Builder runtime(DecisionRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * The loop's exploration, a separate instance of the same kind and parameters: both sides
         * are judged as they would serve under it (only its probabilities are read).
         */
        public Builder rule(ActionSelector rule) {
            this.rule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /** Decisions held awaiting their reward (default 65,536; the ring costs 28 + 4 × features bytes each). */
        public Builder pending(int decisions) {
            this.pending = PendingDecisions.requireCapacity(decisions);
            return this;
        }

        /**
         * Scored decisions a window of evidence covers (default {@value #DEFAULT_WINDOW}): at least
         * the decisions before a verdict ({@link #minDecisions}), else no verdict ever comes.
         */
        public Builder window(int decisions) {
            if (decisions < 2) {
                throw new IllegalArgumentException("window must be at least 2 decisions, got " + decisions);
            }
            this.window = decisions;
            return this;
        }

        /** Loads the demoted model for scoring (default {@link PolicyLoader#defaults()}). */
        public Builder loader(PolicyLoader loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** The switch's z (default {@value PolicyChallenge#DEFAULT_Z}). */
        public Builder z(double z) {
            challenge.z(z);
            return this;
        }

        /** Decisions scored after a switch before the next verdict (default {@value PolicyChallenge#DEFAULT_MIN_DECISIONS}). */
        public Builder minDecisions(int decisions) {
            challenge.minDecisions(decisions);
            return this;
        }

        /** Decisions between two verdicts (default {@value PolicyChallenge#DEFAULT_CHECK_EVERY}). */
        public Builder checkEvery(int decisions) {
            challenge.checkEvery(decisions);
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Where the counters and the gauge go (tagged with the loop's name). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @throws IllegalStateException    without the runtime or the rule, or with a window shorter
         *                                  than the decisions before a verdict
         * @throws IllegalArgumentException when the loop scores fewer than 2 actions
         */
        public DecisionFloor build() {
            if (runtime == null || rule == null) {
                throw new IllegalStateException("a decision floor needs the runtime and the rule");
            }
            int minDecisions = challenge.build().minDecisions();
            if (window < minDecisions) {
                throw new IllegalStateException("window(" + window + ") is shorter than minDecisions(" + minDecisions
                        + "): no verdict would ever come");
            }
            return new DecisionFloor(this);
        }
    }
}
