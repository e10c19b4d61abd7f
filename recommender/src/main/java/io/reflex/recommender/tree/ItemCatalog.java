package io.reflex.recommender.tree;

import java.util.Objects;

/**
 * The items a recommender chooses among: external ids, item vectors ({@code dims} floats per item,
 * row-major), the rating model's item biases and global mean (for greedy matrix factorisation), and a
 * popularity feature in [0, 1] ({@code ln(1 + raters) / ln(1 + most raters)}).
 *
 * <p>Immutable by contract (arrays are owned, not copied: do not modify them after construction);
 * thread-safe to share.
 *
 * @param itemIds    external id of each item
 * @param dims       vector dimension
 * @param vectors    {@code items × dims} floats
 * @param biases     item bias of the rating model
 * @param globalMean mean rating of the rating model
 * @param popularity popularity feature in [0, 1]
 */
public record ItemCatalog(long[] itemIds, int dims, float[] vectors, float[] biases, float globalMean, float[] popularity) {

    public ItemCatalog {
        Objects.requireNonNull(itemIds, "itemIds");
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        int n = itemIds.length;
        if (n < 1 || vectors.length != n * dims || biases.length != n || popularity.length != n) {
            throw new IllegalArgumentException("catalog arrays disagree: " + n + " items, " + vectors.length
                    + " vector floats for dims " + dims + ", " + biases.length + " biases, " + popularity.length + " popularities");
        }
    }

    public int items() {
        return itemIds.length;
    }

    /** Dot product of item {@code item}'s vector with {@code u} (at least {@code dims} floats). */
    public float dot(int item, float[] u) {
        float s = 0;
        int base = item * dims;
        for (int k = 0; k < dims; k++) {
            s += vectors[base + k] * u[k];
        }
        return s;
    }

    /** Popularity features from rater counts: {@code ln(1 + c) / ln(1 + max c)}. */
    public static float[] popularityOf(int[] raterCounts) {
        int max = 1;
        for (int c : raterCounts) {
            max = Math.max(max, c);
        }
        float[] p = new float[raterCounts.length];
        double norm = Math.log1p(max);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (Math.log1p(raterCounts[i]) / norm);
        }
        return p;
    }
}
