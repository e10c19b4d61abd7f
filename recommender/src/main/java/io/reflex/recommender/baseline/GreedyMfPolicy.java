package io.reflex.recommender.baseline;

import io.reflex.recommender.env.SessionPolicy;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.tree.ItemCatalog;

/**
 * Greedy matrix factorisation (TPGR's GreedySVD): the user's vector is the ridge estimate from the
 * session's rated feedback (rating recovered from the reward, minus the global mean and item bias),
 * and each step recommends the untaken item with the highest predicted rating {@code b_i + û · q_i}.
 * Unrated feedback (reward 0) carries no rating and is skipped. O(items · dims) per decision.
 *
 * <p>Thread-safe to open; a session is single-threaded and allocates its mask.
 */
public final class GreedyMfPolicy implements SessionPolicy {

    private final ItemCatalog catalog;

    public GreedyMfPolicy(ItemCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "greedy-mf";
    }

    @Override
    public Session open(long seed) {
        boolean[] taken = new boolean[catalog.items()];
        UserStateEncoder user = new UserStateEncoder(catalog.dims(), 1.0);
        return new Session() {
            @Override
            public int recommend() {
                float[] u = user.estimate();
                int best = -1;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < taken.length; i++) {
                    if (!taken[i]) {
                        float s = catalog.biases()[i] + catalog.dot(i, u);
                        if (s > bestScore) {
                            bestScore = s;
                            best = i;
                        }
                    }
                }
                taken[best] = true;
                return best;
            }

            @Override
            public void feedback(int item, float reward) {
                if (reward != 0f) {
                    float rating = (reward + 1f) / 0.4f;
                    user.update(catalog.vectors(), item * catalog.dims(),
                            rating - catalog.globalMean() - catalog.biases()[item]);
                }
            }
        };
    }
}
