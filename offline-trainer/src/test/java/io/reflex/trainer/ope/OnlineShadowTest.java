package io.reflex.trainer.ope;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.adapt.DecisionShadow;
import io.reflex.engine.adapt.PolicyChallenge;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.trainer.adapt.DecisionLogAdaptation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A challenger in the shadow of a serving decision loop, online: the engine serves the simulated
 * bandit ({@code ope simulate}'s at its default seed: {@link SyntheticBandit#standard}(1), where
 * the candidate's true value under the loop's ε-greedy is 0.523 against the incumbent's 0.430)
 * with ε-greedy exploration, a
 * {@link DecisionShadow} scores each decision for the challenger off-policy as its reward arrives,
 * and hot-swaps it through the loop's {@link PolicyStore} when it wins. A better challenger is
 * promoted within {@value #BETTER_WITHIN} decisions and then earns more; the incumbent itself and a
 * worse model are never promoted over {@value #LONG_RUN} decisions of stationary traffic; and
 * {@code adapt --decision-log}'s follower, reading the log of the same traffic, publishes at the
 * decision the online shadow promoted at.
 */
class OnlineShadowTest {

    /** The stated bound: a better challenger is promoted within this many decisions. */
    static final int BETTER_WITHIN = 20_000;
    static final int LONG_RUN = 200_000;
    private static final double EPSILON = 0.3;

    @TempDir
    Path dir;

    /** The serving stack, as {@code ope simulate} builds it, with the incumbent serving. */
    private record Loop(PolicyStore store, DecisionRuntime runtime, DecisionSession session) implements AutoCloseable {
        static Loop serving(SyntheticBandit env, Path incumbent) {
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(new float[env.featureCount()]),
                    Duration.ofMillis(50));
            DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                    .fallback((x, y) -> Arrays.fill(y, 0f)).shape(env.featureCount(), env.actionCount())
                    .noDeadline().build();
            assertTrue(store.offer(incumbent).accepted());
            return new Loop(store, runtime, runtime.newSession());
        }

        @Override
        public void close() {
            session.close();
            runtime.close();
        }
    }

    private Path write(LinearActionScorer scorer, String name) {
        Path file = dir.resolve(name);
        OnnxModelWriter.of(scorer.toGraph()).fixedBatch(1).write(file);
        return file;
    }

    private static DecisionShadow shadow(Loop loop, Path challenger, List<DecisionShadow.Promotion> heard,
                                         SimpleMeterRegistry registry) {
        return DecisionShadow.builder().runtime(loop.runtime()).challenger(challenger)
                .rule(new EpsilonGreedy(EPSILON, 0)).listener(heard::add).meterRegistry(registry).build();
    }

    @Test
    void aBetterChallengerIsPromotedWithinTheStatedDecisionsHotSwappedAndEarnsMore() {
        SyntheticBandit env = SyntheticBandit.standard(1);
        Path incumbent = write(env.behaviourScorer(), "incumbent.onnx");
        Path candidate = write(env.targetScorer(), "candidate.onnx");
        List<DecisionShadow.Promotion> heard = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Loop loop = Loop.serving(env, incumbent);
             DecisionShadow shadow = shadow(loop, candidate, heard, registry)) {
            SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 1), null, shadow, BETTER_WITHIN, 2);
            assertTrue(shadow.won(), "not promoted within " + BETTER_WITHIN + " decisions: challenger lower bound "
                    + shadow.challenge().challengerLower() + ", incumbent upper bound " + shadow.challenge().incumbentUpper());
            assertEquals(1, heard.size(), "one promotion event");
            DecisionShadow.Promotion p = heard.getFirst();
            assertTrue(p.swap().accepted(), p.swap().reason());
            assertEquals(candidate, loop.store().version().orElseThrow().file(), "the store serves the challenger");
            assertTrue(p.challengerLower() > p.incumbentUpper());
            assertEquals(1, registry.get("reflex.challenger.promotions").tag("loop", "bandit").tag("result", "accepted")
                    .functionCounter().count());
            assertEquals(p.atDecision(), registry.get("reflex.challenger.decisions").functionCounter().count());
            assertEquals(-1, shadow.decided(new float[env.featureCount()], 0, 1), "nothing is recorded after the win");

            SimulatedTraffic.Result after = SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 3), null,
                    BETTER_WITHIN * 2, 4);
            assertEquals(candidate, after.lastVersion().file());
            TargetRule explored = new TargetRule(TargetRule.Kind.EPSILON, EPSILON);
            double incumbentValue = env.value(new TargetPolicy(env.behaviourScorer(), explored));
            assertTrue(after.meanReward() > incumbentValue + 0.05,
                    "after the swap " + after.meanReward() + " against the incumbent's true " + incumbentValue);
        }
    }

    @Test
    void theIncumbentItselfAndAWorseModelAreNeverPromotedOverALongStationaryStream() {
        SyntheticBandit env = SyntheticBandit.standard(1);
        Path incumbent = write(env.behaviourScorer(), "incumbent.onnx");
        Path same = write(env.behaviourScorer(), "same.onnx");
        Path worse = write(env.behaviourScorer().negated(), "worse.onnx");
        for (Path challenger : List.of(same, worse)) {
            for (long seed = 5; seed <= 7; seed++) {
                List<DecisionShadow.Promotion> heard = new ArrayList<>();
                try (Loop loop = Loop.serving(env, incumbent);
                     DecisionShadow shadow = shadow(loop, challenger, heard, new SimpleMeterRegistry())) {
                    SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 100 + seed), null, shadow, LONG_RUN, seed);
                    assertFalse(shadow.won(), challenger + " promoted at " + shadow.challenge().decisions());
                    assertTrue(heard.isEmpty());
                    assertEquals(LONG_RUN, shadow.scoredDecisions());
                    assertEquals(0, shadow.unmatchedRewards());
                    assertEquals(incumbent, loop.store().version().orElseThrow().file(), "the incumbent keeps serving");
                }
            }
        }
    }

    @Test
    void aBetterChallengerIsPromotedWithinTheStatedDecisionsOnEveryOneOfTenTrafficSeeds() {
        SyntheticBandit env = SyntheticBandit.standard(1);
        Path incumbent = write(env.behaviourScorer(), "incumbent.onnx");
        Path candidate = write(env.targetScorer(), "candidate.onnx");
        for (long seed = 1; seed <= 10; seed++) {
            try (Loop loop = Loop.serving(env, incumbent);
                 DecisionShadow shadow = shadow(loop, candidate, new ArrayList<>(), new SimpleMeterRegistry())) {
                SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 100 + seed), null, shadow,
                        BETTER_WITHIN, seed);
                assertTrue(shadow.won(), "seed " + seed + ": not promoted within " + BETTER_WITHIN);
            }
        }
    }

    @Test
    void theSameSeedPromotesAtTheSameDecisionWithTheSameEvidence() {
        SyntheticBandit env = SyntheticBandit.standard(1);
        Path incumbent = write(env.behaviourScorer(), "incumbent.onnx");
        Path candidate = write(env.targetScorer(), "candidate.onnx");
        DecisionShadow.Promotion[] runs = new DecisionShadow.Promotion[2];
        for (int i = 0; i < 2; i++) {
            List<DecisionShadow.Promotion> heard = new ArrayList<>();
            try (Loop loop = Loop.serving(env, incumbent);
                 DecisionShadow shadow = shadow(loop, candidate, heard, new SimpleMeterRegistry())) {
                SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 1), null, shadow, BETTER_WITHIN, 2);
                assertNotNull(shadow.promotion());
                runs[i] = shadow.promotion();
            }
        }
        assertEquals(runs[0].atDecision(), runs[1].atDecision());
        assertEquals(runs[0].challengerLower(), runs[1].challengerLower());
        assertEquals(runs[0].incumbentUpper(), runs[1].incumbentUpper());
    }
    @Test
    void theOnlineShadowAndTheLogFollowerPromoteAtTheSameDecisionOnTheSameTraffic() throws Exception {
        SyntheticBandit env = SyntheticBandit.standard(2);
        Path incumbent = write(env.behaviourScorer(), "incumbent.onnx");
        Path candidate = write(env.targetScorer(), "candidate.onnx");
        Path log = dir.resolve("log");
        long online;
        try (Loop loop = Loop.serving(env, incumbent);
             DecisionShadow shadow = shadow(loop, candidate, new ArrayList<>(), new SimpleMeterRegistry());
             DecisionLogWriter writer = DecisionLogWriter.builder(log).capacity(1 << 16).maxFeatures(env.featureCount()).open()) {
            SimulatedTraffic.run(env, loop.session(), new EpsilonGreedy(EPSILON, 1), writer.forLoop("bandit"), shadow,
                    BETTER_WITHIN, 2);
            assertTrue(shadow.won());
            online = shadow.promotion().atDecision();
        }
        Path served = dir.resolve("served.onnx");
        List<DecisionLogAdaptation.Round> rounds = new ArrayList<>();
        try (DecisionLogAdaptation follower = new DecisionLogAdaptation(log, null, candidate, new EpsilonGreedy(EPSILON, 0),
                "epsilon:0.3", served, dir.resolve("state"), PolicyChallenge.DEFAULT_CHECK_EVERY,
                PolicyChallenge.DEFAULT_MIN_DECISIONS, 65_536, PolicyChallenge.DEFAULT_Z, new DecisionLogAdaptation.Listener() {
                    @Override
                    public void note(long atDecision, String line) {
                    }

                    @Override
                    public void round(DecisionLogAdaptation.Round round) {
                        rounds.add(round);
                    }
                })) {
            follower.step();
        }
        assertTrue(rounds.getLast().promoted(), rounds.getLast().reason());
        assertEquals(online, rounds.getLast().atDecision(), "the same decision, online and from the log");
    }
}
