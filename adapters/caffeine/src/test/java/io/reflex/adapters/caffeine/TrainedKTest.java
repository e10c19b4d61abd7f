package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache decides over the K its model was built for, and refuses a K that disagrees. */
class TrainedKTest {

    @TempDir
    Path dir;

    private Path rowsModel(String name, String trainedK) {
        OnnxModelWriter w = OnnxModelWriter.of(MlpGraph.randomChain(3, Activation.RELU, EvictionFeatures.ROW_WIDTH, 16, 16, 2))
                .fixedBatch(1);
        if (trainedK != null) {
            w.metadata(TrainedK.METADATA_KEY, trainedK);
        }
        Path file = dir.resolve(name);
        w.write(file);
        return file;
    }

    private static ReflexCache.Builder<Long, String> entries() {
        return ReflexCache.<Long, String>builder().maximumSize(100);
    }

    @Test
    void aCandidateRowsModelServesTheKInItsMetadata() {
        try (ReflexCache<Long, String> cache = entries().model(rowsModel("rows64.onnx", "64")).build()) {
            assertEquals(64, cache.evictionLoop().k());
            assertEquals(EvictionLoop.Layout.CANDIDATE_ROWS, cache.evictionLoop().layout());
        }
    }

    @Test
    void aJointModelServesItsOutputWidth() {
        try (ReflexCache<Long, String> cache = entries().model(TestPolicies.dueling(dir.resolve("j8.onnx"), 1, 8)).build()) {
            assertEquals(8, cache.evictionLoop().k());
            assertEquals(EvictionLoop.Layout.JOINT, cache.evictionLoop().layout());
        }
    }

    @Test
    void aCandidateRowsModelWithoutMetadataServesTheGivenOrTheDefaultK() {
        Path file = rowsModel("rows.onnx", null);
        try (ReflexCache<Long, String> cache = entries().model(file).build()) {
            assertEquals(16, cache.evictionLoop().k());
        }
        try (ReflexCache<Long, String> cache = entries().k(24).model(file).build()) {
            assertEquals(24, cache.evictionLoop().k());
        }
    }

    @Test
    void refusesAKThatDisagreesWithTheModelsNamingBoth() {
        IllegalStateException rows = assertThrows(IllegalStateException.class,
                () -> entries().k(16).model(rowsModel("rows64b.onnx", "64")).build());
        assertTrue(rows.getMessage().contains("k(16)") && rows.getMessage().contains("K = 64"), rows.getMessage());

        IllegalStateException joint = assertThrows(IllegalStateException.class,
                () -> entries().model(TestPolicies.dueling(dir.resolve("j4.onnx"), 2, 4)).k(16).build());
        assertTrue(joint.getMessage().contains("K = 4"), joint.getMessage());
    }

    @Test
    void aRefusedBuildReleasesTheStoreItWasGiven() {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(rowsModel("rows64c.onnx", "64")).accepted());
        assertTrue(store.version().isPresent());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ReflexCache.<Long, String>builder().policyStore(store).build());
        assertTrue(e.getMessage().contains("needs a capacity"), e.getMessage());

        assertTrue(store.version().isEmpty(), "the cache owned the store: a failed build closes it");
    }

    @Test
    void aSecondModelReleasesTheFirstStore() {
        PolicyStore first = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(first.offer(rowsModel("rows64d.onnx", "64")).accepted());
        try (ReflexCache<Long, String> cache = entries().policyStore(first).model(rowsModel("rows32.onnx", "32")).build()) {
            assertTrue(first.version().isEmpty(), "the replaced store is closed");
            assertEquals(32, cache.evictionLoop().k());
        }
    }

    @Test
    void refusesMalformedKMetadataNamingTheFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> entries().model(rowsModel("many.onnx", "many")));
        assertTrue(e.getMessage().contains("many.onnx") && e.getMessage().contains(TrainedK.METADATA_KEY), e.getMessage());
    }

    @Test
    void refusesAModelTrainedOnAHitHistoryBecauseTheAdapterKeepsHitsSinceAdmission() {
        assertRefusedForMetadata("history.onnx", EvictionFeatures.HIT_HISTORY_METADATA, "3000");
    }

    @Test
    void refusesAModelTrainedOnSampledCandidatesBecauseTheAdapterOffersTheKColdest() {
        assertRefusedForMetadata("sampled.onnx", EvictionLoop.CANDIDATES_METADATA, "sampled");
    }

    /** A K = 64 rows model carrying {@code key = value} is refused at build, naming the file and the key. */
    private void assertRefusedForMetadata(String name, String key, String value) {
        Path file = dir.resolve(name);
        OnnxModelWriter.of(MlpGraph.randomChain(3, Activation.RELU, EvictionFeatures.ROW_WIDTH, 16, 16, 2)).fixedBatch(1)
                .metadata(TrainedK.METADATA_KEY, "64").metadata(key, value).write(file);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> entries().model(file));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(key), e.getMessage());
    }
}
