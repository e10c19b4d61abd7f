package io.reflex.recommender;

import io.reflex.engine.log.DecisionLogReader;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.log.LogRecord;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.recommender.data.Ratings;
import io.reflex.recommender.data.SyntheticRatings;
import io.reflex.recommender.env.RatingsSimulator;
import io.reflex.recommender.serve.RecommendationSession;
import io.reflex.recommender.serve.TreeRecommender;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.train.ReinforceTrainer;
import io.reflex.recommender.train.TpgrModel;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.MatrixFactorization;
import io.reflex.recommender.tree.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trained level models load on the engine's fast path, agree with the trainer, and serve sessions. */
class ExportAndServingTest {

    @TempDir
    Path dir;

    static Ratings small(long seed) {
        return SyntheticRatings.builder().users(120).items(150).ratingsPerUser(30).seed(seed).build().generate();
    }

    static TpgrModel trained(Ratings ratings, long seed) {
        RatingsSimulator sim = new RatingsSimulator(ratings, 0);
        ItemCatalog catalog = new MatrixFactorization(8, 5, 5.0, seed).fit(ratings, sim.trainUsers());
        ItemTree tree = TreeBuilder.builder().depth(2).seed(seed).build().build(catalog);
        return ReinforceTrainer.builder().epochs(1).episodesPerUser(2).seed(seed).build().train(sim, tree);
    }

    @Test
    void exportedLevelModelsRunOnTheFastPathAndAgreeWithTheTrainersForwardPass() {
        TpgrModel model = trained(small(3), 3);
        List<Path> files = model.export(dir);
        int c = model.tree().branching();
        int width = ChildRows.width(8);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int level = 0; level < files.size(); level++) {
            PolicyLoader loader = PolicyLoader.builder().input(TpgrModel.INPUT, 1, width).output(TpgrModel.OUTPUT, 1, 1).build();
            try (Policy policy = loader.load(files.get(level)); Policy.Evaluator evaluator = policy.newEvaluator()) {
                assertEquals(Backend.VECTOR, policy.backend(), policy.fastPathStatus());
                int stateWidth = UserStateEncoder.width(8);
                float[] rows = new float[c * width];
                for (int i = 0; i < rows.length; i++) {
                    // Every row of a decision carries the same state, which the runtime folds once.
                    rows[i] = i % width < stateWidth && i >= width ? rows[i % width] : (float) (rnd.nextDouble() * 2 - 1);
                }
                float[] engine = new float[c];
                float[] trainer = new float[c];
                evaluator.evaluateRows(rows, c, engine, 0, stateWidth);
                model.score(level, rows, trainer);
                for (int j = 0; j < c; j++) {
                    assertEquals(trainer[j], engine[j], 1e-4f * Math.max(1f, Math.abs(trainer[j])), "row " + j);
                }
            }
        }
    }

    @Test
    void servedSessionsNeverRepeatAndLogDecisionsWithPropensities() throws Exception {
        TpgrModel model = trained(small(4), 4);
        List<Path> files = model.export(dir.resolve("models"));
        Path logDir = dir.resolve("log");
        try (DecisionLogWriter log = DecisionLogWriter.builder(logDir).open();
             TreeRecommender recommender = TreeRecommender.builder().tree(model.tree()).models(files)
                     .temperature(1.0).noDeadline().warmup(Duration.ZERO).decisionLog(log).seed(9).build();
             TreeRecommender.Decider decider = recommender.newDecider()) {
            assertTrue(recommender.allLevelsServing(), recommender.loads().toString());
            try (RecommendationSession session = recommender.openSession()) {
                Set<Integer> seen = new HashSet<>();
                for (int t = 0; t < 40; t++) {
                    int item = decider.recommend(session);
                    assertTrue(seen.add(item), "repeated item " + item);
                    double p = decider.lastPropensity();
                    assertTrue(p > 0 && p <= 1, "propensity " + p);
                    session.feedback(item, t % 3 == 0 ? 1f : 0f);
                }
            }
            log.close();
            List<LogRecord.Decision> decisions = new java.util.ArrayList<>();
            int[] outcomes = new int[1];
            DecisionLogReader.open(logDir).forEach(r -> {
                if (r instanceof LogRecord.Decision d) {
                    decisions.add(d);
                } else {
                    outcomes[0]++;
                }
            });
            assertEquals(40, decisions.size());
            assertEquals(40, outcomes[0]);
            assertTrue(decisions.stream().allMatch(d -> d.propensity() > 0 && d.propensity() <= 1));
        }
    }

    @Test
    void aRestartedSessionRecommendsAsAFreshOneWouldAndMayRepeatItsPreviousItems() {
        TpgrModel model = trained(small(5), 5);
        List<Path> files = model.export(dir.resolve("models"));
        try (TreeRecommender recommender = TreeRecommender.builder().tree(model.tree()).models(files)
                     .noDeadline().warmup(Duration.ZERO).build();
             TreeRecommender.Decider decider = recommender.newDecider()) {
            assertTrue(recommender.allLevelsServing(), recommender.loads().toString());
            // Greedy walks (temperature 0): a session's items follow from its history alone.
            int[] fresh = new int[20];
            try (RecommendationSession session = recommender.openSession()) {
                for (int t = 0; t < fresh.length; t++) {
                    fresh[t] = decider.recommend(session);
                    session.feedback(fresh[t], t % 2 == 0 ? 0.6f : -0.2f);
                }
            }
            RecommendationSession recycled = recommender.openSession();
            for (int t = 0; t < 7; t++) {
                recycled.feedback(decider.recommend(recycled), 1f);
            }
            recycled.close();
            recycled.restart();
            assertEquals(0, recycled.recommended());
            int[] again = new int[fresh.length];
            for (int t = 0; t < again.length; t++) {
                again[t] = decider.recommend(recycled);
                recycled.feedback(again[t], t % 2 == 0 ? 0.6f : -0.2f);
            }
            assertArrayEquals(fresh, again);
        }
    }

    @Test
    void trainingIsDeterministicForASeed() {
        Ratings a = small(7);
        Ratings b = small(7);
        assertEquals(a, b);
        TpgrModel m1 = trained(a, 7);
        TpgrModel m2 = trained(b, 7);
        for (int level = 0; level < m1.tree().depth(); level++) {
            float[] rows = new float[m1.tree().branching() * ChildRows.width(8)];
            java.util.Arrays.fill(rows, 0.3f);
            float[] s1 = new float[m1.tree().branching()];
            float[] s2 = new float[m1.tree().branching()];
            m1.score(level, rows, s1);
            m2.score(level, rows, s2);
            assertArrayEquals(s1, s2);
        }
    }
}
