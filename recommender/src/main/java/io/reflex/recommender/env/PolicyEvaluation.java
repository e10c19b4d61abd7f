package io.reflex.recommender.env;

import io.reflex.recommender.data.Ratings;

import java.util.Arrays;

/**
 * Runs one {@value RatingsSimulator#EPISODE_STEPS}-step episode per test user for a policy and
 * reports TPGR's metrics: average reward per step, precision@32 (recommended items rated at or above
 * 3.5, over 32), recall@32 (the same over the user's relevant items; users without any are left out of
 * the recall mean), and the p99 of the time {@link SessionPolicy.Session#recommend()} took.
 *
 * <p>Stateless; {@link #run} allocates its latency array.
 */
public final class PolicyEvaluation {

    /** Metrics of one policy. */
    public record Result(String policy, double avgReward, double precisionAt32, double recallAt32, long p99DecisionNs) {
    }

    private PolicyEvaluation() {
    }

    /** Evaluates {@code policy} on the simulator's test users. */
    public static Result run(RatingsSimulator sim, SessionPolicy policy, long seed) {
        Ratings ratings = sim.ratings();
        int steps = RatingsSimulator.EPISODE_STEPS;
        int first = sim.firstTestUser();
        int users = ratings.users() - first;
        long[] latencies = new long[users * steps];
        double reward = 0;
        double precision = 0;
        double recall = 0;
        int recallUsers = 0;
        int n = 0;
        for (int user = first; user < ratings.users(); user++) {
            SessionPolicy.Session session = policy.open(seed * 1_000_003L + user);
            RatingsSimulator.Episode episode = sim.episode(user);
            int relevantHits = 0;
            for (int t = 0; t < steps; t++) {
                long start = System.nanoTime();
                int item = session.recommend();
                latencies[n++] = System.nanoTime() - start;
                float r = episode.step(item);
                reward += r;
                if (episode.rating(item) >= Ratings.RELEVANT) {
                    relevantHits++;
                }
                session.feedback(item, r);
            }
            precision += relevantHits / (double) steps;
            int relevant = ratings.relevantCount(user);
            if (relevant > 0) {
                recall += relevantHits / (double) relevant;
                recallUsers++;
            }
        }
        Arrays.sort(latencies, 0, n);
        long p99 = n == 0 ? 0 : latencies[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)];
        return new Result(policy.name(), reward / Math.max(1, n), precision / Math.max(1, users),
                recallUsers == 0 ? 0 : recall / recallUsers, p99);
    }
}
