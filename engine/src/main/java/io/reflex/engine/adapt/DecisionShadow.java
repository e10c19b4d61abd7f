package io.reflex.engine.adapt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A challenger model beside a serving decision loop that logs propensities: it never acts; each
 * of the serving policy's decisions is scored for it off-policy once the decision's reward is
 * known ({@link ShadowEvaluation}: the challenger's π of the logged action against the logged
 * propensity, DR with a running per-action reward model), and when its lower bound beats the
 * incumbent's upper bound ({@link PolicyChallenge}) it is offered to the loop's
 * {@link PolicyStore}, which hot-swaps it in after its usual checks. The win is an event: the
 * {@link Listener}, a log line, and the {@code reflex.challenger.promotions} counter.
 *
 * <h2>What the serving thread pays</h2>
 * {@link #decided} only copies the context, action and propensity into a preallocated ring slot
 * (a ticket increment, a CAS and a release store around an {@code arraycopy} of the features): no
 * inference. The challenger's model runs in {@link #rewarded}, on the reward path, after the
 * decision has been acted on. That is also where it must run: π is needed only with a reward, so a
 * decision whose reward never comes costs no inference at all, and the serving thread never waits
 * for the challenger (nor for the one-off load and warm-up of the promotion, which also runs in
 * the {@code rewarded} call that wins).
 *
 * <h2>Pending decisions</h2>
 * The ring holds the last {@code pending} decisions. A reward whose decision has been overwritten
 * (more than {@code pending} decisions later), whose ticket was already rewarded (the first reward
 * counts), or whose decision is being overwritten while it is read, is not scored and is counted
 * ({@link #unmatchedRewards()}). Decisions made after the win are not recorded ({@link #decided}
 * returns -1).
 *
 * <p>Threading: {@link #decided} may be called from any number of serving threads and never blocks
 * (slot ownership is a CAS; a slot still being written by a thread a whole ring behind is skipped
 * and counted in {@link #droppedDecisions()}); {@link #rewarded} and {@link #close} are serialised
 * by this object's lock, which serving threads never take. {@link #decided} allocates nothing;
 * {@link #rewarded} allocates nothing except at the win. Deterministic for a given order of calls
 * (counts, never the clock).
 */
public final class DecisionShadow implements AutoCloseable {

    /** Hears the win, once, on the thread whose reward decided it. */
    @FunctionalInterface
    public interface Listener {
        void promoted(Promotion promotion);
    }

    /**
     * A challenger's win and what the store made of it.
     *
     * @param loop            the serving loop
     * @param challenger      the challenger's model file
     * @param atDecision      decisions scored when it won
     * @param challengerValue its DR estimate
     * @param challengerLower its DR lower bound
     * @param incumbentValue  the incumbent's mean reward over the same decisions
     * @param incumbentUpper  the incumbent's upper bound
     * @param swap            the store's answer: accepted (now serving) or refused, with the reason
     */
    public record Promotion(String loop, Path challenger, long atDecision, double challengerValue, double challengerLower,
                            double incumbentValue, double incumbentUpper, SwapResult swap) {
    }

    private static final System.Logger LOG = System.getLogger(DecisionShadow.class.getName());

    private final String loop;
    private final PolicyStore store;
    private final Path challengerFile;
    private final ShadowEvaluation evaluation;
    private final Listener listener;
    private final int width;
    /** Per slot: the ticket it holds, {@link #FREE} or {@link #WRITING}. */
    private final PendingDecisions pending;
    private final float[] scratch;
    private final LongAdder scored = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile boolean done;
    private Promotion promotion;

    private DecisionShadow(Builder b, Policy challenger) {
        this.loop = b.runtime.loop();
        this.store = b.runtime.store();
        this.challengerFile = b.challenger;
        this.listener = b.listener;
        this.width = challenger.inputSize();
        this.pending = new PendingDecisions(b.pending, width);
        this.scratch = new float[width];
        this.evaluation = new ShadowEvaluation(challenger, b.rule, b.challenge.build());
        if (b.registry != null) {
            register(b.registry);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One of the serving policy's decisions, as it was acted on: the serving thread's only cost.
     *
     * @param features   the context the serving policy decided on, at least the loop's input size
     * @param action     the action taken
     * @param propensity the probability it was taken with
     * @return the ticket to hand to {@link #rewarded}, or -1 when the decision is not recorded (the
     *         challenger has already won, or its slot is still being written)
     * @throws IllegalArgumentException when {@code features} is shorter than the loop's input
     */
    public long decided(float[] features, int action, double propensity) {
        if (features.length < width) {
            throw new IllegalArgumentException("a context of " + features.length + " features; loop '" + loop
                    + "' takes " + width);
        }
        if (done) {
            return -1;
        }
        return pending.record(features, action, propensity, 0);
    }

    /**
     * The reward of a decision {@link #decided} returned {@code ticket} for: the challenger scores the
     * decision here, and, if this decision makes it win, is offered to the store before this returns.
     *
     * @return whether the challenger won (and was offered) with this reward
     * @throws IllegalArgumentException when the decision's recorded values are invalid (a propensity
     *                                  outside (0, 1], an action outside the challenger's, a
     *                                  non-finite reward): nothing is recorded
     */
    public synchronized boolean rewarded(long ticket, double reward) {
        if (ticket < 0 || done) {
            return false;
        }
        if (!pending.take(ticket, scratch)) {
            return false;
        }
        boolean won = evaluation.record(scratch, pending.takenAction, pending.takenPropensity, reward);
        scored.increment();
        if (won) {
            promote();
        }
        return won;
    }

    private void promote() {
        done = true;
        PolicyChallenge c = evaluation.challenge();
        SwapResult swap = store.offer(challengerFile);
        (swap.accepted() ? accepted : refused).increment();
        promotion = new Promotion(loop, challengerFile, c.decisions(), c.challenger().dr(), c.challengerLower(),
                c.incumbentMean(), c.incumbentUpper(), swap);
        String evidence = String.format(Locale.ROOT, "after %,d decisions its DR estimate %.4f (lower bound %.4f) beats the"
                        + " incumbent's %.4f (upper bound %.4f)", c.decisions(), c.challenger().dr(), c.challengerLower(),
                c.incumbentMean(), c.incumbentUpper());
        if (swap.accepted()) {
            LOG.log(System.Logger.Level.INFO, "loop '" + loop + "': challenger " + challengerFile + " wins: " + evidence
                    + "; now serving as " + swap.version().label());
        } else {
            LOG.log(System.Logger.Level.WARNING, "loop '" + loop + "': challenger " + challengerFile + " wins: " + evidence
                    + ", but the policy store refused it: " + swap.reason());
        }
        if (listener != null) {
            listener.promoted(promotion);
        }
    }

    /** Whether the challenger has won (and been offered to the store). */
    public boolean won() {
        return done;
    }

    /** The win, or null before it. */
    public synchronized Promotion promotion() {
        return promotion;
    }

    /** The evidence so far; read it under this object's lock or after the rewards have stopped. */
    public PolicyChallenge challenge() {
        return evaluation.challenge();
    }

    /** Decisions scored. */
    public long scoredDecisions() {
        return scored.sum();
    }

    /** Rewards not scored: their decision lapped by the ring, already rewarded, or never recorded. */
    public long unmatchedRewards() {
        return pending.unmatched().sum();
    }

    /** Decisions not recorded because their slot was still being written by a thread a ring behind. */
    public long droppedDecisions() {
        return pending.dropped().sum();
    }

    private void register(MeterRegistry registry) {
        FunctionCounter.builder("reflex.challenger.decisions", scored, LongAdder::sum).tag("loop", loop)
                .description("Serving decisions scored for the shadow challenger").register(registry);
        FunctionCounter.builder("reflex.challenger.rewards.unmatched", pending.unmatched(), LongAdder::sum).tag("loop", loop)
                .description("Rewards whose decision the shadow no longer held (or already scored)").register(registry);
        FunctionCounter.builder("reflex.challenger.promotions", accepted, LongAdder::sum).tag("loop", loop)
                .tag("result", "accepted").description("Shadow challengers that won and now serve").register(registry);
        FunctionCounter.builder("reflex.challenger.promotions", refused, LongAdder::sum).tag("loop", loop)
                .tag("result", "refused").description("Shadow challengers that won but the policy store refused")
                .register(registry);
    }

    /** Closes the challenger's model (the serving loop is untouched). */
    @Override
    public synchronized void close() {
        done = true;
        evaluation.close();
    }

    /** Validated settings. Required: the runtime, the challenger and its rule. */
    public static final class Builder {
        private DecisionRuntime runtime;
        private Path challenger;
        private ActionSelector rule;
        private int pending = 1 << 16;
        private PolicyLoader loader = PolicyLoader.defaults();
        private final PolicyChallenge.Builder challenge = PolicyChallenge.builder();
        private Listener listener;
        private MeterRegistry registry;

        private Builder() {
        }

        /** The serving loop: its name, its store (where the winner goes) and its shape. */
        public Builder runtime(DecisionRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /** The challenger's model file: loaded now for scoring, offered to the store at the win. */
        public Builder challenger(Path model) {
            this.challenger = Objects.requireNonNull(model, "challenger");
            return this;
        }

        /**
         * The rule the challenger would serve under: a selector of the loop's own kind and
         * parameters (a separate instance; only its probabilities are read), so that the challenger
         * is judged with the exploration the incumbent's mean reward pays for.
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

        /** Loads the challenger for scoring (default {@link PolicyLoader#defaults()}). */
        public Builder loader(PolicyLoader loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** The challenge's z (default {@value PolicyChallenge#DEFAULT_Z}). */
        public Builder z(double z) {
            challenge.z(z);
            return this;
        }

        /** Decisions scored before any win (default {@value PolicyChallenge#DEFAULT_MIN_DECISIONS}). */
        public Builder minDecisions(int decisions) {
            challenge.minDecisions(decisions);
            return this;
        }

        /** Decisions between two checks (default {@value PolicyChallenge#DEFAULT_CHECK_EVERY}). */
        public Builder checkEvery(int decisions) {
            challenge.checkEvery(decisions);
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Where the counters go (tagged with the loop's name); without one they are kept but not published. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Loads the challenger and checks it fits the loop.
         *
         * @throws io.reflex.engine.onnx.ModelLoadException naming the file when it does not load
         * @throws IllegalArgumentException                  naming the file when its shape is not the loop's
         */
        public DecisionShadow build() {
            if (runtime == null || challenger == null || rule == null) {
                throw new IllegalStateException("a decision shadow needs the runtime, the challenger and its rule");
            }
            Policy p = loader.load(challenger);
            try {
                if (p.inputSize() != runtime.inputSize() || p.outputSize() != runtime.outputSize()) {
                    throw new IllegalArgumentException(challenger + ": the challenger takes " + p.inputSize()
                            + " inputs and scores " + p.outputSize() + " actions; loop '" + runtime.loop() + "' has "
                            + runtime.inputSize() + " and " + runtime.outputSize());
                }
                return new DecisionShadow(this, p);
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
        }
    }
}
