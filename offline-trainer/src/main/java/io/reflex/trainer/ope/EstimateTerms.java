package io.reflex.trainer.ope;

import java.util.Objects;

/**
 * An estimator's estimate written as a sum of ratios of per-unit sums,
 * {@code Σ_k (Σ_i c_i u_ki) / (Σ_i c_i v_ki)}, where a unit is a logged decision (bandits) or an
 * episode (sequences) and {@code c_i} is how often the unit occurs in the sample: 1 for the point
 * estimate, a bootstrap count for a resample. A missing denominator means {@code v_ki = 1}, a plain
 * mean. Every estimator here has this form (IPS one component with no denominator, SNIPS one with the
 * importance weights as denominator, SNDR two, WPDIS one per step), which lets
 * {@link BootstrapInterval} resample all estimators from the same counts, without refitting
 * anything, in one pass over {@code n} doubles per component.
 *
 * <p>Immutable once built (the arrays are owned, not copied: callers hand them over).
 */
public final class EstimateTerms implements ResampledStatistic {

    private final String name;
    private final double[][] numerators;
    private final double[][] denominators;
    private final int units;

    private EstimateTerms(String name, double[][] numerators, double[][] denominators) {
        this.name = Objects.requireNonNull(name, "name");
        if (numerators.length == 0 || numerators.length != denominators.length) {
            throw new IllegalArgumentException(name + ": need at least one component, numerators and denominators alike");
        }
        this.units = numerators[0].length;
        for (int k = 0; k < numerators.length; k++) {
            if (numerators[k].length != units || (denominators[k] != null && denominators[k].length != units)) {
                throw new IllegalArgumentException(name + ": component " + k + " does not have " + units + " units");
            }
        }
        this.numerators = numerators;
        this.denominators = denominators;
    }

    /** A plain mean of per-unit terms. */
    public static EstimateTerms mean(String name, double[] terms) {
        return new EstimateTerms(name, new double[][] {terms}, new double[][] {null});
    }

    /** One ratio {@code Σ u / Σ v}. */
    public static EstimateTerms ratio(String name, double[] numerator, double[] denominator) {
        return new EstimateTerms(name, new double[][] {numerator}, new double[][] {Objects.requireNonNull(denominator)});
    }

    /** A sum of components; a null denominator makes its component a plain mean. */
    public static EstimateTerms sumOfRatios(String name, double[][] numerators, double[][] denominators) {
        return new EstimateTerms(name, numerators, denominators);
    }

    @Override
    public String name() {
        return name;
    }

    /** The number of units (decisions or episodes). */
    @Override
    public int units() {
        return units;
    }

    /**
     * The estimate on a resample in which unit {@code i} occurs {@code counts[i]} times.
     *
     * @param total {@code Σ counts}, the denominator of the plain means
     */
    @Override
    public double value(double[] counts, double total) {
        double sum = 0;
        for (int k = 0; k < numerators.length; k++) {
            double[] u = numerators[k];
            double[] v = denominators[k];
            double num;
            double den;
            // Four independent partial sums: the additions of one chain wait on each other, four
            // chains keep the floating-point units busy (a resample is ~4x faster than one chain).
            if (v == null) {
                num = dot(counts, u);
                den = total;
            } else {
                num = dot(counts, u);
                den = dot(counts, v);
            }
            // A resample without any support for the target (every weight zero) estimates 0, as the
            // self-normalised estimators' usual convention.
            sum += den == 0 ? 0 : num / den;
        }
        return sum;
    }

    private static double dot(double[] a, double[] b) {
        int n = a.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
