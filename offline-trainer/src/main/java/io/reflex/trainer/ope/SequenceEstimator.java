package io.reflex.trainer.ope;

import java.util.List;

/**
 * An off-policy estimator of a target policy's expected discounted return per episode from logged
 * episodes. With cumulative weight {@code ρ_{0:t}} (see {@link SequenceInputs}) and fitted Q
 * evaluation's {@code Q̂_t}, {@code V̂_t}:
 * <ul>
 *   <li>{@link PerDecisionIs} (PDIS): {@code mean_i Σ_t γ^t ρ_{0:t} r_t}; each reward weighted by
 *       the actions that led to it only, unbiased.
 *   <li>{@link WeightedPerDecisionIs} (WPDIS, self-normalised PDIS):
 *       {@code Σ_t γ^t Σ_i ρ_{i,0:t} r_{i,t} / Σ_i ρ_{i,0:t}}.
 *   <li>{@link SequentialDr} (Jiang and Li 2016):
 *       {@code mean_i Σ_t γ^t [ρ_{0:t} (r_t − Q̂_t(x_t, a_t)) + ρ_{0:t−1} V̂_t(x_t)]}.
 *   <li>{@link FittedQ} (DM by FQE): {@code mean_i V̂_0(x_0)}.
 * </ul>
 * An episode that ended before step {@code t} adds reward 0 there and keeps its last weight in WPDIS's
 * denominator (an absorbing state where every policy agrees).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface SequenceEstimator {

    /** The estimator's name in reports and JSON. */
    String name();

    /** This estimator on {@code in}, as a statistic the bootstrap can resample. */
    ResampledStatistic terms(SequenceInputs in);

    /** PDIS, WPDIS, DR and FQE. */
    static List<SequenceEstimator> all() {
        return List.of(new PerDecisionIs(), new WeightedPerDecisionIs(), new SequentialDr(), new FittedQ());
    }

    /** Per-decision importance sampling. */
    record PerDecisionIs() implements SequenceEstimator {
        @Override
        public String name() {
            return "pdis";
        }

        @Override
        public EstimateTerms terms(SequenceInputs in) {
            List<EpisodeDataset.Episode> episodes = in.data().episodes();
            double[] u = new double[episodes.size()];
            for (int e = 0; e < u.length; e++) {
                double[] r = episodes.get(e).rewards();
                double g = 1;
                double s = 0;
                for (int t = 0; t < r.length; t++) {
                    s += g * in.cumulativeWeight(e, t) * r[t];
                    g *= in.gamma();
                }
                u[e] = s;
            }
            return EstimateTerms.mean(name(), u);
        }
    }

    /** Self-normalised per-decision importance sampling: each step's weights normalised over episodes. */
    record WeightedPerDecisionIs() implements SequenceEstimator {
        @Override
        public String name() {
            return "wpdis";
        }

        @Override
        public EstimateTerms terms(SequenceInputs in) {
            List<EpisodeDataset.Episode> episodes = in.data().episodes();
            int h = in.data().horizon();
            int n = episodes.size();
            double[][] u = new double[h][n];
            double[][] v = new double[h][n];
            for (int e = 0; e < n; e++) {
                EpisodeDataset.Episode ep = episodes.get(e);
                double g = 1;
                for (int t = 0; t < h; t++) {
                    int last = Math.min(t, ep.length() - 1);
                    v[t][e] = in.cumulativeWeight(e, last);
                    u[t][e] = t < ep.length() ? g * v[t][e] * ep.rewards()[t] : 0;
                    g *= in.gamma();
                }
            }
            return EstimateTerms.sumOfRatios(name(), u, v);
        }
    }

    /** Per-decision doubly robust, with FQE as its model. */
    record SequentialDr() implements SequenceEstimator {
        @Override
        public String name() {
            return "seq-dr";
        }

        @Override
        public EstimateTerms terms(SequenceInputs in) {
            List<EpisodeDataset.Episode> episodes = in.data().episodes();
            FittedQEvaluation fqe = in.fqe();
            double[] u = new double[episodes.size()];
            for (int e = 0; e < u.length; e++) {
                EpisodeDataset.Episode ep = episodes.get(e);
                double g = 1;
                double s = 0;
                for (int t = 0; t < ep.length(); t++) {
                    s += g * (in.cumulativeWeight(e, t) * (ep.rewards()[t] - fqe.q(e, t, ep.actions()[t]))
                            + in.cumulativeWeight(e, t - 1) * fqe.v(e, t));
                    g *= in.gamma();
                }
                u[e] = s;
            }
            return EstimateTerms.mean(name(), u);
        }
    }

    /** The direct method by fitted Q evaluation. */
    record FittedQ() implements SequenceEstimator {
        @Override
        public String name() {
            return "fqe";
        }

        @Override
        public ResampledStatistic terms(SequenceInputs in) {
            // Refitted per resample: see FittedQEvaluation#refitting.
            return in.refittedFqe(name());
        }
    }
}
