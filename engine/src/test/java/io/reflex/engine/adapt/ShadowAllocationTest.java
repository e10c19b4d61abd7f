package io.reflex.engine.adapt;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A challenger in the shadow allocates nothing once warm, on the serving thread ({@code decided})
 * and on the reward path ({@code rewarded}, the challenger's inference and the estimates). Counted
 * with the thread's allocated bytes, after enough calls for the JIT to compile the path.
 */
class ShadowAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void decidingAndRewardingAllocateNothingOnceWarm() {
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
             DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                     .fallback((x, y) -> Arrays.fill(y, 0f)).shape(5, 5).noDeadline().build()) {
            store.offer(TestModels.mlp(dir.resolve("incumbent.onnx"), 1, 5, 32, 5));
            try (DecisionShadow shadow = DecisionShadow.builder().runtime(runtime)
                    .challenger(TestModels.mlp(dir.resolve("challenger.onnx"), 2, 5, 32, 5))
                    .rule(new EpsilonGreedy(0.3, 0)).minDecisions(Integer.MAX_VALUE).build()) {
                float[] x = {0.5f, -1, 2, 0.25f, -0.75f};
                for (int i = 0; i < 100_000; i++) {
                    shadow.rewarded(shadow.decided(x, i % 5, 0.3), i & 1);
                }
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    shadow.decided(x, i % 5, 0.3);
                }
                long deciding = THREADS.getCurrentThreadAllocatedBytes() - before;
                before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    shadow.rewarded(shadow.decided(x, i % 5, 0.3), i & 1);
                }
                long both = THREADS.getCurrentThreadAllocatedBytes() - before;
                assertTrue(deciding < 1024, deciding + " bytes over 10,000 decisions");
                assertTrue(both < 1024, both + " bytes over 10,000 decisions and rewards");
                assertTrue(shadow.scoredDecisions() >= 110_000, "every reward was scored: " + shadow.scoredDecisions());
            }
        }
    }
}
