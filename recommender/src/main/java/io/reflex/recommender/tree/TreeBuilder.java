package io.reflex.recommender.tree;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Builds a balanced {@link ItemTree}: each node's items are split into {@code min(branching, size)}
 * children whose sizes differ by at most one, level by level, by {@link SplitMethod#PCA} (default) or
 * {@link SplitMethod#BALANCED_KMEANS}. {@code branching^depth} must reach the number of items; with
 * only a depth given, the branching is the smallest {@code c} with {@code c^depth ≥ items}.
 *
 * <p>With a {@linkplain Builder#popularityWeight popularity weight} {@code w > 0} the splits see each
 * item as {@code [vector ‖ w · popularity]}: nodes then group items of similar popularity as well as
 * similar taste, so a node's mean embedding and mean popularity summarise its items better for a
 * reward that depends on both (default 0: the item vectors alone, as in TPGR).
 *
 * <p>Settings are validated by the builder; {@link #build} is deterministic for a seed and
 * single-threaded.
 */
public final class TreeBuilder {

    private final int depth;
    private final int branching;
    private final SplitMethod method;
    private final double popularityWeight;
    private final long seed;

    private TreeBuilder(Builder b) {
        this.depth = b.depth;
        this.branching = b.branching;
        this.method = b.method;
        this.popularityWeight = b.popularityWeight;
        this.seed = b.seed;
    }

    /** Depth 2 (TPGR's usual), automatic branching, PCA split, seed 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The smallest branching {@code c} with {@code c^depth ≥ items}. */
    public static int branchingFor(int items, int depth) {
        int c = Math.max(2, (int) Math.floor(Math.pow(items, 1.0 / depth)));
        while (Math.pow(c, depth) < items) {
            c++;
        }
        return c;
    }

    /** Builds the tree over {@code catalog}. */
    public ItemTree build(ItemCatalog catalog) {
        int n = catalog.items();
        int c = branching > 0 ? branching : branchingFor(n, depth);
        if (Math.pow(c, depth) < n) {
            throw new IllegalArgumentException("branching " + c + " and depth " + depth + " reach "
                    + (long) Math.pow(c, depth) + " leaves, fewer than the " + n + " items");
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        ItemCatalog splitOn = popularityWeight > 0 ? withPopularityColumn(catalog, popularityWeight) : catalog;
        int[][] leafStart = new int[depth][];
        int[][] firstChild = new int[depth][];
        int[] bounds = {0, n};
        for (int l = 0; l < depth; l++) {
            leafStart[l] = bounds;
            int nodes = bounds.length - 1;
            int[] nextBounds = new int[Math.min(n, nodes * c) + 1];
            int[] fc = new int[nodes + 1];
            int next = 0;
            for (int k = 0; k < nodes; k++) {
                int from = bounds[k];
                int to = bounds[k + 1];
                int size = to - from;
                int parts = Math.min(c, size);
                fc[k] = next;
                if (l < depth - 1 || parts > 1) {
                    arrange(splitOn, perm, from, to, parts, rnd);
                }
                int base = size / parts;
                int extra = size % parts;
                int at = from;
                for (int p = 0; p < parts; p++) {
                    nextBounds[next++] = at;
                    at += base + (p < extra ? 1 : 0);
                }
            }
            fc[nodes] = next;
            nextBounds[next] = n;
            firstChild[l] = fc;
            bounds = Arrays.copyOf(nextBounds, next + 1);
        }
        return new ItemTree(catalog, depth, c, perm, leafStart, firstChild);
    }

    /** The catalog with {@code weight · popularity} appended to every vector: what the splits see. */
    private static ItemCatalog withPopularityColumn(ItemCatalog catalog, double weight) {
        int dims = catalog.dims();
        int n = catalog.items();
        float[] vectors = new float[n * (dims + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(catalog.vectors(), i * dims, vectors, i * (dims + 1), dims);
            vectors[i * (dims + 1) + dims] = (float) (weight * catalog.popularity()[i]);
        }
        return new ItemCatalog(catalog.itemIds(), dims + 1, vectors, catalog.biases(), catalog.globalMean(), catalog.popularity());
    }

    /** Reorders perm[from, to) so that cutting it into {@code parts} near-equal chunks gives the split. */
    private void arrange(ItemCatalog catalog, int[] perm, int from, int to, int parts, SplittableRandom rnd) {
        if (to - from <= 1) {
            return;
        }
        if (method == SplitMethod.PCA || parts == 1) {
            float[] key = principalProjection(catalog, perm, from, to, rnd);
            sortByKey(perm, from, to, key);
        } else {
            balancedKMeans(catalog, perm, from, to, parts, rnd);
        }
    }

    private static float[] principalProjection(ItemCatalog catalog, int[] perm, int from, int to, SplittableRandom rnd) {
        int dims = catalog.dims();
        float[] vec = catalog.vectors();
        int size = to - from;
        double[] mean = new double[dims];
        for (int x = from; x < to; x++) {
            int b = perm[x] * dims;
            for (int d = 0; d < dims; d++) {
                mean[d] += vec[b + d];
            }
        }
        for (int d = 0; d < dims; d++) {
            mean[d] /= size;
        }
        double[] dir = new double[dims];
        for (int d = 0; d < dims; d++) {
            dir[d] = rnd.nextDouble() - 0.5;
        }
        double[] acc = new double[dims];
        for (int it = 0; it < 25; it++) {
            Arrays.fill(acc, 0);
            for (int x = from; x < to; x++) {
                int b = perm[x] * dims;
                double proj = 0;
                for (int d = 0; d < dims; d++) {
                    proj += (vec[b + d] - mean[d]) * dir[d];
                }
                for (int d = 0; d < dims; d++) {
                    acc[d] += proj * (vec[b + d] - mean[d]);
                }
            }
            double norm = 0;
            for (double a : acc) {
                norm += a * a;
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                break;   // every item identical: any order splits them
            }
            for (int d = 0; d < dims; d++) {
                dir[d] = acc[d] / norm;
            }
        }
        float[] key = new float[size];
        for (int x = from; x < to; x++) {
            int b = perm[x] * dims;
            double proj = 0;
            for (int d = 0; d < dims; d++) {
                proj += (vec[b + d] - mean[d]) * dir[d];
            }
            key[x - from] = (float) proj;
        }
        return key;
    }

    /** Sorts perm[from, to) by key (indexed from 0), ties by item index. */
    private static void sortByKey(int[] perm, int from, int to, float[] key) {
        int size = to - from;
        long[] packed = new long[size];
        for (int x = 0; x < size; x++) {
            int bits = Float.floatToIntBits(key[x] == 0f ? 0f : key[x]);
            int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
            packed[x] = ((long) sortable << 32) | (x & 0xffffffffL);
        }
        Arrays.sort(packed);
        int[] copy = Arrays.copyOfRange(perm, from, to);
        for (int x = 0; x < size; x++) {
            perm[from + x] = copy[(int) packed[x]];
        }
    }

    private static void balancedKMeans(ItemCatalog catalog, int[] perm, int from, int to, int parts, SplittableRandom rnd) {
        int dims = catalog.dims();
        float[] vec = catalog.vectors();
        int size = to - from;
        double[][] centre = new double[parts][dims];
        for (int p = 0; p < parts; p++) {
            int pick = perm[from + (int) ((long) p * size / parts + rnd.nextInt(Math.max(1, size / parts)))];
            for (int d = 0; d < dims; d++) {
                centre[p][d] = vec[pick * dims + d];
            }
        }
        int[] assign = new int[size];
        int[] capacity = new int[parts];
        for (int p = 0; p < parts; p++) {
            capacity[p] = size / parts + (p < size % parts ? 1 : 0);
        }
        double[] dist = new double[parts];
        for (int it = 0; it < 8; it++) {
            // Balanced assignment: items with the largest regret (second best − best) choose first.
            double[][] d2 = new double[size][];
            float[] regret = new float[size];
            for (int x = 0; x < size; x++) {
                int b = perm[from + x] * dims;
                double best = Double.MAX_VALUE;
                double second = Double.MAX_VALUE;
                for (int p = 0; p < parts; p++) {
                    double s = 0;
                    for (int d = 0; d < dims; d++) {
                        double diff = vec[b + d] - centre[p][d];
                        s += diff * diff;
                    }
                    dist[p] = s;
                    if (s < best) {
                        second = best;
                        best = s;
                    } else if (s < second) {
                        second = s;
                    }
                }
                d2[x] = dist.clone();
                regret[x] = (float) -(second - best);
            }
            int[] idx = new int[size];
            for (int x = 0; x < size; x++) {
                idx[x] = x;
            }
            int[] byRegret = idx.clone();
            sortByKey(byRegret, 0, size, regret);
            int[] left = capacity.clone();
            for (int x : byRegret) {
                int bestP = -1;
                for (int p = 0; p < parts; p++) {
                    if (left[p] > 0 && (bestP < 0 || d2[x][p] < d2[x][bestP])) {
                        bestP = p;
                    }
                }
                assign[x] = bestP;
                left[bestP]--;
            }
            for (double[] cRow : centre) {
                Arrays.fill(cRow, 0);
            }
            for (int x = 0; x < size; x++) {
                int b = perm[from + x] * dims;
                for (int d = 0; d < dims; d++) {
                    centre[assign[x]][d] += vec[b + d] / capacity[assign[x]];
                }
            }
        }
        float[] key = new float[size];
        for (int x = 0; x < size; x++) {
            key[x] = assign[x];
        }
        sortByKey(perm, from, to, key);
    }

    /** Validated settings for a {@link TreeBuilder}. */
    public static final class Builder {
        private int depth = 2;
        private int branching;
        private SplitMethod method = SplitMethod.PCA;
        private double popularityWeight;
        private long seed = 1;

        private Builder() {
        }

        /** Levels of choices, in [1, 8] (default 2). */
        public Builder depth(int depth) {
            if (depth < 1 || depth > 8) {
                throw new IllegalArgumentException("depth must be in [1, 8], got " + depth);
            }
            this.depth = depth;
            return this;
        }

        /** Children per node, in [2, 4096]; 0 (default) chooses the smallest that fits the depth. */
        public Builder branching(int branching) {
            if (branching != 0 && (branching < 2 || branching > 4096)) {
                throw new IllegalArgumentException("branching must be 0 (automatic) or in [2, 4096], got " + branching);
            }
            this.branching = branching;
            return this;
        }

        public Builder method(SplitMethod method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * Weight of the popularity coordinate the splits append to each item vector, in [0, 1000]
         * (default 0: vectors alone).
         */
        public Builder popularityWeight(double weight) {
            if (!(weight >= 0 && weight <= 1000)) {
                throw new IllegalArgumentException("popularity weight must be in [0, 1000], got " + weight);
            }
            this.popularityWeight = weight;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public TreeBuilder build() {
            return new TreeBuilder(this);
        }
    }
}
