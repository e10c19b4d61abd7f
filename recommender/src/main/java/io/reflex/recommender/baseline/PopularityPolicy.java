package io.reflex.recommender.baseline;

import io.reflex.recommender.env.SessionPolicy;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The most-rated items first (counted over the training users), the same order for everyone.
 *
 * <p>Immutable and thread-safe; a session is a cursor.
 */
public final class PopularityPolicy implements SessionPolicy {

    private final int[] order;

    /** @param raterCounts training users who rated each item */
    public PopularityPolicy(int[] raterCounts) {
        this.order = java.util.stream.IntStream.range(0, raterCounts.length).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> -raterCounts[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String name() {
        return "popularity";
    }

    /** Items from most to least popular. */
    public int[] order() {
        return Arrays.copyOf(order, order.length);
    }

    @Override
    public Session open(long seed) {
        return new Session() {
            private int next;

            @Override
            public int recommend() {
                return order[next++];
            }

            @Override
            public void feedback(int item, float reward) {
            }
        };
    }
}
