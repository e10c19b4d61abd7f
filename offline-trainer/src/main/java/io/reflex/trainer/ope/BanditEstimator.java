package io.reflex.trainer.ope;

import java.util.List;

/**
 * An off-policy estimator of a target policy's expected reward per decision from logged single
 * decisions (the contextual bandit setting). With importance weight {@code w_i = π(a_i|x_i)/μ(a_i|x_i)},
 * logged reward {@code r_i}, the reward model's {@code q̂_i = q̂(x_i, a_i)} and direct value
 * {@code d_i = Σ_a π(a|x_i) q̂(x_i, a)}:
 * <ul>
 *   <li>{@link Ips}: {@code mean(w r)}; unbiased, high variance.
 *   <li>{@link Snips}: {@code Σ w r / Σ w}; self-normalised, slightly biased, much steadier.
 *   <li>{@link DirectMethod}: {@code mean(d)}; low variance, biased as the reward model is.
 *   <li>{@link DoublyRobust}: {@code mean(d + w (r − q̂))}; unbiased when the propensities are right,
 *       low variance when the model is good.
 *   <li>{@link SelfNormalizedDr}: {@code mean(d) + Σ w (r − q̂) / Σ w}.
 *   <li>{@link SwitchDr}: DR's correction only where {@code w ≤ τ}, the model alone elsewhere
 *       (Wang, Agarwal and Dudík 2017; the form of Open Bandit Pipeline's SwitchDR).
 * </ul>
 * Each returns its {@link EstimateTerms}, which give the point estimate and, resampled, the interval.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface BanditEstimator {

    /** The estimator's name in reports and JSON. */
    String name();

    /** The per-decision terms of this estimator on {@code in}. */
    EstimateTerms terms(BanditInputs in);

    /** The six estimators, Switch-DR with threshold {@code switchTau}. */
    static List<BanditEstimator> all(double switchTau) {
        return List.of(new Ips(), new Snips(), new DirectMethod(), new DoublyRobust(), new SelfNormalizedDr(),
                new SwitchDr(switchTau));
    }

    /**
     * The estimator called {@code name} ({@code ips}, {@code snips}, {@code dm}, {@code dr},
     * {@code sndr}, {@code switch-dr}).
     *
     * @throws IllegalArgumentException naming the unknown name
     */
    static BanditEstimator named(String name, double switchTau) {
        for (BanditEstimator e : all(switchTau)) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown estimator '" + name + "'; expected ips, snips, dm, dr, sndr or switch-dr");
    }

    /** Inverse propensity scoring. */
    record Ips() implements BanditEstimator {
        @Override
        public String name() {
            return "ips";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = in.weight(i) * in.data().reward(i);
            }
            return EstimateTerms.mean(name(), u);
        }
    }

    /** Self-normalised inverse propensity scoring. */
    record Snips() implements BanditEstimator {
        @Override
        public String name() {
            return "snips";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] u = new double[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = in.weight(i);
                u[i] = v[i] * in.data().reward(i);
            }
            return EstimateTerms.ratio(name(), u, v);
        }
    }

    /** The direct method: the reward model's value of the target policy. */
    record DirectMethod() implements BanditEstimator {
        @Override
        public String name() {
            return "dm";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = in.directValue(i);
            }
            return EstimateTerms.mean(name(), u);
        }
    }

    /** Doubly robust. */
    record DoublyRobust() implements BanditEstimator {
        @Override
        public String name() {
            return "dr";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] = in.directValue(i) + in.weight(i) * (in.data().reward(i) - in.loggedPrediction(i));
            }
            return EstimateTerms.mean(name(), u);
        }
    }

    /** Self-normalised doubly robust: the correction's weights normalised to sum to n. */
    record SelfNormalizedDr() implements BanditEstimator {
        @Override
        public String name() {
            return "sndr";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] d = new double[n];
            double[] c = new double[n];
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = in.directValue(i);
                w[i] = in.weight(i);
                c[i] = w[i] * (in.data().reward(i) - in.loggedPrediction(i));
            }
            return EstimateTerms.sumOfRatios(name(), new double[][] {d, c}, new double[][] {null, w});
        }
    }

    /**
     * Switch doubly robust with threshold τ: decisions whose weight exceeds τ contribute the model's
     * value only, trading a little bias for bounded variance.
     *
     * @param tau the weight threshold, > 0
     */
    record SwitchDr(double tau) implements BanditEstimator {
        public SwitchDr {
            if (!(tau > 0)) {
                throw new IllegalArgumentException("switch-dr threshold must be > 0, got " + tau);
            }
        }

        @Override
        public String name() {
            return "switch-dr";
        }

        @Override
        public EstimateTerms terms(BanditInputs in) {
            int n = in.data().size();
            double[] u = new double[n];
            for (int i = 0; i < n; i++) {
                double w = in.weight(i);
                u[i] = in.directValue(i) + (w <= tau ? w * (in.data().reward(i) - in.loggedPrediction(i)) : 0);
            }
            return EstimateTerms.mean(name(), u);
        }
    }
}
