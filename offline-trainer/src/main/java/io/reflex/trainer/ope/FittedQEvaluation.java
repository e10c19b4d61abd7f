package io.reflex.trainer.ope;

import java.util.List;

/**
 * Fitted Q evaluation (Le, Voloshin and Yue 2019) for finite-horizon episodes: the direct method for
 * sequences. Working backwards from the last step, step {@code t}'s Q function is a
 * {@link RidgeRewardModel} regressed on the targets
 * {@code y = r_t + γ Σ_a π(a|x_{t+1}) Q̂_{t+1}(x_{t+1}, a)} (just {@code r_t} at an episode's last
 * step) of the logged step-{@code t} decisions, one regression per action. One model per step rather
 * than one shared across steps keeps the regression exact for time-dependent values; the estimate of
 * an episode is {@code V̂_0(x_0) = Σ_a π(a|x_0) Q̂_0(x_0, a)}.
 *
 * <p>The fitted values at every logged step are kept for the doubly robust estimator.
 *
 * <p>Immutable once fitted; thread-safe for reading.
 */
public final class FittedQEvaluation {

    private final int actions;
    private final int horizon;
    /** Row-major {@code [episode][step][action]}: Q̂_t(x_t, a); 0 past an episode's end. */
    private final double[] q;
    /** Row-major {@code [episode][step]}: V̂_t(x_t) = Σ_a π(a|x_t) Q̂_t(x_t, a). */
    private final double[] v;

    private FittedQEvaluation(int actions, int horizon, double[] q, double[] v) {
        this.actions = actions;
        this.horizon = horizon;
        this.q = q;
        this.v = v;
    }

    /**
     * Fits FQE.
     *
     * @param target π(a|x_t) per episode, row-major {@code [steps][actions]}
     */
    static FittedQEvaluation fit(EpisodeDataset data, double[][] target, double gamma, double lambda) {
        Steps steps = new Steps(data);
        int k = data.actionCount();
        int h = data.horizon();
        double[] q = new double[data.size() * h * k];
        double[] v = new double[data.size() * h];
        steps.fit(target, gamma, lambda, null, q, v);
        return new FittedQEvaluation(k, h, q, v);
    }

    /**
     * FQE's estimate as a statistic that refits every step's regressions on each bootstrap resample
     * (sample weights = counts), so its interval includes the fitting noise: with the fit held fixed,
     * the interval would cover only the spread of initial states and be far too narrow. A refit costs
     * one pass over the logged steps with a (features + 1)² update each; the per-step layout is built
     * once.
     */
    static ResampledStatistic refitting(String name, EpisodeDataset data, double[][] target, double gamma, double lambda) {
        Steps steps = new Steps(data);
        int h = data.horizon();
        return new ResampledStatistic() {
            private final double[] v = new double[data.size() * h];

            @Override
            public String name() {
                return name;
            }

            @Override
            public int units() {
                return data.size();
            }

            @Override
            public double value(double[] counts, double total) {
                steps.fit(target, gamma, lambda, counts, null, v);
                double s = 0;
                for (int e = 0; e < counts.length; e++) {
                    s += counts[e] * v[e * h];
                }
                return s / total;
            }
        };
    }

    /** Q̂_t(x_t, a) at episode {@code e}'s step {@code t}. */
    public double q(int e, int t, int a) {
        return q[(e * horizon + t) * actions + a];
    }

    /** V̂_t(x_t) at episode {@code e}'s step {@code t}. */
    public double v(int e, int t) {
        return v[e * horizon + t];
    }

    /**
     * The logged steps regrouped by step index, built once per dataset: per step, the contexts as
     * one flat row-major array (no pointer chasing in the refits), the actions, rewards, owning
     * episodes, and whether the step ends its episode.
     */
    private static final class Steps {
        private final int actions;
        private final int horizon;
        private final int width;
        private final double[][] contexts;
        private final int[][] loggedActions;
        private final double[][] rewards;
        private final int[][] owners;
        private final boolean[][] last;

