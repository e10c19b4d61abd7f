package io.reflex.trainer.ope;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether a candidate policy may replace the incumbent, from logged decisions alone: the
 * candidate is promoted only when the <em>lower</em> bound of its estimate's confidence interval
 * beats the incumbent's point estimate, both by the same estimator on the same logs. A candidate
 * that merely looks better, with an interval reaching below the incumbent, is refused for want of
 * evidence. Either way the decision says why, with the numbers.
 *
 * <p>Both policies are evaluated off-policy (the incumbent too: the logs came from the incumbent
 * <em>with exploration</em>, which is not the incumbent as a target). Immutable and thread-safe; the
 * target policies passed in are not, and are used on the calling thread only.
 */
public final class PromotionGate {

    /**
     * The gate's verdict.
     *
     * @param promoted  whether the candidate may serve
     * @param reason    one sentence saying why, with the figures
     * @param estimator the estimator used
     * @param decisions logged decisions (with outcome) the evidence rests on
     * @param candidate the candidate's estimate and interval
     * @param incumbent the incumbent's estimate and interval
     */
    public record Verdict(boolean promoted, String reason, String estimator, int decisions, Estimate candidate,
                          Estimate incumbent) {
    }

    private final BanditEstimator estimator;
    private final OpeSettings settings;

    /**
     * @param estimator the estimator's name ({@code dr} is the usual choice; {@code snips} needs no
     *                  reward model)
     * @throws IllegalArgumentException for an unknown estimator
     */
    public PromotionGate(String estimator, OpeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.estimator = BanditEstimator.named(estimator, settings.switchTau());
    }

    /** Evaluates both policies on {@code data} and decides. */
    public Verdict decide(BanditDataset data, TargetPolicy candidate, TargetPolicy incumbent) {
        if (data.size() == 0) {
            return new Verdict(false, "refused: the log holds no decision with an outcome, so there is no evidence",
                    estimator.name(), 0, null, null);
        }
        Estimate c = OffPolicyEvaluation.bandit(data, candidate, List.of(estimator), settings).getFirst();
        Estimate i = OffPolicyEvaluation.bandit(data, incumbent, List.of(estimator), settings).getFirst();
        String level = String.format(Locale.ROOT, "%.0f%%", 100 * settings.level());
        String name = estimator.name();
        boolean promoted = c.ciLow() > i.value();
        String reason;
        if (promoted) {
            reason = String.format(Locale.ROOT, "promoted: the candidate's %s lower bound %.4f (%s interval, estimate %.4f) "
                    + "beats the incumbent's %s estimate %.4f on %d logged decisions", name, c.ciLow(), level, c.value(),
                    name, i.value(), data.size());
        } else if (c.value() > i.value()) {
            reason = String.format(Locale.ROOT, "refused: the candidate's %s estimate %.4f is above the incumbent's %.4f, "
                    + "but its lower bound %.4f (%s interval) is not: not enough evidence in %d logged decisions",
                    name, c.value(), i.value(), c.ciLow(), level, data.size());
        } else {
            reason = String.format(Locale.ROOT, "refused: the candidate's %s estimate %.4f (lower bound %.4f) does not beat "
                    + "the incumbent's %.4f on %d logged decisions", name, c.value(), c.ciLow(), i.value(), data.size());
        }
        return new Verdict(promoted, reason, name, data.size(), c, i);
    }
}
