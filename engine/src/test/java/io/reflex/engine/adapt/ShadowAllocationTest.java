package io.reflex.engine.adapt;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.TestModels;
import io.reflex.engine.testing.AllocationWindows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A challenger in the shadow allocates nothing once warm, on the serving thread ({@code decided})
 * and on the reward path ({@code rewarded}, the challenger's inference and the estimates). Counted
 * with the thread's allocated bytes once the JIT has compiled the path: the challenger's Vector API
 * inference allocates its vectors until C2 compiles it, which on a loaded machine's compiler queue
 * can take longer than any fixed count of calls (and a loop's first runs may deoptimise, which
 * materialises objects the compiled code had kept in registers), so each path runs in windows of
 * {@value #WINDOW} calls until one allocates nothing, at most {@value #MOST_WINDOWS} windows
 * ({@link AllocationWindows#untilQuiet}): a path that allocates per call never gets there, and fails.
 */
class ShadowAllocationTest {

    private static final int WINDOW = 10_000;
    private static final int MOST_WINDOWS = 300;

    @TempDir
    Path dir;

    @Test
    void decidingAndRewardingAllocateNothingOnceWarm() throws Exception {
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
             DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                     .fallback((x, y) -> Arrays.fill(y, 0f)).shape(5, 5).noDeadline().build()) {
            store.offer(TestModels.mlp(dir.resolve("incumbent.onnx"), 1, 5, 32, 5));
            try (DecisionShadow shadow = DecisionShadow.builder().runtime(runtime)
                    .challenger(TestModels.mlp(dir.resolve("challenger.onnx"), 2, 5, 32, 5))
                    .rule(new EpsilonGreedy(0.3, 0)).minDecisions(Integer.MAX_VALUE).build()) {
                float[] x = {0.5f, -1, 2, 0.25f, -0.75f};
                long deciding = AllocationWindows.untilQuiet(() -> {
                    for (int i = 0; i < WINDOW; i++) {
                        shadow.decided(x, i % 5, 0.3);
                    }
                }, 1, MOST_WINDOWS);
                long both = AllocationWindows.untilQuiet(() -> {
                    for (int i = 0; i < WINDOW; i++) {
                        shadow.rewarded(shadow.decided(x, i % 5, 0.3), i & 1);
                    }
                }, 1, MOST_WINDOWS);
                assertTrue(deciding < 1024, deciding + " bytes over 10,000 decisions, once warm");
                assertTrue(both < 1024, both + " bytes over 10,000 decisions and rewards, once warm");
                assertTrue(shadow.scoredDecisions() >= WINDOW, "every reward was scored: " + shadow.scoredDecisions());
            }
        }
    }
}