        Steps(EpisodeDataset data) {
            this.actions = data.actionCount();
            this.horizon = data.horizon();
            this.width = data.featureCount();
            List<EpisodeDataset.Episode> episodes = data.episodes();
            int[] m = new int[horizon];
            for (EpisodeDataset.Episode ep : episodes) {
                for (int t = 0; t < ep.length(); t++) {
                    m[t]++;
                }
            }
            contexts = new double[horizon][];
            loggedActions = new int[horizon][];
            rewards = new double[horizon][];
            owners = new int[horizon][];
            last = new boolean[horizon][];
            for (int t = 0; t < horizon; t++) {
                contexts[t] = new double[m[t] * width];
                loggedActions[t] = new int[m[t]];
                rewards[t] = new double[m[t]];
                owners[t] = new int[m[t]];
                last[t] = new boolean[m[t]];
            }
            int[] fill = new int[horizon];
            for (int e = 0; e < episodes.size(); e++) {
                EpisodeDataset.Episode ep = episodes.get(e);
                for (int t = 0; t < ep.length(); t++) {
                    int i = fill[t]++;
                    float[] x = ep.contexts()[t];
                    for (int j = 0; j < width; j++) {
                        contexts[t][i * width + j] = x[j];
                    }
                    loggedActions[t][i] = ep.actions()[t];
                    rewards[t][i] = ep.rewards()[t];
                    owners[t][i] = e;
                    last[t][i] = t == ep.length() - 1;
                }
            }
        }

        /**
         * Fits backwards, writing V̂ (and Q̂ when {@code q} is not null) per episode and step. Each
         * step's regressions are the weighted ridge of {@link RidgeRewardModel}, on the flat layout.
         */
        void fit(double[][] target, double gamma, double lambda, double[] counts, double[] q, double[] v) {
            int k = actions;
            int p = width + 1;
            double[] gram = new double[k * p * p];
            double[] moment = new double[k * p];
            double[] coefficients = new double[k * p];
            for (int t = horizon - 1; t >= 0; t--) {
                double[] x = contexts[t];
                int[] a = loggedActions[t];
                int[] owner = owners[t];
                int m = owner.length;
                java.util.Arrays.fill(gram, 0);
                java.util.Arrays.fill(moment, 0);
                for (int i = 0; i < m; i++) {
                    int e = owner[i];
                    double c = counts == null ? 1 : counts[e];
                    if (c == 0) {
                        continue;
                    }
                    double y = rewards[t][i] + (last[t][i] ? 0 : gamma * v[e * horizon + t + 1]);
                    int g = a[i] * p * p;
                    int mo = a[i] * p;
                    int row = i * width;
                    for (int r = 0; r < width; r++) {
                        double cz = c * x[row + r];
                        moment[mo + r] += cz * y;
                        for (int col = 0; col <= r; col++) {
                            gram[g + r * p + col] += cz * x[row + col];
                        }
                    }
                    // The intercept's row: z[width] = 1.
                    moment[mo + width] += c * y;
                    for (int col = 0; col < width; col++) {
                        gram[g + width * p + col] += c * x[row + col];
                    }
                    gram[g + width * p + width] += c;
                }
                for (int b = 0; b < k; b++) {
                    double[] w = RidgeRewardModel.solveRidge(gram, b * p * p, moment, b * p, p, lambda);
                    System.arraycopy(w, 0, coefficients, b * p, p);
                }
                double[] row = new double[k];
                for (int i = 0; i < m; i++) {
                    int e = owner[i];
                    double[] pi = target[e];
                    double value = 0;
                    for (int b = 0; b < k; b++) {
                        double qb = coefficients[b * p + width];
                        for (int j = 0; j < width; j++) {
                            qb += coefficients[b * p + j] * x[i * width + j];
                        }
                        row[b] = qb;
                        value += pi[t * k + b] * qb;
                    }
                    if (q != null) {
                        System.arraycopy(row, 0, q, (e * horizon + t) * k, k);
                    }
                    v[e * horizon + t] = value;
                }
            }
        }
    }
}
