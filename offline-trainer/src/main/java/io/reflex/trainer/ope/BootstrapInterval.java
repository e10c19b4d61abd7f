package io.reflex.trainer.ope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap confidence intervals for many estimators at once.
 *
 * <p>Each resample draws {@code n} units with replacement (as counts per unit, from one seeded
 * stream) and evaluates every estimator's {@link EstimateTerms} on the same counts, so the intervals
 * of different estimators are computed from the same resamples and a resample costs one pass over
 * the precomputed per-unit terms: 100,000 decisions with 200 resamples take a fraction of a second.
 * Fitted parts are held fixed across resamples where the estimator stays valid without refitting
 * (the reward model inside DR and SNDR, the Q functions inside sequential DR); DM's reward model is
 * held fixed too, so its interval covers the sampling noise given the model, not the model's bias.
 * FQE, whose value is nothing but the fit, refits on every resample (see
 * {@link FittedQEvaluation}).
 *
 * <p>The interval is the percentile interval {@code [q(α/2), q(1 − α/2)]} of the resampled
 * estimates (linear interpolation between order statistics), with {@code α = 1 − level}.
 *
 * <p>Immutable and thread-safe; {@link #estimate} allocates its count and value arrays per call. The
 * same seed and terms give the same intervals.
 */
public final class BootstrapInterval {

    private final int resamples;
    private final double level;
    private final long seed;

    /**
     * @param resamples bootstrap resamples, in [10, 100000]
     * @param level     confidence level, in (0, 1), e.g. 0.95
     * @param seed      seed of the resampling stream
     */
    public BootstrapInterval(int resamples, double level, long seed) {
        if (resamples < 10 || resamples > 100_000) {
            throw new IllegalArgumentException("resamples must be in [10, 100000], got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        this.resamples = resamples;
        this.level = level;
        this.seed = seed;
    }

    public int resamples() {
        return resamples;
    }

    public double level() {
        return level;
    }

    /**
     * Point estimates and intervals of every estimator, in the order given.
     *
     * @throws IllegalArgumentException if the terms do not all cover the same units, or there are none
     */
    public List<Estimate> estimate(List<? extends ResampledStatistic> estimators) {
        if (estimators.isEmpty()) {
            return List.of();
        }
        int n = estimators.getFirst().units();
        for (ResampledStatistic t : estimators) {
            if (t.units() != n) {
                throw new IllegalArgumentException("estimator " + t.name() + " covers " + t.units()
                        + " units, " + estimators.getFirst().name() + " " + n);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no data to estimate from (0 units)");
        }
        double[][] values = new double[estimators.size()][resamples];
        int[] counts = new int[n];
        double[] weights = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[random.nextInt(n)]++;
            }
            for (int i = 0; i < n; i++) {
                weights[i] = counts[i];
            }
            for (int e = 0; e < estimators.size(); e++) {
                values[e][b] = estimators.get(e).value(weights, n);
            }
        }
        List<Estimate> out = new ArrayList<>(estimators.size());
        double alpha = 1 - level;
        for (int e = 0; e < estimators.size(); e++) {
            double[] v = values[e];
            Arrays.sort(v);
            ResampledStatistic t = estimators.get(e);
            out.add(new Estimate(t.name(), t.value(), quantile(v, alpha / 2), quantile(v, 1 - alpha / 2)));
        }
        return out;
    }

    /** The {@code p}-quantile of sorted values, interpolating linearly between order statistics. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
