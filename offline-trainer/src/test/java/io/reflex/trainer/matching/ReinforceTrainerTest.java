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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Training through the soft switch must improve what it optimises. On WAIT_FOR_IT the expert
     * (greedy) earns 0.2 and the best policy 1.0; the first epoch's sampled episodes average what the
     * (nearly) untrained policy earns, and after 30 epochs the sampled average must be at least 0.3
     * higher, and the learned scorer, played without a switch, must wait for the heavy item.
     * A trainer that never applies its update stays at the first epoch's average and fails both.
     */
    @Test
    void theSoftSwitchTrainsTooAndTheSameSeedGivesTheSameModel() throws Exception {
        ReinforceTrainer.Settings.Builder builder = ReinforceTrainer.Settings.builder().softSwitch(0.4, 0.5)
                .expert(ExpertRule.greedy()).batchSize(16).seed(9);
        double before = trainResult(builder.epochs(1).build()).lastEpochAverageReward();
        ReinforceTrainer.Settings settings = builder.epochs(30).build();
        ReinforceTrainer.Result trained = trainResult(settings);
        double after = trained.lastEpochAverageReward();

        assertTrue(after >= before + 0.3,
                "30 epochs must raise the average reward by at least 0.3: first epoch " + before + ", last " + after);
        assertEquals(1.0, play(train(settings, "trained"), 0), 1e-9,
                "the scorer trained through the soft switch, played alone, waits for the heavy item");

        byte[] a = Files.readAllBytes(train(settings, "a"));
        byte[] b = Files.readAllBytes(train(settings, "b"));

        assertArrayEquals(a, b);
    }

    private static ReinforceTrainer.Result trainResult(ReinforceTrainer.Settings settings) {
        return new ReinforceTrainer(settings).train(Collections.nCopies(64, WAIT_FOR_IT), ONE_NODE, line -> {
        });
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
