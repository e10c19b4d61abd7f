package io.reflex.trainer.matching;

import io.reflex.engine.matching.ExpertRule;
import io.reflex.engine.matching.LomarMatcher;
import io.reflex.engine.matching.MatchingState;
import io.reflex.engine.matching.OfflineNodes;
import io.reflex.engine.matching.OnnxCandidateScorer;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Measures matching policies on a set of instances the way the reference reports them: average
 * reward, competitive ratio against the exact optimum (the worst {@code reward / OPT} over the
 * instances), and the worst ratio to the expert LOMAR is held to ({@code reward / expertReward}).
 * Experts run alone; learned policies run through the engine's {@link LomarMatcher} with the
 * exported ONNX model loaded by {@link OnnxCandidateScorer}, exactly as a service would run them.
 *
 * <p>Stateless; {@link #optima} computes in parallel, everything else on the calling thread.
 */
public final class MatchingEvaluation {

    private MatchingEvaluation() {
    }

    /**
     * One policy's figures.
     *
     * @param policy                 its name ({@code greedy}, {@code balance}, {@code greedy-t}, {@code rl}, {@code lomar})
     * @param rho                    ρ for LOMAR, {@code null} otherwise
     * @param averageReward          mean reward over the instances
     * @param competitiveRatioVsOpt  min over instances of reward / OPT (instances with OPT = 0 count as 1)
     * @param averageRatioVsOpt      mean over instances of reward / OPT
     * @param minRatioVsExpert       min over instances of reward / expert reward (expert reward 0 counts as 1)
     * @param rlDecisionShare        fraction of decisions the learned branch made (NaN for experts)
     * @param boundViolations        edges heavier than their bound (each voids the guarantee on its instance)
     * @param rewards                the reward on each instance
     */
    public record PolicyResult(String policy, Double rho, double averageReward, double competitiveRatioVsOpt,
                               double averageRatioVsOpt, double minRatioVsExpert, double rlDecisionShare,
                               long boundViolations, double[] rewards) {
    }

    /** The exact optimum of every instance (in parallel: JGraphT's matching is the slow part). */
    public static double[] optima(List<MatchingInstance> instances, OfflineNodes nodes) {
        int[] capacities = nodes.capacities();
        return IntStream.range(0, instances.size()).parallel()
                .mapToDouble(i -> OfflineOptimum.of(instances.get(i), capacities)).toArray();
    }

    /** The rewards of {@code expert} run alone on every instance. */
    public static double[] expertRewards(ExpertRule expert, List<MatchingInstance> instances, OfflineNodes nodes) {
        double[] rewards = new double[instances.size()];
        MatchingState state = new MatchingState(nodes);
        for (int i = 0; i < rewards.length; i++) {
            state.reset();
            MatchingInstance instance = instances.get(i);
            for (int t = 0; t < instance.online(); t++) {
                double[] w = instance.weights(t);
                state.record(expert.choose(w, state), w);
            }
            rewards[i] = state.reward();
        }
        return rewards;
    }

    /** An expert's row. */
    public static PolicyResult expert(ExpertRule expert, List<MatchingInstance> instances, OfflineNodes nodes,
                                      double[] optima, double[] referenceRewards) {
        double[] rewards = expertRewards(expert, instances, nodes);
        return summarise(expert.name(), null, rewards, optima, referenceRewards, Double.NaN, 0);
    }

    /**
     * A learned policy's row: the model served through {@link LomarMatcher} at robustness {@code rho}
     * (0 with slack 0 is the pure learned policy).
     *
     * @param name  the row's name ({@code rl} or {@code lomar})
     * @param shown the ρ to report ({@code null} for {@code rl})
     */
    public static PolicyResult learned(String name, Double shown, Path model, double rho, double slack, ExpertRule expert,
                                       int horizon, int candidateLimit, List<MatchingInstance> instances,
                                       OfflineNodes nodes, double[] optima, double[] referenceRewards) {
        double[] rewards = new double[instances.size()];
        long rl;
        long all;
        long violations;
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(model)) {
            LomarMatcher.Builder b = LomarMatcher.builder(nodes).expert(expert).scorer(scorer).rho(rho).slack(slack)
                    .horizon(horizon);
            if (candidateLimit > 0) {
                b.candidateLimit(candidateLimit);
            }
            LomarMatcher matcher = b.build();
            for (int i = 0; i < rewards.length; i++) {
                matcher.reset();
                MatchingInstance instance = instances.get(i);
                for (int t = 0; t < instance.online(); t++) {
                    matcher.decide(instance.weights(t));
                }
                rewards[i] = matcher.reward();
            }
            rl = matcher.rlDecisions();
            all = rl + matcher.expertDecisions();
            violations = matcher.boundViolations();
        }
        return summarise(name, shown, rewards, optima, referenceRewards, all == 0 ? Double.NaN : (double) rl / all, violations);
    }

    static PolicyResult summarise(String name, Double rho, double[] rewards, double[] optima, double[] referenceRewards,
                                  double rlShare, long violations) {
        double sum = 0;
        double ratioSum = 0;
        double worstVsOpt = Double.POSITIVE_INFINITY;
        double worstVsExpert = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rewards.length; i++) {
            sum += rewards[i];
            double vsOpt = optima[i] > 0 ? rewards[i] / optima[i] : 1;
            ratioSum += vsOpt;
            worstVsOpt = Math.min(worstVsOpt, vsOpt);
            double vsExpert = referenceRewards[i] > 0 ? rewards[i] / referenceRewards[i] : 1;
            worstVsExpert = Math.min(worstVsExpert, vsExpert);
        }
        int n = rewards.length;
        return new PolicyResult(name, rho, sum / n, worstVsOpt, ratioSum / n, worstVsExpert, rlShare, violations, rewards);
    }
}
