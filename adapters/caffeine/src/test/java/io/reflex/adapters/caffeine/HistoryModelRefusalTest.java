package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model the adapter cannot feed is refused with one message naming the file and what is missing,
 * whether it comes as a file ({@code model(path)}) or served by a store ({@code policyStore}); a
 * history-1 model served by a store is served as the file would be.
 */
class HistoryModelRefusalTest {

    @TempDir
    Path dir;

    /** A store that accepts anything loadable, as a caller's own store might. */
    private static PolicyStore permissiveStore(Path model) {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        assertTrue(store.offer(model).accepted());
        return store;
    }

    private void assertRefusedAlike(Path model, String... says) {
        IllegalArgumentException byFile = assertThrows(IllegalArgumentException.class,
                () -> ReflexCache.<Integer, String>builder().maximumSize(10).model(model));
        try (PolicyStore store = permissiveStore(model)) {
            IllegalArgumentException byStore = assertThrows(IllegalArgumentException.class,
                    () -> ReflexCache.<Integer, String>builder().maximumSize(10).policyStore(store));
            assertEquals(byFile.getMessage(), byStore.getMessage());
            assertTrue(store.version().isPresent(), "a refused store is not taken, so not closed");
        }
        assertTrue(byFile.getMessage().startsWith(model.toString()), byFile.getMessage());
        for (String s : says) {
            assertTrue(byFile.getMessage().contains(s), () -> "'" + s + "' missing from: " + byFile.getMessage());
        }
    }

    @Test
    void aHistoryModelOfAnotherShapeIsRefusedAlikeNamingTheSchemasRow() {
        Path model = TestPolicies.history(dir.resolve("wide.onnx"), MlpGraph.randomChain(1, Activation.RELU, 12, 8, 1),
                Map.of(EvictionModel.SCHEMA_METADATA, HistoryFeatures.SCHEMA));
        assertRefusedAlike(model, "history-1", "[1, 11] -> [1, 1]");
    }

    @Test
    void aColdRlModelWantingAHitHistoryOrSampledCandidatesIsRefusedAlike() {
        Path hitHistory = TestPolicies.history(dir.resolve("hit-history.onnx"), MlpGraph.randomDueling(2, 96, 16, 16, 17),
                Map.of(EvictionFeatures.HIT_HISTORY_METADATA, "3000"));
        Path sampled = TestPolicies.history(dir.resolve("sampled.onnx"), MlpGraph.randomDueling(3, 96, 16, 16, 17),
                Map.of(EvictionLoop.CANDIDATES_METADATA, "sampled"));
        assertRefusedAlike(hitHistory, "reflex.hit-history", "hits since admission");
        assertRefusedAlike(sampled, "reflex.candidates", "K coldest");
    }

    @Test
    void anUnknownSchemaIsRefusedAlike() {
        Path model = TestPolicies.history(dir.resolve("future.onnx"), MlpGraph.randomChain(4, Activation.RELU, 11, 8, 1),
                Map.of(EvictionModel.SCHEMA_METADATA, "history-2"));
        assertRefusedAlike(model, "reflex.schema", "history-2");
    }

    @Test
    void aHistoryModelServedByAStoreIsServedAsItsFileWouldBe() {
        EvictionModel contract = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.LRU, 4, false);
        Path model = TestPolicies.history(dir.resolve("lru.onnx"), HistoryFeatures.RECENCY, 1f, contract);
        try (ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(3)
                .policyStore(permissiveStore(model)).executor(Runnable::run).deadline(Duration.ofSeconds(5)).build()) {
            assertEquals(contract, cache.evictionModel());
            assertEquals(4, cache.k());
            assertThrows(IllegalStateException.class, cache::evictionLoop);
            for (int k = 0; k < 3; k++) {
                cache.put(k, "v");
            }
            cache.getIfPresent(0);
            cache.put(3, "v");
            assertFalse(cache.containsKey(1), "+recency: the least recently used goes");
            assertEquals(1, cache.policyEvictions());
        }
    }
}
