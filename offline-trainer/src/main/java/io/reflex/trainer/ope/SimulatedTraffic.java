package io.reflex.trainer.ope;

import io.reflex.engine.adapt.DecisionShadow;
import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.ModelVersion;

import java.util.SplittableRandom;

/**
 * Drives the engine against a simulator, as production traffic would: for each decision a context
 * from the {@link SyntheticBandit}, the serving model's scores from a {@link DecisionSession} (with
 * its deadline, breaker and fallback), an action and its propensity from the engine's
 * {@link ActionSelector}, the decision and its outcome appended to the decision log, and the reward
 * drawn from the simulator; with a {@link DecisionShadow}, each decision is handed to it as it is
 * acted on and its reward when drawn, as a serving loop with a challenger in the shadow would. Also
 * writes already simulated episodes to a log, one decision per step.
 *
 * <p>Not thread-safe (sessions and selectors are not); allocates per run, not per decision.
 */
public final class SimulatedTraffic {

    /**
     * What a run saw.
     *
     * @param decisions     decisions made
     * @param meanReward    mean reward received
     * @param byPolicy      decisions the serving model made (the rest fell back)
     * @param lastVersion   the version that made the last policy decision, or null
     */
    public record Result(int decisions, double meanReward, int byPolicy, ModelVersion lastVersion) {
    }

    private SimulatedTraffic() {
    }

    /**
     * Makes {@code n} decisions.
     *
     * @param log where decisions and outcomes go, or null to log nothing
     */
    public static Result run(SyntheticBandit env, DecisionSession session, ActionSelector selector,
                             DecisionLogWriter.LoopLog log, int n, long seed) {
        return run(env, session, selector, log, null, n, seed);
    }

    /**
     * Makes {@code n} decisions with a challenger in the shadow.
     *
     * @param log    where decisions and outcomes go, or null to log nothing
     * @param shadow the challenger beside the serving loop, or null
     */
    public static Result run(SyntheticBandit env, DecisionSession session, ActionSelector selector,
                             DecisionLogWriter.LoopLog log, DecisionShadow shadow, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] scores = new float[env.actionCount()];
        double total = 0;
        int byPolicy = 0;
        ModelVersion last = null;
        for (int i = 0; i < n; i++) {
            float[] x = env.context(random);
            boolean policy = session.decide(x, scores) == null;
            int action = selector.choose(scores, 0, env.actionCount());
            long ticket = shadow == null ? -1 : shadow.decided(x, action, selector.probability());
            double reward = env.reward(x, action, random);
            if (shadow != null) {
                shadow.rewarded(ticket, reward);
            }
            total += reward;
            ModelVersion version = policy ? session.lastVersion() : null;
            if (policy) {
                byPolicy++;
                last = version;
            }
            if (log != null) {
                long id = append(log, version == null ? 0 : version.sequence(), x, action, selector.probability());
                appendOutcome(log, id, reward);
            }
        }
        return new Result(n, n == 0 ? Double.NaN : total / n, byPolicy, last);
    }

    /**
     * Logs every step of {@code data} as a decision of {@code modelVersion} with its outcome, episode
     * after episode (the step index is already the first feature, as {@link LoggedDecisions} expects).
     */
    public static void write(EpisodeDataset data, DecisionLogWriter.LoopLog log, long modelVersion) {
        for (EpisodeDataset.Episode ep : data.episodes()) {
            for (int t = 0; t < ep.length(); t++) {
                long id = append(log, modelVersion, ep.contexts()[t], ep.actions()[t], ep.propensities()[t]);
                appendOutcome(log, id, ep.rewards()[t]);
            }
        }
    }

    /** Appends a decision, waiting while the ring is full: a simulation may wait, a live loop drops. */
    private static long append(DecisionLogWriter.LoopLog log, long version, float[] x, int action, double propensity) {
        for (;;) {
            long id = log.decision(version, x, x.length, action, (float) propensity);
            if (id >= 0) {
                return id;
            }
            Thread.yield();
        }
    }

    private static void appendOutcome(DecisionLogWriter.LoopLog log, long id, double reward) {
        while (log.outcome(id, (float) reward) < 0) {
            Thread.yield();
        }
    }
}
