package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.adapt.FeatureProfile;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input watch: no alarm while the cache sees the traffic its model's profile was taken on,
 * alarms once the traffic changes character, and a model without a profile refused by name.
 */
class InputWatchTest {

    private static final int ENTRIES = 1_000;

    @TempDir
    Path dir;


    private static Map<String, String> contract() {
        return TestPolicies.SAMPLED_64.toMetadata();
    }

    private static MlpGraph lruLike() {
        float[] w = new float[HistoryFeatures.WIDTH];
        w[HistoryFeatures.RECENCY] = 1f;
        return MlpGraph.chain(HistoryFeatures.WIDTH, List.of(new Dense(HistoryFeatures.WIDTH, 1, w, new float[1])));
    }

    private static void serve(ReflexCache<Integer, Integer> cache, int[] keys) {
        for (int key : keys) {
            if (cache.getIfPresent(key) == null) {
                cache.put(key, key);
            }
        }
    }

    /** The profile of the rows a cache serving {@code model} feeds it on {@code keys}, after the watch's warm-up. */
    private static FeatureProfile profileOf(Path model, int[] keys) {
        float[] rows = new float[keys.length * 8 * HistoryFeatures.WIDTH];
        int count = 0;
        long warmup = Math.max(4L * ENTRIES, InputWatch.MIN_WARMUP);
        // floor(false): the model keeps deciding whatever W-TinyLFU does, so every decision's rows are seen.
        try (ReflexCache<Integer, Integer> cache = ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES).model(model)
                .floor(false).executor(Runnable::run).deadline(Duration.ofSeconds(5)).build()) {
            NextAccessLoop.Decider d = cache.historyEviction().decider();
            long decisions = cache.policyDecisions();
            for (int i = 0; i < keys.length; i++) {
                if (cache.getIfPresent(keys[i]) == null) {
                    cache.put(keys[i], keys[i]);
                }
                if (cache.policyDecisions() != decisions) {
                    decisions = cache.policyDecisions();
                    if (i >= warmup && decisions % 8 == 0 && (count + d.lastRows()) * HistoryFeatures.WIDTH <= rows.length) {
                        for (int r = 0; r < d.lastRows(); r++) {
                            d.copyLastInput(r, rows, (count++) * HistoryFeatures.WIDTH);
                        }
                    }
                }
            }
        }
        return FeatureProfile.of(rows, count, HistoryFeatures.WIDTH, FeatureProfile.DEFAULT_BINS);
    }

    private Path profiledModel(int[] trainingKeys) {
        Path bare = TestPolicies.history(dir.resolve("bare.onnx"), lruLike(), contract());
        FeatureProfile profile = profileOf(bare, trainingKeys);
        Map<String, String> metadata = new java.util.HashMap<>(contract());
        metadata.put(FeatureProfile.METADATA, profile.format());
        return TestPolicies.history(dir.resolve("profiled.onnx"), lruLike(), metadata);
    }

    private static ReflexCache<Integer, Integer> watched(Path model, SimpleMeterRegistry registry) {
        return ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES).model(model).inputDrift(true).floor(false)
                .executor(Runnable::run).deadline(Duration.ofSeconds(5)).meterRegistry(registry).build();
    }

    @Test
    void theTrafficTheProfileWasTakenOnRaisesNoAlarmAndAChangeOfCharacterDoes() {
        Path model = profiledModel(TestPolicies.zipf(20_000, 0.9, 200_000, 1));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReflexCache<Integer, Integer> cache = watched(model, registry)) {
            serve(cache, TestPolicies.zipf(20_000, 0.9, 400_000, 2));          // the same distribution, other draws
            InputWatch w = cache.inputWatch();
            assertTrue(w.drift().windows() >= 10, "windows closed: " + w.drift().windows());
            assertEquals(0, cache.inputDrifts(), "no false alarm over " + w.drift().windows() + " windows; worst column "
                    + w.drift().worstColumn() + " PSI " + w.drift().psi(w.drift().worstColumn()));
            int firstAlarm = -1;
            for (int i = 0; i < 100_000 && firstAlarm < 0; i++) {
                serve(cache, new int[] {1_000_000 + i});             // a scan: every key new, no history, no hits
                if (cache.inputDrifts() > 0) {
                    firstAlarm = i;
                }
            }
            // Rows of one decision in eight, 65 a decision: a window of 10,000 rows is about 1,230 writes.
            assertTrue(firstAlarm >= 0 && firstAlarm <= 5_000, "a scan of new keys moves the inputs; first alarm after "
                    + firstAlarm + " requests");
            assertEquals((double) cache.inputDrifts(), registry.get("reflex.caffeine.input.drift").functionCounter().count());
        }
    }

    @Test
    void aModelWithoutAProfileIsRefusedNamingTheFile() {
        Path bare = TestPolicies.history(dir.resolve("bare.onnx"), lruLike(), contract());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> watched(bare, new SimpleMeterRegistry()).close());
        assertTrue(e.getMessage().contains("bare.onnx") && e.getMessage().contains(FeatureProfile.METADATA), e.getMessage());
    }
}
