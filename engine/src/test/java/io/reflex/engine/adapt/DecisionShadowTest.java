package io.reflex.engine.adapt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shadow beside a serving loop, with real ONNX models: the serving thread only records, the
 * reward scores; rewards the ring no longer holds are counted, never scored; a challenger that
 * earns every reward wins at the first check and is swapped in through the loop's store, heard
 * once, counted; a challenger that does not fit the loop is refused naming its file.
 */
class DecisionShadowTest {

    private static final int IN = 4;
    private static final int OUT = 3;

    @TempDir
    Path dir;
    private PolicyStore store;
    private DecisionRuntime runtime;
    private Path challenger;

    @BeforeEach
    void serve() {
        store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        runtime = DecisionRuntime.builder().loop("bandit").store(store).fallback((x, y) -> Arrays.fill(y, 0f))
                .shape(IN, OUT).noDeadline().build();
        assertTrue(store.offer(TestModels.mlp(dir.resolve("incumbent.onnx"), 1, IN, 8, OUT)).accepted());
        challenger = TestModels.mlp(dir.resolve("challenger.onnx"), 2, IN, 8, OUT);
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    private DecisionShadow.Builder shadow() {
        return DecisionShadow.builder().runtime(runtime).challenger(challenger).rule(new EpsilonGreedy(0, 0));
    }

    @Test
    void theServingThreadOnlyRecordsAndTheRewardScoresOnce() {
        try (DecisionShadow s = shadow().build()) {
            long a = s.decided(new float[] {1, 2, 3, 4}, 0, 0.5);
            long b = s.decided(new float[] {4, 3, 2, 1}, 2, 0.25);
            assertEquals(0, a);
            assertEquals(1, b);
            assertEquals(0, s.scoredDecisions(), "no inference at the decision");
            assertFalse(s.rewarded(b, 1));
            assertEquals(1, s.scoredDecisions());
            assertFalse(s.rewarded(b, 1), "a second reward of one decision");
            assertEquals(1, s.scoredDecisions());
            assertEquals(1, s.unmatchedRewards());
            s.rewarded(a, 0);
            assertEquals(2, s.challenge().decisions());
        }
    }

    @Test
    void aRewardWhoseDecisionTheRingHasLappedIsCountedNotScored() {
        try (DecisionShadow s = shadow().pending(4).build()) {
            long first = s.decided(new float[IN], 1, 0.5);
            for (int i = 0; i < 5; i++) {
                s.decided(new float[IN], 1, 0.5);
            }
            s.rewarded(first, 1);
            assertEquals(0, s.scoredDecisions());
            assertEquals(1, s.unmatchedRewards());
            s.rewarded(5, 1);
            assertEquals(1, s.scoredDecisions());
        }
    }

    @Test
    void aChallengerThatEarnsEveryRewardWinsAtTheFirstCheckAndIsSwappedIn() {
        List<DecisionShadow.Promotion> heard = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SplittableRandom random = new SplittableRandom(3);
        try (Policy p = PolicyLoader.defaults().load(challenger); Policy.Evaluator e = p.newEvaluator();
             DecisionShadow s = shadow().listener(heard::add).meterRegistry(registry).build()) {
            float[] x = new float[IN];
            float[] scores = new float[OUT];
            int decisions = 0;
            while (!s.won() && decisions < 10_000) {
                for (int j = 0; j < IN; j++) {
                    x[j] = (float) random.nextGaussian();
                }
                e.evaluate(x, scores);
                int best = argmax(scores);
                // The incumbent explores uniformly; the reward goes to the challenger's choice.
                int action = random.nextInt(OUT);
                long ticket = s.decided(x, action, 1.0 / OUT);
                s.rewarded(ticket, action == best ? 1 : 0);
                decisions++;
            }
            assertEquals(PolicyChallenge.DEFAULT_MIN_DECISIONS, decisions, "won at the first check");
            assertEquals(1, heard.size());
            assertTrue(heard.getFirst().swap().accepted(), heard.getFirst().swap().reason());
            assertEquals(challenger, store.version().orElseThrow().file());
            assertEquals(-1, s.decided(x, 0, 0.5), "nothing is recorded after the win");
            assertFalse(s.rewarded(0, 1));
            assertEquals(1, registry.get("reflex.challenger.promotions").tag("result", "accepted").functionCounter().count());
            assertEquals(0, registry.get("reflex.challenger.promotions").tag("result", "refused").functionCounter().count());
        }
    }

    @Test
    void badInputsAreRefusedNamingWhatAndWhere() {
        Path narrow = TestModels.mlp(dir.resolve("narrow.onnx"), 3, IN, 8, OUT - 1);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> DecisionShadow.builder().runtime(runtime).challenger(narrow).rule(new EpsilonGreedy(0, 0)).build());
        assertTrue(shape.getMessage().contains("narrow.onnx") && shape.getMessage().contains("bandit"), shape.getMessage());
        try (DecisionShadow s = shadow().build()) {
            IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> s.decided(new float[IN - 1], 0, 1));
            assertTrue(width.getMessage().contains("bandit"), width.getMessage());
            long t = s.decided(new float[IN], 0, 0);
            IllegalArgumentException propensity = assertThrows(IllegalArgumentException.class, () -> s.rewarded(t, 1));
            assertTrue(propensity.getMessage().contains("propensity"), propensity.getMessage());
            assertEquals(0, s.challenge().decisions(), "nothing recorded");
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
