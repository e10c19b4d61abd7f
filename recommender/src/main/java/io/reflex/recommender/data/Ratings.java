package io.reflex.recommender.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable, compact users × items ratings matrix: compressed rows (one row per user, items
 * sorted), dense internal indices {@code 0..users-1} and {@code 0..items-1}, and the external ids
 * they came from. Ratings are on a 0–5 scale (MovieLens' own).
 *
 * <p>Thread-safe (immutable). Lookups ({@link #rating}) allocate nothing: a binary search in the row.
 */
public final class Ratings {

    /** Ratings at or above this count as relevant (precision and recall). */
    public static final float RELEVANT = 3.5f;
    /** The top of the rating scale. */
    public static final float MAX_RATING = 5f;

    private final long[] userIds;
    private final long[] itemIds;
    private final int[] rowStart;
    private final int[] items;
    private final float[] values;

    private Ratings(long[] userIds, long[] itemIds, int[] rowStart, int[] items, float[] values) {
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.rowStart = rowStart;
        this.items = items;
        this.values = values;
    }

    /** A builder taking (external user, external item, rating) triples in any order. */
    public static Builder builder() {
        return new Builder();
    }

    public int users() {
        return userIds.length;
    }

    public int items() {
        return itemIds.length;
    }

    /** Number of stored ratings. */
    public int size() {
        return items.length;
    }

    public long userId(int user) {
        return userIds[user];
    }

    public long itemId(int item) {
        return itemIds[item];
    }

    /** The rating of {@code item} by {@code user}, or 0 when the user did not rate it. */
    public float rating(int user, int item) {
        int at = Arrays.binarySearch(items, rowStart[user], rowStart[user + 1], item);
        return at >= 0 ? values[at] : 0f;
    }

    /** First index into {@link #itemAt}/{@link #valueAt} of {@code user}'s row. */
    public int rowStart(int user) {
        return rowStart[user];
    }

    /** One past the last index of {@code user}'s row. */
    public int rowEnd(int user) {
        return rowStart[user + 1];
    }

    public int itemAt(int index) {
        return items[index];
    }

    public float valueAt(int index) {
        return values[index];
    }

    /** Number of items {@code user} rated at or above {@link #RELEVANT}. */
    public int relevantCount(int user) {
        int n = 0;
        for (int k = rowStart[user]; k < rowStart[user + 1]; k++) {
            if (values[k] >= RELEVANT) {
                n++;
            }
        }
        return n;
    }

    /** How many users rated each item. */
    public int[] itemCounts() {
        int[] counts = new int[items()];
        for (int item : items) {
            counts[item]++;
        }
        return counts;
    }

    /**
     * Collects triples. Duplicate (user, item) pairs keep the last rating. Not thread-safe; grows
     * its arrays as triples arrive.
     */
    public static final class Builder {
        private long[] users = new long[1024];
        private long[] itemsRaw = new long[1024];
        private float[] ratings = new float[1024];
        private int n;

        private Builder() {
        }

        /**
         * Adds one rating.
         *
         * @throws IllegalArgumentException when the rating is not in (0, 5]
         */
        public Builder add(long user, long item, float rating) {
            if (!(rating > 0 && rating <= MAX_RATING)) {
                throw new IllegalArgumentException("rating must be in (0, 5], got " + rating);
            }
            if (n == users.length) {
                users = Arrays.copyOf(users, n * 2);
                itemsRaw = Arrays.copyOf(itemsRaw, n * 2);
                ratings = Arrays.copyOf(ratings, n * 2);
            }
            users[n] = user;
            itemsRaw[n] = item;
            ratings[n] = rating;
            n++;
            return this;
        }

        /** Number of triples added so far. */
        public int size() {
            return n;
        }

        public Ratings build() {
            if (n == 0) {
                throw new IllegalStateException("no ratings");
            }
            long[] userIds = Arrays.stream(users, 0, n).distinct().sorted().toArray();
            long[] itemIds = Arrays.stream(itemsRaw, 0, n).distinct().sorted().toArray();
            int[] u = new int[n];
            int[] it = new int[n];
            int[] rowCount = new int[userIds.length + 1];
            for (int k = 0; k < n; k++) {
                u[k] = Arrays.binarySearch(userIds, users[k]);
                it[k] = Arrays.binarySearch(itemIds, itemsRaw[k]);
                rowCount[u[k] + 1]++;
            }
            // Sort triples by (user, item), keeping the last of duplicates.
            Integer[] order = new Integer[n];
            for (int k = 0; k < n; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> u[a] != u[b] ? Integer.compare(u[a], u[b])
                    : it[a] != it[b] ? Integer.compare(it[a], it[b]) : Integer.compare(a, b));
            int[] rowStart = new int[userIds.length + 1];
            int[] outItems = new int[n];
            float[] outValues = new float[n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                int idx = order[k];
                if (m > 0 && k > 0 && u[order[k - 1]] == u[idx] && it[order[k - 1]] == it[idx]) {
                    outValues[m - 1] = ratings[idx];
                    continue;
                }
                outItems[m] = it[idx];
                outValues[m] = ratings[idx];
                rowStart[u[idx] + 1]++;
                m++;
            }
            for (int k = 0; k < userIds.length; k++) {
                rowStart[k + 1] += rowStart[k];
            }
            return new Ratings(userIds, itemIds, rowStart, Arrays.copyOf(outItems, m), Arrays.copyOf(outValues, m));
        }
    }

    @Override
    public String toString() {
        return "Ratings[" + users() + " users, " + items() + " items, " + size() + " ratings]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ratings r && Arrays.equals(userIds, r.userIds) && Arrays.equals(itemIds, r.itemIds)
                && Arrays.equals(rowStart, r.rowStart) && Arrays.equals(items, r.items) && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(items), Arrays.hashCode(values));
    }
}
