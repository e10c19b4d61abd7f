package io.reflex.recommender.env;

import io.reflex.recommender.data.Ratings;

/**
 * The TPGR environment built from a ratings matrix: recommending item {@code i} to user {@code u}
 * earns {@code 0.4 · r − 1} when {@code u} rated it {@code r} (0–5 scale, so (−1, 1]), 0 when not,
 * plus an optional sequential bonus {@code α · (consecutive positives − consecutive negatives)} over
 * the episode so far; episodes are {@value #EPISODE_STEPS} steps; users are split 80/20 by id
 * (internal index, which follows the external id order) into training and test users.
 *
 * <p>Immutable and thread-safe; episodes keep their own streak counters ({@link Episode}).
 */
public final class RatingsSimulator {

    /** Steps per episode. */
    public static final int EPISODE_STEPS = 32;

    private final Ratings ratings;
    private final double alpha;
    private final int firstTestUser;

    /**
     * @param alpha sequential bonus weight α, in [0, 1] (the reference uses 0, 0.1, 0.2)
     */
    public RatingsSimulator(Ratings ratings, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        if (ratings.users() < 2) {
            throw new IllegalArgumentException("need at least 2 users for a train/test split, got " + ratings.users());
        }
        this.ratings = ratings;
        this.alpha = alpha;
        this.firstTestUser = Math.max(1, Math.min(ratings.users() - 1, (int) Math.round(ratings.users() * 0.8)));
    }

    public Ratings ratings() {
        return ratings;
    }

    /** Training users: {@code [0, firstTestUser())}. */
    public int firstTestUser() {
        return firstTestUser;
    }

    /** Flags of the training users, for fitting item vectors on them alone. */
    public boolean[] trainUsers() {
        boolean[] train = new boolean[ratings.users()];
        for (int u = 0; u < firstTestUser; u++) {
            train[u] = true;
        }
        return train;
    }

    /** The reward without the sequential bonus. */
    public static float baseReward(float rating) {
        return rating > 0 ? 0.4f * rating - 1f : 0f;
    }

    /** A new episode for {@code user}. */
    public Episode episode(int user) {
        return new Episode(user);
    }

    /** One user's episode: rewards with the streak bonus. Not thread-safe; allocates nothing per step. */
    public final class Episode {
        private final int user;
        private int positives;
        private int negatives;

        private Episode(int user) {
            this.user = user;
        }

        public int user() {
            return user;
        }

        /** The rating behind the last or any recommendation (0 when unrated). */
        public float rating(int item) {
            return ratings.rating(user, item);
        }

        /** Rewards recommending {@code item} now, and advances the streaks. */
        public float step(int item) {
            float base = baseReward(ratings.rating(user, item));
            float reward = (float) (base + alpha * (positives - negatives));
            if (base > 0) {
                positives++;
                negatives = 0;
            } else if (base < 0) {
                negatives++;
                positives = 0;
            } else {
                positives = 0;
                negatives = 0;
            }
            return reward;
        }
    }
}
