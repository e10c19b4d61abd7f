package io.reflex.trainer.matching;

import io.reflex.engine.matching.ExpertRule;
import io.reflex.engine.matching.LomarMatcher;
import io.reflex.engine.matching.OfflineNodes;
import io.reflex.engine.matching.OnnxCandidateScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** REINFORCE learns what greedy cannot, deterministically, and LOMAR still holds it to the expert. */
class ReinforceTrainerTest {

    @TempDir
    Path dir;

    /** One node; a light item, then always a heavy one: greedy takes 0.2, the best policy waits for 1.0. */
    private static final MatchingInstance WAIT_FOR_IT = new MatchingInstance(new double[][] {{0.2}, {1.0}});
    private static final OfflineNodes ONE_NODE = OfflineNodes.uniform(1, 1.0);

    private Path train(ReinforceTrainer.Settings settings, String name) {
        ReinforceTrainer.Result result = new ReinforceTrainer(settings).train(Collections.nCopies(64, WAIT_FOR_IT), ONE_NODE, line -> {
        });
        Path file = dir.resolve(name + ".onnx");
        result.network().export(file, result.goldenRows(), result.goldenRowCount());
        return file;
    }

    private static double play(Path model, double rho) {
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(model)) {
            LomarMatcher m = LomarMatcher.builder(ONE_NODE).scorer(scorer).rho(rho).horizon(2).build();
            m.decide(WAIT_FOR_IT.weights(0));
            m.decide(WAIT_FOR_IT.weights(1));
            return m.reward();
        }
    }

    @Test
    void pureRlLearnsToSkipTheLightItemAndLomarAtRhoOneStillTakesIt() {
        Path model = train(ReinforceTrainer.Settings.builder().pureRl().epochs(30).batchSize(16).seed(1).build(), "rl");

        assertEquals(1.0, play(model, 0), 1e-9, "the learned policy waits for the heavy item");
        assertEquals(0.2, play(model, 1.0), 1e-9, "at rho 1 skipping would fall below greedy, so the expert decides");
    }

    @Test
    void theSoftSwitchTrainsTooAndTheSameSeedGivesTheSameModel() throws Exception {
        ReinforceTrainer.Settings settings = ReinforceTrainer.Settings.builder().softSwitch(0.4, 0.5).epochs(3)
                .expert(ExpertRule.greedy()).seed(9).build();

        byte[] a = Files.readAllBytes(train(settings, "a"));
        byte[] b = Files.readAllBytes(train(settings, "b"));

        assertArrayEquals(a, b);
    }

    @Test
    void settingsRefuseValuesOutOfRange() {
        List<Runnable> bad = List.of(
                () -> ReinforceTrainer.Settings.builder().softSwitch(1.5, 0),
                () -> ReinforceTrainer.Settings.builder().softSwitch(0.5, -1),
                () -> ReinforceTrainer.Settings.builder().temperature(0),
                () -> ReinforceTrainer.Settings.builder().epochs(0),
                () -> ReinforceTrainer.Settings.builder().hidden(),
                () -> ReinforceTrainer.Settings.builder().learningRate(0.1, 1.5));
        for (Runnable r : bad) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
        }
    }
}
