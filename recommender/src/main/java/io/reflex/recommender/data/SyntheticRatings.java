package io.reflex.recommender.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded generator of ratings with latent structure, as the TPGR reference suggests: users and
 * items are drawn around cluster centres in a {@code latentDims}-dimensional space; item popularity
 * follows Zipf(0.8) over a random order; each user rates about {@code ratingsPerUser} items (a
 * log-normal spread), chosen without replacement with weight {@code popularity × exp(1.5 · affinity)}
 * (people rate what is popular and what they like); the rating is {@code round(3 + 1.2 · affinity + N(0, 0.5²))}
 * clipped to 1..5, where the affinity is the user's and item's dot product (standard deviation ≈ 1).
 *
 * <p>The same settings and seed always give the same ratings. Immutable and thread-safe;
 * {@link #generate()} allocates the matrix.
 */
public final class SyntheticRatings {

    private final int users;
    private final int items;
    private final int latentDims;
    private final int clusters;
    private final int ratingsPerUser;
    private final long seed;

    private SyntheticRatings(Builder b) {
        this.users = b.users;
        this.items = b.items;
        this.latentDims = b.latentDims;
        this.clusters = b.clusters;
        this.ratingsPerUser = b.ratingsPerUser;
        this.seed = b.seed;
    }

    /** Defaults: 1,000 users, 1,700 items, 100 ratings per user (≈ MovieLens-100K's size), 8 dims, 10 clusters, seed 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** Draws the ratings. */
    public Ratings generate() {
        SplittableRandom rnd = new SplittableRandom(seed);
        double sigma2 = 1.0 / Math.sqrt(latentDims);
        double centreSd = Math.sqrt(0.7 * sigma2);
        double noiseSd = Math.sqrt(0.3 * sigma2);
        double[][] userCentres = gaussian(rnd, clusters, latentDims, centreSd);
        double[][] itemCentres = gaussian(rnd, clusters, latentDims, centreSd);
        double[][] u = new double[users][latentDims];
        for (double[] row : u) {
            double[] c = userCentres[rnd.nextInt(clusters)];
            for (int k = 0; k < latentDims; k++) {
                row[k] = c[k] + noiseSd * gauss(rnd);
            }
        }
        double[][] v = new double[items][latentDims];
        for (double[] row : v) {
            double[] c = itemCentres[rnd.nextInt(clusters)];
            for (int k = 0; k < latentDims; k++) {
                row[k] = c[k] + noiseSd * gauss(rnd);
            }
        }
        int[] rank = new int[items];
        for (int i = 0; i < items; i++) {
            rank[i] = i;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        double[] logPopularity = new double[items];
        for (int i = 0; i < items; i++) {
            logPopularity[i] = -0.8 * Math.log(rank[i] + 1.0);
        }
        Ratings.Builder out = Ratings.builder();
        double[] keys = new double[items];
        Integer[] order = new Integer[items];
        for (int user = 0; user < users; user++) {
            int n = (int) Math.round(ratingsPerUser * Math.exp(0.5 * gauss(rnd) - 0.125));
            n = Math.max(Math.min(10, items), Math.min(n, items / 2 > 0 ? Math.max(1, items / 2) : 1));
            double[] affinity = new double[items];
            for (int i = 0; i < items; i++) {
                double a = 0;
                for (int k = 0; k < latentDims; k++) {
                    a += u[user][k] * v[i][k];
                }
                affinity[i] = a;
                // Efraimidis–Spirakis: the n largest log(U)/w are a weighted sample without replacement.
                double logWeight = logPopularity[i] + 1.5 * a;
                keys[i] = Math.log(1 - rnd.nextDouble()) / Math.exp(logWeight);
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(keys[b], keys[a]));
            for (int k = 0; k < n; k++) {
                int item = order[k];
                double r = Math.rint(3 + 1.2 * affinity[item] + 0.5 * gauss(rnd));
                out.add(user + 1L, item + 1L, (float) Math.max(1, Math.min(5, r)));
            }
        }
        return out.build();
    }

    private static double[][] gaussian(SplittableRandom rnd, int rows, int cols, double sd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int k = 0; k < cols; k++) {
                row[k] = sd * gauss(rnd);
            }
        }
        return m;
    }

    private static double gauss(SplittableRandom rnd) {
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Validated settings. */
    public static final class Builder {
        private int users = 1_000;
        private int items = 1_700;
        private int latentDims = 8;
        private int clusters = 10;
        private int ratingsPerUser = 100;
        private long seed = 1;

        private Builder() {
        }

        public Builder users(int users) {
            this.users = positive("users", users);
            return this;
        }

        public Builder items(int items) {
            this.items = positive("items", items);
            return this;
        }

        public Builder latentDims(int dims) {
            this.latentDims = positive("latent dims", dims);
            return this;
        }

        public Builder clusters(int clusters) {
            this.clusters = positive("clusters", clusters);
            return this;
        }

        /** Mean number of ratings per user (each user's count is log-normal around it, at least 10). */
        public Builder ratingsPerUser(int n) {
            this.ratingsPerUser = positive("ratings per user", n);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SyntheticRatings build() {
            return new SyntheticRatings(this);
        }

        private static int positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
