package io.reflex.trainer.ope;

/**
 * A reward model linear in the features, one ridge regression per action on {@code [x, 1]}:
 * {@code q̂(x, a) = w_a · x + b_a}, minimising {@code Σ_i s_i (y_i − q̂(x_i, a_i))² + λ |w_a|²} over
 * the decisions that took action {@code a}. Closed form (normal equations, Cholesky), so fitting is
 * one pass over the data plus a tiny solve per action.
 *
 * <p>It is the direct method's model for bandits, the per-step regression inside
 * {@link FittedQEvaluation}, and, exported through {@link #toScorer()}, a policy learned from logs
 * (greedy in predicted reward). A linear model of a non-linear reward is biased; the doubly robust
 * estimators stay unbiased regardless, which the benchmark shows.
 *
 * <p>Immutable and thread-safe.
 */
public final class RidgeRewardModel implements RewardModel {

    private final int features;
    private final int actions;
    /** Row-major {@code [actions][features + 1]}, the intercept last. */
    private final double[] coefficients;

    private RidgeRewardModel(int features, int actions, double[] coefficients) {
        this.features = features;
        this.actions = actions;
        this.coefficients = coefficients;
    }

    /** Fits on the logged rewards of {@code data}, every decision weighted equally. */
    public static RidgeRewardModel fit(BanditDataset data, double lambda) {
        return fit(data.contexts(), data.actions(), data.rewards(), null, data.featureCount(), data.actionCount(), lambda);
    }

    /**
     * Fits one regression per action.
     *
     * @param contexts features per sample
     * @param actions  the action of each sample (which regression it belongs to)
     * @param targets  the regression targets
     * @param weights  per-sample weights, or null for all 1
     * @param lambda   the ridge penalty (not applied to the intercept), at least 0; an action with no
     *                 samples predicts 0
     */
    public static RidgeRewardModel fit(float[][] contexts, int[] actions, double[] targets, double[] weights,
                                       int features, int actionCount, double lambda) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("ridge penalty must be >= 0, got " + lambda);
        }
        int p = features + 1;
        double[][] gram = new double[actionCount][p * p];
        double[][] moment = new double[actionCount][p];
        double[] z = new double[p];
        for (int i = 0; i < contexts.length; i++) {
            float[] x = contexts[i];
            for (int j = 0; j < features; j++) {
                z[j] = x[j];
            }
            z[features] = 1;
            double s = weights == null ? 1 : weights[i];
            if (s == 0) {
                continue;
            }
            double[] g = gram[actions[i]];
            double[] m = moment[actions[i]];
            double y = targets[i];
            for (int r = 0; r < p; r++) {
                double zr = s * z[r];
                m[r] += zr * y;
                int row = r * p;
                for (int c = 0; c <= r; c++) {
                    g[row + c] += zr * z[c];
                }
            }
        }
        double[] coefficients = new double[actionCount * p];
        for (int a = 0; a < actionCount; a++) {
            double[] w = solveRidge(gram[a], 0, moment[a], 0, p, lambda);
            System.arraycopy(w, 0, coefficients, a * p, p);
        }
        return new RidgeRewardModel(features, actionCount, coefficients);
    }

    @Override
    public double predict(float[] context, int action) {
        int p = features + 1;
        int row = action * p;
        double s = coefficients[row + features];
        for (int j = 0; j < features; j++) {
            s += coefficients[row + j] * context[j];
        }
        return s;
    }

    public int featureCount() {
        return features;
    }

    public int actionCount() {
        return actions;
    }

    /** The model as a scorer of actions by predicted reward (a policy when followed greedily). */
    public LinearActionScorer toScorer() {
        int p = features + 1;
        float[] w = new float[actions * features];
        float[] b = new float[actions];
        for (int a = 0; a < actions; a++) {
            for (int j = 0; j < features; j++) {
                w[a * features + j] = (float) coefficients[a * p + j];
            }
            b[a] = (float) coefficients[a * p + features];
        }
        return new LinearActionScorer(features, actions, w, b);
    }

    /**
     * Solves the ridge normal equations {@code (G + λ I') w = m} whose lower triangle (intercept last)
     * is {@code gram[g ..]} ({@code p × p}) and right side {@code moment[mo ..]}; the intercept is not
     * penalised beyond a tiny ridge that keeps an action without samples solvable (it predicts 0).
     * Reads the lower triangle only and leaves the inputs as they were.
     */
    static double[] solveRidge(double[] gram, int g, double[] moment, int mo, int p, double lambda) {
        double[] a = new double[p * p];
        for (int r = 0; r < p; r++) {
            for (int c = 0; c <= r; c++) {
                a[r * p + c] = gram[g + r * p + c];
                a[c * p + r] = gram[g + r * p + c];
            }
        }
        for (int j = 0; j < p - 1; j++) {
            a[j * p + j] += lambda;
        }
        a[p * p - 1] += 1e-9;
        double[] y = new double[p];
        System.arraycopy(moment, mo, y, 0, p);
        return solveSymmetric(a, y, p);
    }

    /** Solves {@code A w = y} for symmetric positive definite {@code A} (Cholesky); A is overwritten. */
    private static double[] solveSymmetric(double[] a, double[] y, int p) {
        for (int j = 0; j < p; j++) {
            double d = a[j * p + j];
            for (int k = 0; k < j; k++) {
                d -= a[j * p + k] * a[j * p + k];
            }
            if (!(d > 0)) {
                throw new IllegalStateException("ridge normal equations are not positive definite at column " + j
                        + " (a feature constant within an action? raise the penalty)");
            }
            double l = Math.sqrt(d);
            a[j * p + j] = l;
            for (int i = j + 1; i < p; i++) {
                double s = a[i * p + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * p + k] * a[j * p + k];
                }
                a[i * p + j] = s / l;
            }
        }
        double[] v = new double[p];
        for (int i = 0; i < p; i++) {
            double s = y[i];
            for (int k = 0; k < i; k++) {
                s -= a[i * p + k] * v[k];
            }
            v[i] = s / a[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double s = v[i];
            for (int k = i + 1; k < p; k++) {
                s -= a[k * p + i] * v[k];
            }
            v[i] = s / a[i * p + i];
        }
        return v;
    }
}
