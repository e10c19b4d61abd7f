package io.reflex.engine.adapt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.testing.AllocationWindows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision floor on a two-action bandit with known switch points. The fallback always prefers
 * action 0; the learned policy a model prefers (its scores do not depend on the context). Under the
 * loop's ε-greedy 0.2 a policy that prefers the paying action earns 0.9 × 0.7 + 0.1 × 0.3 = 0.66
 * and the other 0.34. In phase A action 0 pays with probability 0.7 and action 1 with 0.3; phase B
 * is the reverse. A learned policy preferring action 1 is demoted within {@value #WITHIN} decisions
 * of phase A, and promoted back within {@value #WITHIN} decisions of phase B; one preferring the
 * paying action, or the fallback's own, is never switched over a long stationary stream. The
 * evidence covers windows of {@link DecisionFloor#DEFAULT_WINDOW} decisions, so the promotion comes
 * within two windows of phase B's start, however long phase A ran.
 */
class DecisionFloorTest {

    /** The stated bound: a switch within two windows of the change (or of the start). */
    static final int WITHIN = 2 * DecisionFloor.DEFAULT_WINDOW;
    private static final int WIDTH = 3;
    private static final double EPSILON = 0.2;

    @TempDir
    Path dir;

    /** A model that scores action {@code preferred} 1 and the other 0, whatever the context. */
    private Path prefers(int preferred, String name) {
        float[] bias = new float[2];
        bias[preferred] = 1f;
        Path file = dir.resolve(name);
        OnnxModelWriter.of(MlpGraph.chain(WIDTH, List.of(new Dense(WIDTH, 2, new float[WIDTH * 2], bias))))
                .fixedBatch(1).write(file);
        return file;
    }

    /** The serving loop with {@code model}, the fallback preferring action 0, and its floor. */
    private record Loop(PolicyStore store, DecisionRuntime runtime, DecisionSession session, DecisionFloor floor,
                        List<DecisionFloor.Switch> heard, SimpleMeterRegistry registry) implements AutoCloseable {
        static Loop serving(Path model) {
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(new float[WIDTH]), Duration.ZERO);
            DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                    .fallback((x, y) -> {
                        y[0] = 1f;
                        y[1] = 0f;
                    }).shape(WIDTH, 2).noDeadline().build();
            assertTrue(store.offer(model).accepted());
            List<DecisionFloor.Switch> heard = new ArrayList<>();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DecisionFloor floor = DecisionFloor.builder().runtime(runtime).rule(new EpsilonGreedy(EPSILON, 0))
                    .listener(heard::add).meterRegistry(registry).build();
            return new Loop(store, runtime, runtime.newSession(), floor, heard, registry);
        }

        @Override
        public void close() {
            floor.close();
            session.close();
            runtime.close();
        }
    }

    /** Serves {@code n} decisions with {@code payingAction} paying 0.7 (the other 0.3); returns the decisions at which switches were heard. */
    private static List<Integer> serve(Loop loop, EpsilonGreedy explore, SplittableRandom random, int n, int payingAction) {
        float[] x = new float[WIDTH];
        float[] scores = new float[2];
        List<Integer> switchedAt = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            for (int f = 0; f < WIDTH; f++) {
                x[f] = (float) random.nextGaussian();
            }
            FallbackCause cause = loop.session().decide(x, scores);
            int a = explore.choose(scores, 0, 2);
            long ticket = loop.floor().decided(x, a, explore.probability(), cause);
            double reward = random.nextDouble() < (a == payingAction ? 0.7 : 0.3) ? 1 : 0;
            if (loop.floor().rewarded(ticket, reward)) {
                switchedAt.add(i);
            }
        }
        return switchedAt;
    }

    @Test
    void aLosingPolicyIsDemotedWithinTheBoundAndPromotedBackWhenItWinsAgain() {
        try (Loop loop = Loop.serving(prefers(1, "action1.onnx"))) {
            EpsilonGreedy explore = new EpsilonGreedy(EPSILON, 1);
            SplittableRandom random = new SplittableRandom(2);
            List<Integer> phaseA = serve(loop, explore, random, 10_000, 0);
            assertEquals(1, phaseA.size(), "one switch in phase A: " + phaseA);
            assertTrue(phaseA.getFirst() <= WITHIN, "demoted at decision " + phaseA.getFirst());
            assertFalse(loop.floor().learnedServes());
            assertTrue(loop.runtime().demoted());
            DecisionFloor.Switch demotion = loop.heard().getFirst();
            assertFalse(demotion.learnedServes());
            assertTrue(demotion.winnerLower() > demotion.servingUpper(), "the fallback's lower bound beat the policy's upper");
            long demotedDecisions = loop.runtime().metrics().fallbacks(FallbackCause.DEMOTED);
            assertEquals(10_000 - phaseA.getFirst(), demotedDecisions, "every decision after the demotion was the fallback's");
            assertEquals(0.0, loop.registry().get("reflex.decision.floor.learned.serving").gauge().value());

            List<Integer> phaseB = serve(loop, explore, random, 15_000, 1);
            System.out.printf("decision floor: demoted at decision %,d of phase A, promoted back at %,d of phase B%n",
                    phaseA.getFirst(), phaseB.isEmpty() ? -1 : phaseB.getFirst());
            assertEquals(1, phaseB.size(), "one switch in phase B: " + phaseB);
            assertTrue(phaseB.getFirst() <= WITHIN, "promoted back at decision " + phaseB.getFirst() + " of phase B");
            assertTrue(loop.floor().learnedServes());
            assertFalse(loop.runtime().demoted());
            assertTrue(loop.heard().get(1).learnedServes());
            assertEquals(1, loop.floor().demotions());
            assertEquals(1, loop.floor().promotions());
            assertEquals(1.0, loop.registry().get("reflex.decision.floor.switches").tag("to", "fallback").functionCounter().count());
            assertEquals(1.0, loop.registry().get("reflex.decision.floor.switches").tag("to", "learned").functionCounter().count());
            assertEquals(1.0, loop.registry().get("reflex.decision.floor.learned.serving").gauge().value());
            assertEquals(25_000, loop.floor().scoredDecisions() + loop.floor().skippedRewards(), "every reward accounted for");
            assertTrue(loop.floor().windowsWithoutVerdict() >= 1, "phase A's evidence was dropped by a window's end");
        }
    }

    @Test
    void aPolicyAsGoodAsOrBetterThanTheFallbackIsNeverSwitchedOverALongStationaryStream() {
        for (int preferred : new int[] {0, 1}) {
            for (long seed = 3; seed <= 5; seed++) {
                // Phase B throughout: action 1 pays; a policy preferring 1 is better, one preferring 0 is the fallback itself.
                try (Loop loop = Loop.serving(prefers(preferred, "prefers" + preferred + ".onnx"))) {
                    List<Integer> switches = serve(loop, new EpsilonGreedy(EPSILON, seed), new SplittableRandom(seed * 7),
                            100_000, preferred == 1 ? 1 : 0);
                    assertEquals(List.of(), switches, "policy preferring " + preferred + ", seed " + seed);
                    assertTrue(loop.floor().learnedServes());
                    assertEquals(100_000, loop.floor().scoredDecisions());
                }
            }
        }
    }

    @Test
    void aHotSwapStartsTheFloorAfreshWithTheNewVersionServing() {
        try (Loop loop = Loop.serving(prefers(1, "action1.onnx"))) {
            EpsilonGreedy explore = new EpsilonGreedy(EPSILON, 1);
            SplittableRandom random = new SplittableRandom(2);
            serve(loop, explore, random, 10_000, 0);
            assertTrue(loop.runtime().demoted());
            assertTrue(loop.store().offer(prefers(0, "action0.onnx")).accepted());
            List<Integer> after = serve(loop, explore, random, 20_000, 0);
            assertEquals(List.of(), after, "the new version, as good as the fallback, is not switched");
            assertTrue(loop.floor().learnedServes());
            assertFalse(loop.runtime().demoted(), "the new version serves");
            assertTrue(loop.floor().skippedRewards() <= 1, "at most the decision in flight at the swap: "
                    + loop.floor().skippedRewards());
        }
    }

    @Test
    void aWindowShorterThanTheDecisionsBeforeAVerdictIsRefusedNamingBoth() {
        try (Loop loop = Loop.serving(prefers(0, "action0.onnx"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> DecisionFloor.builder()
                    .runtime(loop.runtime()).rule(new EpsilonGreedy(EPSILON, 0)).minDecisions(2_000).window(1_500).build());
            assertTrue(e.getMessage().contains("window(1500)") && e.getMessage().contains("minDecisions(2000)"),
                    e.getMessage());
        }
    }

    @Test
    void decidingAndRewardingAllocateNothingOnceWarm() throws Exception {
        try (Loop loop = Loop.serving(prefers(0, "action0.onnx"))) {
            EpsilonGreedy explore = new EpsilonGreedy(EPSILON, 1);
            float[] x = {0.5f, -1f, 2f};
            float[] scores = new float[2];
            long bytes = AllocationWindows.untilQuiet(() -> {
                for (int i = 0; i < 10_000; i++) {
                    FallbackCause cause = loop.session().decide(x, scores);
                    int a = explore.choose(scores, 0, 2);
                    loop.floor().rewarded(loop.floor().decided(x, a, explore.probability(), cause), a == 0 ? 1 : 0);
                }
            }, 1, 300);
            assertEquals(0, bytes, "bytes over 10,000 decisions and rewards, once warm");
            assertTrue(loop.floor().learnedServes());
        }
    }
}
