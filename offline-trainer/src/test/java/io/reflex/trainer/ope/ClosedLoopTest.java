package io.reflex.trainer.ope;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closed loop, end to end: the engine serves a policy with exploration and logs every decision
 * with its propensity; the trainer learns a new model from the logs alone; the promotion gate judges
 * it off-policy; the engine hot-swaps it through {@link PolicyStore#offer}; and the reward measured
 * on fresh traffic improves. And the reverse: a worse candidate is refused and the incumbent keeps
 * serving.
 */
class ClosedLoopTest {

    private static final int DECISIONS = 20_000;
    private static final double EPSILON = 0.2;

    @TempDir
    Path dir;

    /** The engine's serving stack for the simulator: store, runtime, one session. */
    private record Engine(PolicyStore store, DecisionRuntime runtime, DecisionSession session) implements AutoCloseable {
        static Engine start(SyntheticBandit env) {
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(new float[env.featureCount()]),
                    Duration.ofMillis(50));
            DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                    .fallback((x, y) -> Arrays.fill(y, 0f)).shape(env.featureCount(), env.actionCount())
                    .deadline(Duration.ofSeconds(1)).build();
            return new Engine(store, runtime, runtime.newSession());
        }

        @Override
        public void close() {
            session.close();
            runtime.close();
        }
    }

    private SimulatedTraffic.Result serveAndLog(SyntheticBandit env, Engine engine, Path logDir, long seed) {
        try (DecisionLogWriter writer = DecisionLogWriter.builder(logDir).capacity(1 << 16)
                .maxFeatures(env.featureCount()).open()) {
            return SimulatedTraffic.run(env, engine.session(), new EpsilonGreedy(EPSILON, seed + 1),
                    writer.forLoop("bandit"), DECISIONS, seed);
        }
    }

    private Path write(LinearActionScorer scorer, String name) {
        Path file = dir.resolve(name);
        OnnxModelWriter.of(scorer.toGraph()).fixedBatch(1).write(file);
        return file;
    }

    private static PromotionGate.Verdict gate(LoggedDecisions logged, Path candidate, Path incumbent) {
        try (OnnxActionScorer c = OnnxActionScorer.load(candidate); OnnxActionScorer i = OnnxActionScorer.load(incumbent)) {
            BanditDataset data = logged.bandit(c.actionCount());
            return new PromotionGate("dr", new OpeSettings(300, 0.95, 5, 10, 1, 1))
                    .decide(data, new TargetPolicy(c, TargetRule.GREEDY), new TargetPolicy(i, TargetRule.GREEDY));
        }
    }

    @Test
    void aPolicyTrainedOnTheEnginesLogsPassesTheGateIsHotSwappedAndEarnsMore() {
        SyntheticBandit env = SyntheticBandit.standard(11);
        Path incumbent = write(env.behaviourScorer().negated(), "incumbent.onnx");
        try (Engine engine = Engine.start(env)) {
            assertTrue(engine.store().offer(incumbent).accepted());
            SimulatedTraffic.Result before = serveAndLog(env, engine, dir.resolve("log-1"), 21);
            assertEquals(1, before.lastVersion().sequence(), "the incumbent served the logged traffic");

            LoggedDecisions logged = LoggedDecisions.read(dir.resolve("log-1"), "bandit");
            assertEquals(DECISIONS, logged.decisions());
            assertEquals(DECISIONS, logged.withOutcome());
            RidgeRewardModel learned = RidgeRewardModel.fit(logged.bandit(env.actionCount()), 1.0);
            Path candidate = write(learned.toScorer(), "candidate.onnx");

            PromotionGate.Verdict verdict = gate(logged, candidate, incumbent);
            assertTrue(verdict.promoted(), verdict.reason());
            assertTrue(verdict.reason().startsWith("promoted"), verdict.reason());
            SwapResult swap = engine.store().offer(candidate);
            assertTrue(swap.accepted(), swap.reason());

            SimulatedTraffic.Result after = serveAndLog(env, engine, dir.resolve("log-2"), 22);
            assertEquals(2, after.lastVersion().sequence(), "the candidate serves after the swap");
            double standardError = Math.sqrt(0.25 / DECISIONS);
            assertTrue(after.meanReward() > before.meanReward() + 6 * standardError,
                    "measured reward " + before.meanReward() + " -> " + after.meanReward());
            // The gate's estimate of the candidate agrees with what it then earned greedily (exploration aside).
            double trueGreedy = env.value(new TargetPolicy(learned.toScorer(), TargetRule.GREEDY));
            assertTrue(verdict.candidate().ciLow() - 0.02 <= trueGreedy && trueGreedy <= verdict.candidate().ciHigh() + 0.02,
                    "estimate " + verdict.candidate() + " vs true " + trueGreedy);
        }
    }

    @Test
    void aWorseCandidateIsRefusedAndTheIncumbentKeepsServing() {
        SyntheticBandit env = SyntheticBandit.standard(12);
        Path incumbent = write(env.targetScorer(), "incumbent.onnx");
        Path worse = write(env.targetScorer().negated(), "worse.onnx");
        try (Engine engine = Engine.start(env)) {
            assertTrue(engine.store().offer(incumbent).accepted());
            SimulatedTraffic.Result before = serveAndLog(env, engine, dir.resolve("log-1"), 31);

            PromotionGate.Verdict verdict = gate(LoggedDecisions.read(dir.resolve("log-1"), "bandit"), worse, incumbent);
            assertFalse(verdict.promoted(), verdict.reason());
            assertTrue(verdict.reason().startsWith("refused"), verdict.reason());
            assertTrue(verdict.candidate().ciHigh() < verdict.incumbent().value(), verdict.reason());

            // Refused candidates are never offered: the incumbent's version serves on.
            SimulatedTraffic.Result after = serveAndLog(env, engine, dir.resolve("log-2"), 32);
            assertEquals(1, engine.store().version().orElseThrow().sequence());
            assertEquals(0, engine.store().swaps() - 1, "only the incumbent was ever swapped in");
            assertEquals(1, after.lastVersion().sequence());
            assertEquals(DECISIONS, after.byPolicy());
            assertEquals(before.meanReward(), after.meanReward(), 6 * Math.sqrt(0.25 / DECISIONS),
                    "the same policy earns the same on fresh traffic");
        }
    }
}
