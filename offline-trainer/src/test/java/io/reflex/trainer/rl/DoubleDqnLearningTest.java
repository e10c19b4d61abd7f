package io.reflex.trainer.rl;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.VictimMask;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.trainer.nn.QNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dueling Double DQN on a trivially learnable synthetic task, the ONNX export loaded back by the
 * engine, and determinism. The task: 16 candidates; exactly one is "cold" (its hit-count feature is
 * 0, every other candidate's is 0.8); evicting it costs nothing, evicting any other costs 1. The
 * behaviour evicts a uniformly random candidate.
 */
class DoubleDqnLearningTest {

    @TempDir
    Path dir;

    private static TransitionSet task(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = 16;
        float[] states = new float[n * 96];
        int[] actions = new int[n];
        float[] rewards = new float[n * k];   // what evicting each candidate would have earned
        float[] candidateSpans = new float[n * k];
        int[] counts = new int[n];
        boolean[] done = new boolean[n];
        float[] propensities = new float[n];
        float[] spans = new float[n];
        for (int t = 0; t < n; t++) {
            int cold = r.nextInt(k);
            for (int j = 0; j < k; j++) {
                int p = t * 96 + j * 6;
                states[p] = (float) r.nextDouble();            // age: noise
                states[p + 1] = (float) (0.3 + 0.3 * r.nextDouble());
                states[p + 2] = j == cold ? 0f : 0.8f;           // hits: the signal
                states[p + 3] = (float) r.nextDouble();
                states[p + 4] = 1f;
                states[p + 5] = 0.4f;
            }
            actions[t] = r.nextInt(k);
            for (int j = 0; j < k; j++) {
                rewards[t * k + j] = j == cold ? 0f : -1f;
                candidateSpans[t * k + j] = 1f;
            }
            counts[t] = k;
            done[t] = true;
            propensities[t] = 1f / k;
            spans[t] = 1f;
        }
        return new TransitionSet(k, states, actions, propensities, rewards, new float[n], counts, done, spans,
                candidateSpans);
    }

    private static int coldOf(float[] state) {
        for (int j = 0; j < 16; j++) {
            if (state[j * 6 + 2] == 0f) {
                return j;
            }
        }
        throw new AssertionError("no cold candidate");
    }

    private static DqnConfig config(long seed, DqnConfig.Network network, boolean hindsight) {
        return DqnConfig.builder().network(network).steps(1500).batchSize(64).gamma(0.5).learningRate(3e-3)
                .hindsight(hindsight).seed(seed).build();
    }

    @Test
    void lossFallsAndTheSharedCandidateNetworkEvictsTheColdCandidate() {
        assertLearnsTheColdCandidate(config(3, DqnConfig.Network.CANDIDATE_DUELING, true));
    }

    @Test
    void lossFallsAndTheJointDuelingNetworkEvictsTheColdCandidate() {
        assertLearnsTheColdCandidate(config(3, DqnConfig.Network.DUELING, true));
    }

    @Test
    void fromTheLoggedActionsAloneThePolicyAlsoLearnsTheColdCandidate() {
        assertLearnsTheColdCandidate(config(3, DqnConfig.Network.DUELING, false));
    }

    private static void assertLearnsTheColdCandidate(DqnConfig config) {
        TransitionSet data = task(4_000, 1);
        DoubleDqnTrainer.Result result = new DoubleDqnTrainer(new VectorCpuBackend(), config).train(data, null);

        double first = result.curve().getFirst()[1];
        double last = result.curve().getLast()[1];
        assertTrue(last < first / 4, "loss fell from " + first + " to " + last);
        TransitionSet fresh = task(200, 99);
        QNetwork net = result.network();
        int right = 0;
        for (int t = 0; t < fresh.size(); t++) {
            float[] state = fresh.state(t);
            float[] q = Arrays.copyOf(net.forward(state, 1, new int[] {16}), 16);
            if (VictimMask.decode(q, 0, 16) == 1L << coldOf(state)) {
                right++;
            }
        }
        assertTrue(right >= 190, "evicted exactly the cold candidate in " + right + " of 200 held-out states");
    }

    @Test
    void exportedCandidateModelRunByTheEngineOverCandidateRowsGivesTheTrainersQValues() throws Exception {
        TransitionSet data = task(500, 2);
        DoubleDqnTrainer.Result result = new DoubleDqnTrainer(new VectorCpuBackend(),
                DqnConfig.builder().steps(50).batchSize(32).seed(5).build()).train(data, null);
        Path model = dir.resolve("candidate.onnx");
        EvictionTraining.export(result.network(), data, model);

        try (Policy policy = PolicyLoader.builder().input("rows", 1, 12).output("va", 1, 2).build().load(model);
             Policy.Evaluator evaluator = policy.newEvaluator()) {
            assertEquals(io.reflex.engine.policy.Backend.VECTOR, policy.backend(), policy.fastPathStatus());
            assertEquals(EvictionLoop.Layout.CANDIDATE_ROWS,
                    EvictionLoop.Layout.of(policy.input(), policy.output(), 16).orElseThrow());
            float[] rows = new float[16 * EvictionFeatures.ROW_WIDTH];
            float[] va = new float[32];
            float[] served = new float[16];
            for (int t = 0; t < 50; t++) {
                float[] state = data.state(t * 7);
                float[] trained = Arrays.copyOf(result.network().forward(state, 1, new int[] {16}), 16);
                // What the engine's EvictionLoop does for a candidate-rows model: rows, one call, dueling aggregation.
                EvictionFeatures.rows(state, 0, 16, 16, rows, 0);
                evaluator.evaluateRows(rows, 16, va, EvictionFeatures.PER_CANDIDATE, EvictionFeatures.ROW_WIDTH);
                EvictionLoop.duelingScores(va, 0, 16, served, 0);
                assertSameQ(trained, served, t);
            }
        }
    }

    /** The served Q-values equal the trainer's, to float rounding. */
    private static void assertSameQ(float[] trained, float[] served, int state) {
        for (int a = 0; a < trained.length; a++) {
            assertEquals(trained[a], served[a], 1e-5f * Math.max(1f, Math.abs(trained[a])),
                    "state " + state + ", action " + a);
        }
    }

    @Test
    void exportedJointModelLoadedByTheEngineComputesTheTrainersForwardPassOnTheFastPath() throws Exception {
        TransitionSet data = task(500, 2);
        DoubleDqnTrainer.Result result = new DoubleDqnTrainer(new VectorCpuBackend(),
                DqnConfig.builder().network(DqnConfig.Network.DUELING).steps(50).batchSize(32).seed(5).build())
                .train(data, null);
        Path model = dir.resolve("eviction.onnx");
        EvictionTraining.export(result.network(), data, model);

        try (Policy policy = PolicyLoader.builder().input("state", 1, 96).output("q", 1, 16).build().load(model);
             Policy.Evaluator evaluator = policy.newEvaluator()) {
            assertEquals(io.reflex.engine.policy.Backend.VECTOR, policy.backend(), policy.fastPathStatus());
            float[] served = new float[16];
            for (int t = 0; t < 50; t++) {
                float[] state = data.state(t * 7);
                float[] trained = Arrays.copyOf(result.network().forward(state, 1, new int[] {16}), 16);
                evaluator.evaluate(state, served);
                assertSameQ(trained, served, t);
            }
        }
    }

    @Test
    void sameSeedGivesTheSameModelBytesAndAnotherSeedDoesNot() throws Exception {
        TransitionSet data = task(500, 4);
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        Path c = dir.resolve("c.onnx");
        DqnConfig cfg = DqnConfig.builder().steps(40).batchSize(32).cqlAlpha(0.5).seed(11).build();
        EvictionTraining.export(new DoubleDqnTrainer(new VectorCpuBackend(), cfg).train(data, null).network(), data, a);
        EvictionTraining.export(new DoubleDqnTrainer(new VectorCpuBackend(), cfg).train(data, null).network(), data, b);
        EvictionTraining.export(new DoubleDqnTrainer(new VectorCpuBackend(),
                DqnConfig.builder().steps(40).batchSize(32).cqlAlpha(0.5).seed(12).build()).train(data, null).network(), data, c);

        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertTrue(!Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void configurationRejectsBadValuesNamingThem() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DqnConfig.builder().gamma(1.0));
        assertTrue(e.getMessage().contains("gamma"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DqnConfig.builder().widths(96, 17)).getMessage().contains("widths"));
        assertEquals(List.of(12, 16, 16, 2), Arrays.stream(DqnConfig.defaults().widths()).boxed().toList(),
                "the default is the candidate network: 12 features per row, a value and an advantage out");
    }

    @Test
    void aHitHistoryPeriodTravelsInTheModelMetadataAndIsAbsentByDefault() {
        TransitionSet data = task(200, 3);
        DoubleDqnTrainer.Result result = new DoubleDqnTrainer(new VectorCpuBackend(),
                DqnConfig.builder().steps(5).batchSize(16).seed(5).build()).train(data, null);
        Path plain = dir.resolve("plain.onnx");
        Path history = dir.resolve("history.onnx");
        EvictionTraining.export(result.network(), data, plain);
        EvictionTraining.export(result.network(), data, history, 3_000);
        assertEquals(io.reflex.trainer.cache.HitHistory.OFF,
                io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy.hitHistoryOf(plain));
        assertEquals(3_000, io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy.hitHistoryOf(history));
    }
}
