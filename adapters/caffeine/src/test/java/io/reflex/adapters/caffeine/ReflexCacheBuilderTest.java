package io.reflex.adapters.caffeine;

import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder refuses every bad setting at once, naming it. */
class ReflexCacheBuilderTest {

    @TempDir
    Path dir;

    private static PolicyStore emptyStore() {
        return PolicyStore.create(PolicyLoader.defaults(), List.of());
    }

    @Test
    void refusesACandidateCountOutsideOneToSixtyFour() {
        PropertyCheck.tries(40).forAll(g -> g.ints(-1000, 1000), k -> {
            if (k >= 1 && k <= 64) {
                ReflexCache.<String, String>builder().k(k);
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().k(k));
                assertTrue(e.getMessage().contains(String.valueOf(k)), e.getMessage());
            }
        });
    }

    @Test
    void refusesANonPositiveCapacity() {
        PropertyCheck.tries(40).forAll(g -> g.longs(Long.MIN_VALUE, 0), capacity -> {
            assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().maximumSize(capacity));
            assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().maximumWeight(capacity));
        });
    }

    @Test
    void refusesAMissingCapacityPolicyOrWeigherAndAMismatchedWeigher() {
        assertThrows(IllegalStateException.class, () -> ReflexCache.<String, String>builder().policyStore(emptyStore()).build());
        assertThrows(IllegalStateException.class, () -> ReflexCache.<String, String>builder().maximumSize(10).build());
        assertThrows(IllegalStateException.class,
                () -> ReflexCache.<String, String>builder().maximumWeight(10).policyStore(emptyStore()).build());
        assertThrows(IllegalStateException.class, () -> ReflexCache.<String, String>builder().maximumSize(10)
                .weigher((k, v) -> v.length()).policyStore(emptyStore()).build());
        assertThrows(IllegalStateException.class, () -> ReflexCache.<String, String>builder().maximumSize(10).maximumSize(20));
    }

    @Test
    void refusesBadNamesDeadlinesDecisionBudgetsAndModels() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().name("has space"));
        assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().name(""));
        assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().deadline(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ReflexCache.<String, String>builder().maxDecisionsPerWrite(0));
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3});
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ReflexCache.<String, String>builder().model(garbage));
        assertTrue(refused.getMessage().contains("garbage.onnx"), refused.getMessage());
    }

    @Test
    void refusesATtlOnACacheBuiltWithoutPerEntryTtlsAndInvalidWrites() {
        try (ReflexCache<String, String> cache = ReflexCache.<String, String>builder().maximumSize(10)
                .policyStore(emptyStore()).build()) {
            assertThrows(IllegalStateException.class, () -> cache.put("a", "b", 1, Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class, () -> cache.put("a", "b", Double.NaN, null));
            assertThrows(IllegalArgumentException.class, () -> cache.put("a", "b", -1, null));
        }
    }
}
