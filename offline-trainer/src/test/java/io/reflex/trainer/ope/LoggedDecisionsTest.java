package io.reflex.trainer.ope;

import io.reflex.engine.log.DecisionLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the engine's decision log back: joining outcomes, counting what cannot be used, cutting episodes. */
class LoggedDecisionsTest {

    @TempDir
    Path dir;

    private void log(Consumer<DecisionLogWriter> body) {
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8).open()) {
            body.accept(writer);
        }
    }

    private static float[] features(float... values) {
        return values;
    }

    @Test
    void joinsOutcomesToDecisionsByIdAndCountsDecisionsWithoutOne() {
        log(w -> {
            DecisionLogWriter.LoopLog loop = w.forLoop("bandit");
            long a = loop.decision(1, features(1, 2), 2, 0, 0.5f);
            long b = loop.decision(1, features(3, 4), 2, 1, 0.25f);
            loop.decision(1, features(5, 6), 2, 2, 0.25f);   // never rewarded
            loop.outcome(b, 1f);
            loop.outcome(a, 0.5f);
            loop.outcome(a, 0.25f);                          // a second, partial reward adds up
            loop.outcome(999, 1f);                           // of no decision in the log
        });
        LoggedDecisions logged = LoggedDecisions.read(dir, null);

        assertEquals(3, logged.decisions());
        assertEquals(2, logged.withOutcome());
        assertEquals(1, logged.withoutOutcome());
        assertEquals(1, logged.orphanOutcomes());
        BanditDataset data = logged.bandit(3);
        assertEquals(2, data.size());
        assertEquals(0.75, data.reward(0), 1e-6);
        assertEquals(0.5, data.propensity(0), 1e-6);
        assertEquals(1.0, data.reward(1), 1e-6);
        assertEquals(1, data.action(1));
        assertEquals(2, data.featureCount());
    }

    @Test
    void cutsEpisodesAtStepZeroAndLeavesOutBrokenOnes() {
        log(w -> {
            DecisionLogWriter.LoopLog loop = w.forLoop("task");
            // Steps 2, 3 of an episode that began before the log: left out.
            loop.outcome(loop.decision(1, features(2, 1), 2, 0, 0.5f), 1f);
            loop.outcome(loop.decision(1, features(3, 1), 2, 0, 0.5f), 1f);
            // A whole episode of three steps.
            for (int t = 0; t < 3; t++) {
                loop.outcome(loop.decision(1, features(t, 0), 2, 1, 0.5f), t);
            }
            // An episode with a skipped step (0, 2): left out.
            loop.outcome(loop.decision(1, features(0, 0), 2, 1, 0.5f), 1f);
            loop.outcome(loop.decision(1, features(2, 0), 2, 1, 0.5f), 1f);
            // An episode whose second step has no outcome: left out.
            loop.outcome(loop.decision(1, features(0, 1), 2, 0, 0.5f), 1f);
            loop.decision(1, features(1, 1), 2, 0, 0.5f);
            // A one-step episode.
            loop.outcome(loop.decision(1, features(0, 1), 2, 1, 0.5f), 4f);
        });
        LoggedDecisions.EpisodeCut cut = LoggedDecisions.read(dir, "task").episodes(2);

        assertEquals(2, cut.data().size());
        assertEquals(3, cut.incomplete());
        assertEquals(3, cut.data().episodes().get(0).length());
        assertEquals((0 + 1 + 2 + 4) / 2.0, cut.data().meanReturn(1), 1e-9);
        assertEquals(1, cut.data().episodes().get(1).length());
    }

    @Test
    void keepsOnlyTheChosenLoopAndAsksForOneWhenSeveralAreLogged() {
        log(w -> {
            w.forLoop("a").outcome(w.forLoop("a").decision(1, features(1), 1, 0, 1f), 1f);
            w.forLoop("b").outcome(w.forLoop("b").decision(1, features(1), 1, 0, 1f), 0f);
            w.forLoop("b").outcome(12345, 1f);
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoggedDecisions.read(dir, null));
        assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("--loop"), e.getMessage());
        LoggedDecisions b = LoggedDecisions.read(dir, "b");
        assertEquals(1, b.decisions());
        assertEquals(1, b.orphanOutcomes(), "the other loop's outcome is not an orphan, one of no decision is");
        assertThrows(IllegalArgumentException.class, () -> LoggedDecisions.read(dir, "c"));
    }

    @Test
    void aDecisionLoggedWithoutAPropensityIsRejectedNamingIt() {
        log(w -> {
            DecisionLogWriter.LoopLog loop = w.forLoop("bandit");
            loop.decision(1, features(1), 1, 0, 1f);
            loop.decision(1, features(1), 1, 0, 0f);
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoggedDecisions.read(dir, null));
        assertTrue(e.getMessage().contains("decision 1") && e.getMessage().contains("propensity"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void anActionBeyondThePolicysActionsIsRejectedNamingTheDecision() {
        log(w -> {
            DecisionLogWriter.LoopLog loop = w.forLoop("bandit");
            loop.outcome(loop.decision(1, features(1), 1, 4, 0.5f), 1f);
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoggedDecisions.read(dir, null).bandit(3));
        assertTrue(e.getMessage().contains("decision 0") && e.getMessage().contains("action 4"), e.getMessage());
    }
}
