package io.reflex.recommender.tree;

import io.reflex.recommender.data.Ratings;

import java.util.SplittableRandom;

/**
 * Seeded matrix factorisation of a ratings matrix by alternating least squares with biases:
 * {@code r ≈ μ + b_u + b_i + p_u · q_i}, L2-regularised ({@code lambda}); each half-step solves one
 * small {@code (dims+1)²} normal-equation system per user or item. Only the rows of the users the
 * caller marks as training users are fitted, so test users' ratings never leak into the item vectors.
 *
 * <p>Immutable settings; {@link #fit} is deterministic for a seed, single-threaded and allocates its
 * factor matrices.
 */
public final class MatrixFactorization {

    private final int dims;
    private final int iterations;
    private final double lambda;
    private final long seed;

    /**
     * @param dims       vector dimension, in [1, 64]
     * @param iterations ALS sweeps, in [1, 100]
     * @param lambda     L2 weight, > 0
     * @param seed       seed of the initial item vectors
     */
    public MatrixFactorization(int dims, int iterations, double lambda, long seed) {
        if (dims < 1 || dims > 64) {
            throw new IllegalArgumentException("dims must be in [1, 64], got " + dims);
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("iterations must be in [1, 100], got " + iterations);
        }
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
        }
        this.dims = dims;
        this.iterations = iterations;
        this.lambda = lambda;
        this.seed = seed;
    }

    /** Fits the factors on {@code trainUsers}' ratings and returns the item catalog. */
    public ItemCatalog fit(Ratings ratings, boolean[] trainUsers) {
        int users = ratings.users();
        int items = ratings.items();
        int k = dims;
        double sum = 0;
        long count = 0;
        int[] raters = new int[items];
        // Item-major index of the training ratings (CSC), for the item half-steps.
        int[] colStart = new int[items + 1];
        for (int u = 0; u < users; u++) {
            if (!trainUsers[u]) {
                continue;
            }
            for (int x = ratings.rowStart(u); x < ratings.rowEnd(u); x++) {
                sum += ratings.valueAt(x);
                count++;
                raters[ratings.itemAt(x)]++;
                colStart[ratings.itemAt(x) + 1]++;
            }
        }
        for (int i = 0; i < items; i++) {
            colStart[i + 1] += colStart[i];
        }
        int[] colUser = new int[colStart[items]];
        float[] colValue = new float[colStart[items]];
        int[] fill = colStart.clone();
        for (int u = 0; u < users; u++) {
            if (!trainUsers[u]) {
                continue;
            }
            for (int x = ratings.rowStart(u); x < ratings.rowEnd(u); x++) {
                int i = ratings.itemAt(x);
                colUser[fill[i]] = u;
                colValue[fill[i]++] = ratings.valueAt(x);
            }
        }
        double mu = count == 0 ? 3 : sum / count;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] p = new double[users][k];
        double[] bu = new double[users];
        double[][] q = new double[items][k];
        double[] bi = new double[items];
        for (double[] row : q) {
            for (int d = 0; d < k; d++) {
                row[d] = 0.1 * (rnd.nextDouble() * 2 - 1);
            }
        }
        double[][] a = new double[k + 1][k + 1];
        double[] b = new double[k + 1];
        double[] x = new double[k + 1];
        for (int it = 0; it < iterations; it++) {
            for (int u = 0; u < users; u++) {
                if (!trainUsers[u]) {
                    continue;
                }
                clear(a, b);
                for (int e = ratings.rowStart(u); e < ratings.rowEnd(u); e++) {
                    int i = ratings.itemAt(e);
                    accumulate(a, b, q[i], ratings.valueAt(e) - mu - bi[i]);
                }
                solve(a, b, x, lambda);
                System.arraycopy(x, 0, p[u], 0, k);
                bu[u] = x[k];
            }
            for (int i = 0; i < items; i++) {
                clear(a, b);
                for (int e = colStart[i]; e < colStart[i + 1]; e++) {
                    int u = colUser[e];
                    accumulate(a, b, p[u], colValue[e] - mu - bu[u]);
                }
                solve(a, b, x, lambda);
                System.arraycopy(x, 0, q[i], 0, k);
                bi[i] = x[k];
            }
        }
        long[] ids = new long[items];
        float[] vectors = new float[items * k];
        float[] biases = new float[items];
        for (int i = 0; i < items; i++) {
            ids[i] = ratings.itemId(i);
            for (int d = 0; d < k; d++) {
                vectors[i * k + d] = (float) q[i][d];
            }
            biases[i] = (float) bi[i];
        }
        return new ItemCatalog(ids, k, vectors, biases, (float) mu, ItemCatalog.popularityOf(raters));
    }

    private static void clear(double[][] a, double[] b) {
        for (double[] row : a) {
            java.util.Arrays.fill(row, 0);
        }
        java.util.Arrays.fill(b, 0);
    }

    /** Adds feature [f, 1] with target y to the normal equations. */
    private static void accumulate(double[][] a, double[] b, double[] f, double y) {
        int k = f.length;
        for (int r = 0; r <= k; r++) {
            double fr = r < k ? f[r] : 1;
            b[r] += fr * y;
            for (int c = 0; c <= k; c++) {
                a[r][c] += fr * (c < k ? f[c] : 1);
            }
        }
    }

    /** Solves (a + λI) x = b by Gaussian elimination with partial pivoting; a and b are overwritten. */
    static void solve(double[][] a, double[] b, double[] x, double lambda) {
        int n = b.length;
        for (int r = 0; r < n; r++) {
            a[r][r] += lambda;
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            double tb = b[c];
            b[c] = b[piv];
            b[piv] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int cc = c; cc < n; cc++) {
                    a[r][cc] -= f * a[c][cc];
                }
                b[r] -= f * b[c];
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
    }
}
