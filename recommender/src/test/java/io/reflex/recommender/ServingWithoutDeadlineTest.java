package io.reflex.recommender;

import io.reflex.recommender.serve.RecommendationSession;
import io.reflex.recommender.serve.TreeRecommender;
import io.reflex.recommender.train.TpgrModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TreeRecommender.Builder#noDeadline()}: what a simulator needs, walks that never fall back for
 * being late and repeat exactly. No assertion depends on the machine's speed except in the direction a
 * slower machine cannot break (a 1 ns deadline is missed).
 */
class ServingWithoutDeadlineTest {

    private static final int SESSIONS = 5;
    private static final int STEPS = 20;

    @TempDir
    Path dir;

    /** The items {@code SESSIONS} sessions of {@code STEPS} sampled recommendations receive, and the fallbacks. */
    private static long walk(TreeRecommender.Builder builder, int[] items) {
        try (TreeRecommender rec = builder.build(); TreeRecommender.Decider decider = rec.newDecider()) {
            assertTrue(rec.allLevelsServing(), rec.loads().toString());
            int n = 0;
            for (int s = 0; s < SESSIONS; s++) {
                try (RecommendationSession session = rec.openSession()) {
                    for (int t = 0; t < STEPS; t++) {
                        items[n] = decider.recommend(session);
                        session.feedback(items[n], n % 3 == 0 ? 1f : 0f);
                        n++;
                    }
                }
            }
            assertEquals(rec.fallbacks(), decider.fallbackLevels());
            return rec.fallbacks();
        }
    }

    @Test
    void aTinyDeadlineFallsBackWhileNoDeadlineServesEveryLevelAndRepeatsExactly() {
        TpgrModel model = ExportAndServingTest.trained(ExportAndServingTest.small(11), 11);
        List<Path> files = model.export(dir);
        int depth = model.tree().depth();
        // Sampled walks (temperature 1, seeded): the sampler's draws must repeat too.
        TreeRecommender.Builder base = TreeRecommender.builder().tree(model.tree()).models(files)
                .temperature(1.0).warmup(Duration.ZERO).seed(13);

        // 1 ns a level: a level's evaluation is always late, however fast the machine.
        int[] served = new int[SESSIONS * STEPS];
        assertTrue(walk(base.deadline(Duration.ofNanos(depth)), served) > 0, "a 1 ns deadline is missed");

        int[] first = new int[SESSIONS * STEPS];
        int[] second = new int[SESSIONS * STEPS];
        assertEquals(0, walk(base.noDeadline(), first));
        assertEquals(0, walk(base, second));
        assertArrayEquals(first, second);

        try (TreeRecommender rec = base.build()) {
            for (int l = 0; l < depth; l++) {
                assertFalse(rec.runtime(l).hasDeadline(), "level " + l);
            }
        }
        try (TreeRecommender rec = base.deadline(Duration.ofMillis(1)).build()) {
            assertTrue(rec.runtime(0).hasDeadline(), "deadline() after noDeadline() restores one");
        }
    }

    @Test
    void builderRefusesANullDeadlineAndOneTooShortForEveryLevel() {
        assertEquals("deadline (for none, use the builder's noDeadline())",
                assertThrows(NullPointerException.class, () -> TreeRecommender.builder().deadline(null)).getMessage());
        TpgrModel model = ExportAndServingTest.trained(ExportAndServingTest.small(12), 12);
        List<Path> files = model.export(dir);
        TreeRecommender.Builder b = TreeRecommender.builder().tree(model.tree()).models(files)
                .deadline(Duration.ofNanos(model.tree().depth() - 1));
        assertEquals("a deadline of PT0.000000001S leaves under 1 ns to each of 2 levels",
                assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }
}
