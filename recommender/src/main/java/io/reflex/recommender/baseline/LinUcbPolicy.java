package io.reflex.recommender.baseline;

import io.reflex.recommender.env.SessionPolicy;
import io.reflex.recommender.tree.ItemCatalog;

/**
 * LinUCB (Li et al., WWW 2010) per session over item features {@code x_i = [q_i ‖ popularity_i ‖ 1]}:
 * ridge estimate {@code θ = A⁻¹ b} from the session's rewards, and each step the untaken item with
 * the highest {@code θ·x + α √(xᵀ A⁻¹ x)}. O(items · d²) per decision.
 *
 * <p>Thread-safe to open; a session is single-threaded and allocates its matrices.
 */
public final class LinUcbPolicy implements SessionPolicy {

    private final ItemCatalog catalog;
    private final double alpha;

    /** @param alpha exploration weight, >= 0 */
    public LinUcbPolicy(ItemCatalog catalog, double alpha) {
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("alpha must be >= 0, got " + alpha);
        }
        this.catalog = catalog;
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "linucb";
    }

    @Override
    public Session open(long seed) {
        int dims = catalog.dims();
        int d = dims + 2;
        boolean[] taken = new boolean[catalog.items()];
        double[] inv = new double[d * d];
        for (int k = 0; k < d; k++) {
            inv[k * d + k] = 1;
        }
        double[] b = new double[d];
        double[] theta = new double[d];
        double[] x = new double[d];
        double[] ax = new double[d];
        return new Session() {
            @Override
            public int recommend() {
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < taken.length; i++) {
                    if (taken[i]) {
                        continue;
                    }
                    features(i, x);
                    double mean = 0;
                    double var = 0;
                    for (int r = 0; r < d; r++) {
                        mean += theta[r] * x[r];
                        double s = 0;
                        for (int c = 0; c < d; c++) {
                            s += inv[r * d + c] * x[c];
                        }
                        var += x[r] * s;
                    }
                    double score = mean + alpha * Math.sqrt(Math.max(0, var));
                    if (score > bestScore) {
                        bestScore = score;
                        best = i;
                    }
                }
                taken[best] = true;
                return best;
            }

            @Override
            public void feedback(int item, float reward) {
                features(item, x);
                double denom = 1;
                for (int r = 0; r < d; r++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += inv[r * d + c] * x[c];
                    }
                    ax[r] = s;
                    denom += x[r] * s;
                }
                for (int r = 0; r < d; r++) {
                    for (int c = 0; c < d; c++) {
                        inv[r * d + c] -= ax[r] * ax[c] / denom;
                    }
                    b[r] += reward * x[r];
                }
                for (int r = 0; r < d; r++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += inv[r * d + c] * b[c];
                    }
                    theta[r] = s;
                }
            }

            private void features(int item, double[] out) {
                for (int k = 0; k < dims; k++) {
                    out[k] = catalog.vectors()[item * dims + k];
                }
                out[dims] = catalog.popularity()[item];
                out[dims + 1] = 1;
            }
        };
    }
}
