package io.reflex.trainer.ope;

import java.util.List;

/**
 * What the sequence estimators read, computed once per evaluation: the episodes, the discount, the
 * target policy's probabilities at every step, the cumulative importance weights
 * {@code ρ_{0:t} = Π_{s≤t} π(a_s|x_s)/μ(a_s|x_s)}, and the fitted Q evaluation.
 *
 * <p>Immutable by convention; thread-safe for reading.
 */
public final class SequenceInputs {

    private final EpisodeDataset data;
    private final double gamma;
    private final double[][] target;
    private final double[][] cumulativeWeights;
    private final double lambda;
    private final FittedQEvaluation fqe;

    private SequenceInputs(EpisodeDataset data, double gamma, double lambda, double[][] target, FittedQEvaluation fqe) {
        this.data = data;
        this.gamma = gamma;
        this.lambda = lambda;
        this.target = target;
        this.fqe = fqe;
        int k = data.actionCount();
        this.cumulativeWeights = new double[data.size()][];
        for (int e = 0; e < data.size(); e++) {
            EpisodeDataset.Episode ep = data.episodes().get(e);
            double[] rho = new double[ep.length()];
            double w = 1;
            for (int t = 0; t < ep.length(); t++) {
                w *= target[e][t * k + ep.actions()[t]] / ep.propensities()[t];
                rho[t] = w;
            }
            cumulativeWeights[e] = rho;
        }
    }

    /**
     * Computes the target probabilities at every step and fits FQE.
     *
     * @param gamma  discount in [0, 1]
     * @param lambda the ridge penalty of FQE's regressions
     */
    public static SequenceInputs of(EpisodeDataset data, TargetPolicy policy, double gamma, double lambda) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("discount must be in [0, 1], got " + gamma);
        }
        if (data.size() > 0 && data.featureCount() != policy.featureCount()) {
            throw new IllegalArgumentException("the policy takes " + policy.featureCount()
                    + " features, the logged decisions have " + data.featureCount());
        }
        if (data.actionCount() != policy.actionCount()) {
            throw new IllegalArgumentException("the policy scores " + policy.actionCount() + " actions, the data has "
                    + data.actionCount());
        }
        int k = data.actionCount();
        List<EpisodeDataset.Episode> episodes = data.episodes();
        double[][] target = new double[episodes.size()][];
        double[] row = new double[k];
        for (int e = 0; e < episodes.size(); e++) {
            EpisodeDataset.Episode ep = episodes.get(e);
            target[e] = new double[ep.length() * k];
            for (int t = 0; t < ep.length(); t++) {
                policy.distribution(ep.contexts()[t], row);
                System.arraycopy(row, 0, target[e], t * k, k);
            }
        }
        return new SequenceInputs(data, gamma, lambda, target, FittedQEvaluation.fit(data, target, gamma, lambda));
    }

    public EpisodeDataset data() {
        return data;
    }

    public double gamma() {
        return gamma;
    }

    /** π(a|x_t) of episode {@code e}, step {@code t}. */
    public double target(int e, int t, int a) {
        return target[e][t * data.actionCount() + a];
    }

    /** ρ_{0:t} of episode {@code e}; 1 for {@code t < 0}. */
    public double cumulativeWeight(int e, int t) {
        return t < 0 ? 1 : cumulativeWeights[e][t];
    }

    public FittedQEvaluation fqe() {
        return fqe;
    }

    /** FQE's value as a statistic refitted on every resample. */
    ResampledStatistic refittedFqe(String name) {
        return FittedQEvaluation.refitting(name, data, target, gamma, lambda);
    }
}
