package io.reflex.engine.adapt;

import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.runtime.Fallback;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * A challenger scored on the serving policy's logged decisions, one at a time, once each reward is
 * known: the challenger's model scores the logged context, its action selector (the rule it would
 * serve under, usually the loop's own exploration, so that its estimate and the incumbent's
 * on-policy mean are of the same kind) gives π(a|x) for every action without drawing, and the
 * {@link PolicyChallenge} records π of the logged action against the logged propensity with an
 * {@link ActionRewardMeans} reward model for DR. Both the online shadow ({@link DecisionShadow})
 * and {@code ./reflex adapt --decision-log} score decisions through this class, so the two agree.
 *
 * <p>The challenger may also be a classical rule, scored through its {@link Fallback} (a
 * {@link DecisionFloor} weighs the loop's own fallback against its learned policy this way).
 *
 * <p>Owns the challenger's policy (closed with this). Deterministic (the selector's random stream is
 * never drawn from); not thread-safe (one recorder); {@link #record} allocates nothing.
 */
public final class ShadowEvaluation implements AutoCloseable {

    /** What the challenger is, for messages: its model file, or the rule's name. */
    private final String source;
    /** The challenger's scores for a context: its evaluator's, or the rule's. */
    private final Fallback scorer;
    /** Releases the challenger: its evaluator and policy, or nothing for a rule. */
    private final Runnable release;
    /** The challenger's input width, read once: {@link Policy#inputSize()} computes it with a stream. */
    private final int width;
    private final ActionSelector rule;
    private final PolicyChallenge challenge;
    private final ActionRewardMeans rewards;
    private final float[] scores;
    private final double[] probabilities;

    /**
     * @param challenger a batch-1 policy: one context in, one score per action out (owned from here on)
     * @param rule       the selector whose probabilities are the challenger's π; only its
     *                   {@link ActionSelector#probabilityOf} is called
     * @param challenge  a fresh challenge (its listener, if any, hears the win)
     */
    public ShadowEvaluation(Policy challenger, ActionSelector rule, PolicyChallenge challenge) {
        this(Objects.requireNonNull(challenger, "challenger"), challenger.newEvaluator(), rule, challenge);
    }

    private ShadowEvaluation(Policy challenger, Policy.Evaluator evaluator, ActionSelector rule, PolicyChallenge challenge) {
        this(String.valueOf(challenger.source()), challenger.inputSize(), challenger.outputSize(), evaluator::evaluate,
                () -> {
                    evaluator.close();
                    challenger.close();
                }, rule, challenge);
    }

    /**
     * A classical rule as the challenger: {@code scorer} fills its scores for a context, as a
     * loop's {@link Fallback} does.
     *
     * @param name    what the rule is, for messages
     * @param width   the features it reads
     * @param actions the actions it scores, at least 2
     */
    public static ShadowEvaluation ofRule(String name, int width, int actions, Fallback scorer, ActionSelector rule,
                                          PolicyChallenge challenge) {
        return new ShadowEvaluation(name, width, actions, Objects.requireNonNull(scorer, "scorer"), () -> { }, rule,
                challenge);
    }

    private ShadowEvaluation(String source, int width, int actions, Fallback scorer, Runnable release,
                             ActionSelector rule, PolicyChallenge challenge) {
        this.source = source;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.challenge = Objects.requireNonNull(challenge, "challenge");
        if (actions < 2) {
            throw new IllegalArgumentException(source + ": a challenger scores at least 2 actions, this one " + actions);
        }
        this.scorer = scorer;
        this.release = release;
        this.width = width;
        this.rewards = new ActionRewardMeans(actions);
        this.scores = new float[actions];
        this.probabilities = new double[actions];
    }

    /**
     * Scores one logged decision with its reward.
     *
     * @param features   the logged context, at least {@link #featureCount()} values
     * @param action     the logged action
     * @param propensity its logged probability, in (0, 1]
     * @return whether the challenger won with this decision
     * @throws IllegalArgumentException naming the bad value (nothing is recorded then)
     */
    public boolean record(float[] features, int action, double propensity, double reward) {
        int k = scores.length;
        if (action < 0 || action >= k) {
            throw new IllegalArgumentException("logged action " + action + " is outside the challenger's " + k + " actions");
        }
        if (features.length < width) {
            throw new IllegalArgumentException("a logged context of " + features.length + " features; the challenger takes "
                    + width);
        }
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
        scorer.decide(features, scores);
        for (int b = 0; b < k; b++) {
            if (!Float.isFinite(scores[b])) {
                throw new IllegalArgumentException(source + " scored action " + b + " " + scores[b]
                        + " for this context");
            }
        }
        double direct = 0;
        for (int b = 0; b < k; b++) {
            probabilities[b] = rule.probabilityOf(scores, 0, k, b);
            direct += probabilities[b] * rewards.predict(b);
        }
        boolean won = challenge.record(probabilities[action], propensity, reward, rewards.predict(action), direct);
        // After scoring: a decision's prediction rests on earlier rewards only (see ActionRewardMeans).
        rewards.add(action, reward);
        return won;
    }

    /** Starts the evidence afresh: the challenge and the reward model forget every decision; allocation-free. */
    public void restart() {
        challenge.reset();
        rewards.reset();
    }

    /** The challenge: its estimates, bounds and verdict so far. */
    public PolicyChallenge challenge() {
        return challenge;
    }

    /** Features the challenger takes. */
    public int featureCount() {
        return width;
    }

    /** Actions the challenger scores. */
    public int actionCount() {
        return scores.length;
    }

    /** Writes the evidence (the challenge's sums and the reward model), for a host that resumes across restarts. */
    public void writeTo(DataOutput out) throws IOException {
        challenge.writeTo(out);
        rewards.writeTo(out);
    }

    /**
     * Replaces the evidence with what {@link #writeTo} wrote.
     *
     * @throws IOException when the data is inconsistent or of another number of actions
     */
    public void readFrom(DataInput in) throws IOException {
        challenge.readFrom(in);
        rewards.readFrom(in);
    }

    @Override
    public void close() {
        release.run();
    }
}
