package io.reflex.recommender.baseline;

import io.reflex.recommender.env.SessionPolicy;

import java.util.SplittableRandom;

/**
 * Uniformly random items without repeats (a lazy Fisher–Yates shuffle per session).
 *
 * <p>Thread-safe to open; each session is single-threaded and allocates its permutation.
 */
public final class RandomPolicy implements SessionPolicy {

    private final int items;

    public RandomPolicy(int items) {
        this.items = items;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Session open(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] perm = new int[items];
        for (int i = 0; i < items; i++) {
            perm[i] = i;
        }
        return new Session() {
            private int next;

            @Override
            public int recommend() {
                if (next == items) {
                    throw new IllegalStateException("every item was already recommended");
                }
                int j = next + rnd.nextInt(items - next);
                int t = perm[j];
                perm[j] = perm[next];
                perm[next] = t;
                return perm[next++];
            }

            @Override
            public void feedback(int item, float reward) {
            }
        };
    }
}
