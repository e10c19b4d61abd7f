package io.reflex.recommender;

import io.reflex.recommender.baseline.GreedyMfPolicy;
import io.reflex.recommender.baseline.LinUcbPolicy;
import io.reflex.recommender.baseline.PopularityPolicy;
import io.reflex.recommender.baseline.RandomPolicy;
import io.reflex.recommender.data.Ratings;
import io.reflex.recommender.data.RatingsFormat;
import io.reflex.recommender.data.SyntheticRatings;
import io.reflex.recommender.env.PolicyEvaluation;
import io.reflex.recommender.env.RatingsSimulator;
import io.reflex.recommender.env.SessionPolicy;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.MatrixFactorization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readers, the simulator's reward, and the baselines' sanity on generated data. */
class DataAndBaselinesTest {

    @TempDir
    Path dir;

    @Test
    void readsMovieLensCsvAndUdataIntoTheSameMatrix() throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(csv, "userId,movieId,rating,timestamp\n1,10,4.5,100\n1,20,2.0,101\n7,10,3.0,102\n");
        Path udata = dir.resolve("u.data");
        Files.writeString(udata, "1\t10\t4.5\t100\n1\t20\t2\t101\n7\t10\t3\t102\n");
        Ratings a = RatingsFormat.MOVIELENS_CSV.read(csv);
        Ratings b = RatingsFormat.MOVIELENS_UDATA.read(udata);
        assertEquals(a, b);
        assertEquals(2, a.users());
        assertEquals(2, a.items());
        assertEquals(4.5f, a.rating(0, 0));
        assertEquals(0f, a.rating(1, 1));
    }

    @Test
    void aMalformedLineIsAnErrorNamingFileAndLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "userId,movieId,rating,timestamp\n1,10,4.5,100\n1,twenty,2.0,101\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RatingsFormat.MOVIELENS_CSV.read(csv));
        assertTrue(e.getMessage().startsWith(csv + ":3:"), e.getMessage());
        Path udata = dir.resolve("u.data");
        Files.writeString(udata, "1\t10\t4\t100\n1\t20\t9\t101\n");
        e = assertThrows(IllegalArgumentException.class, () -> RatingsFormat.MOVIELENS_UDATA.read(udata));
        assertTrue(e.getMessage().startsWith(udata + ":2:"), e.getMessage());
    }

    @Test
    void rewardScalesRatingsIntoMinusOneToOneAndUnratedToZero() {
        assertEquals(1f, RatingsSimulator.baseReward(5f), 1e-6f);
        assertEquals(-0.6f, RatingsSimulator.baseReward(1f), 1e-6f);
        assertEquals(0f, RatingsSimulator.baseReward(0f));
    }

    @Test
    void baselinesNeverRepeatAndInformedOnesBeatRandom() {
        Ratings ratings = SyntheticRatings.builder().users(200).items(300).ratingsPerUser(40).seed(2).build().generate();
        RatingsSimulator sim = new RatingsSimulator(ratings, 0);
        ItemCatalog catalog = new MatrixFactorization(8, 8, 5.0, 2).fit(ratings, sim.trainUsers());
        int[] raters = new int[ratings.items()];
        for (int u = 0; u < sim.firstTestUser(); u++) {
            for (int x = ratings.rowStart(u); x < ratings.rowEnd(u); x++) {
                raters[ratings.itemAt(x)]++;
            }
        }
        List<SessionPolicy> policies = List.of(new RandomPolicy(ratings.items()), new PopularityPolicy(raters),
                new GreedyMfPolicy(catalog), new LinUcbPolicy(catalog, 0.3));
        for (SessionPolicy policy : policies) {
            SessionPolicy.Session s = policy.open(1);
            Set<Integer> seen = new HashSet<>();
            for (int t = 0; t < 100; t++) {
                int item = s.recommend();
                assertTrue(seen.add(item), policy.name() + " repeated " + item);
                s.feedback(item, RatingsSimulator.baseReward(ratings.rating(0, item)));
            }
        }
        double random = PolicyEvaluation.run(sim, policies.get(0), 1).avgReward();
        double popularity = PolicyEvaluation.run(sim, policies.get(1), 1).avgReward();
        double linucb = PolicyEvaluation.run(sim, policies.get(3), 1).avgReward();
        assertTrue(popularity > random, "popularity " + popularity + " vs random " + random);
        assertTrue(linucb > random, "linucb " + linucb + " vs random " + random);
    }
}
