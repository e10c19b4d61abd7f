package io.reflex.trainer.ope;

/**
 * A statistic of units (logged decisions or episodes) that can be recomputed on a bootstrap
 * resample given as occurrence counts per unit: the form {@link BootstrapInterval} resamples.
 * {@link EstimateTerms} (precomputed per-unit sums, one pass per resample) is the usual kind; an
 * estimator whose model must be refitted per resample, such as {@link FittedQEvaluation}'s, is the
 * other.
 *
 * <p>Implementations are immutable; {@link #value(int[], long)} may be called from one thread at a
 * time per instance.
 */
public interface ResampledStatistic {

    /** The estimator's name. */
    String name();

    /** The number of units. */
    int units();

    /**
     * The statistic on a resample in which unit {@code i} occurs {@code counts[i]} times (whole
     * numbers, held as doubles so that the sums over them run without conversions).
     *
     * @param total {@code Σ counts}
     */
    double value(double[] counts, double total);

    /** The point estimate: every unit counted once. */
    default double value() {
        double[] ones = new double[units()];
        java.util.Arrays.fill(ones, 1);
        return value(ones, units());
    }
}
