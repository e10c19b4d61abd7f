package io.reflex.trainer.ope;

import java.util.List;

/**
 * Runs every estimator of a setting on logged data for one target policy and attaches bootstrap
 * intervals: the bandit estimators on single decisions, the sequence estimators on episodes. The
 * reward model (bandits) or FQE (sequences) is fitted on the same data it is used on.
 *
 * <p>Stateless and thread-safe, but a {@link TargetPolicy} is not: give each thread its own.
 */
public final class OffPolicyEvaluation {

    private OffPolicyEvaluation() {
    }

    /** IPS, SNIPS, DM, DR, SNDR and Switch-DR estimates of {@code target} on {@code data}. */
    public static List<Estimate> bandit(BanditDataset data, TargetPolicy target, OpeSettings settings) {
        return bandit(data, target, BanditEstimator.all(settings.switchTau()), settings);
    }

    /** The given bandit estimators' estimates of {@code target} on {@code data}. */
    public static List<Estimate> bandit(BanditDataset data, TargetPolicy target, List<BanditEstimator> estimators,
                                        OpeSettings settings) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("no logged decisions with an outcome to evaluate on");
        }
        BanditInputs in = BanditInputs.of(data, target, RidgeRewardModel.fit(data, settings.ridge()));
        return settings.bootstrap().estimate(estimators.stream().map(e -> e.terms(in)).toList());
    }

    /** PDIS, WPDIS, DR and FQE estimates of {@code target} on {@code data}. */
    public static List<Estimate> sequence(EpisodeDataset data, TargetPolicy target, OpeSettings settings) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("no complete logged episodes to evaluate on");
        }
        SequenceInputs in = SequenceInputs.of(data, target, settings.gamma(), settings.ridge());
        return settings.bootstrap().estimate(SequenceEstimator.all().stream().map(e -> e.terms(in)).toList());
    }
}
