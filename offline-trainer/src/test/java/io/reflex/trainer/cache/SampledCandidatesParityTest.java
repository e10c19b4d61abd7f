package io.reflex.trainer.cache;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.policy.learned.LearnedEvictionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link SampledCandidates} samples through the engine's {@code ResidentIndex} now, and a
 * {@code history-1} decision takes the sample in the order drawn instead of sorted; the simulator's
 * behaviour is what it was: the same objects, draw for draw, as the former implementation (kept here
 * verbatim) under random operations, and the {@code reflex} policy's hit ratio on a seeded trace,
 * pinned from a run before the change (the order decides only ties, and rows carry their recency).
 */
class SampledCandidatesParityTest {

    @TempDir
    Path dir;

    /** The implementation before the engine's index, verbatim but for its features method. */
    private static final class Former {
        private final SplittableRandom random;
        private final int[] residents;
        private final int[] slot;
        private final int[] lastRequest;
        private int count;

        Former(int objectCount, long seed) {
            random = new SplittableRandom(seed);
            residents = new int[objectCount];
            slot = new int[objectCount];
            lastRequest = new int[objectCount];
        }

        void touch(int object, int requestIndex) {
            lastRequest[object] = requestIndex;
        }

        void inserted(int object) {
            slot[object] = count;
            residents[count++] = object;
        }

        void removed(int object) {
            int s = slot[object];
            int last = residents[--count];
            residents[s] = last;
            slot[last] = s;
        }

        int draw(int k, int[] objects) {
            int n = Math.min(k, count);
            for (int d = 0; d < n; d++) {
                if (count > k) {
                    int j = d + random.nextInt(count - d);
                    int a = residents[d];
                    int b = residents[j];
                    residents[d] = b;
                    slot[b] = d;
                    residents[j] = a;
                    slot[a] = j;
                }
                int o = residents[d];
                int i = d;
                while (i > 0 && lastRequest[objects[i - 1]] > lastRequest[o]) {
                    objects[i] = objects[i - 1];
                    i--;
                }
                objects[i] = o;
            }
            return n;
        }
    }

    @Test
    void drawsTheFormerImplementationsObjectsUnderRandomOperations() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom ops = new SplittableRandom(seed * 31);
            int objects = 1 + ops.nextInt(500);
            SampledCandidates now = new SampledCandidates(objects, seed);
            Former before = new Former(objects, seed);
            boolean[] resident = new boolean[objects];
            int[] a = new int[64];
            int[] b = new int[64];
            for (int request = 0; request < 20_000; request++) {
                int o = ops.nextInt(objects);
                now.touch(o, request);
                before.touch(o, request);
                int op = ops.nextInt(3);
                if (op == 0 && !resident[o]) {
                    resident[o] = true;
                    now.inserted(o);
                    before.inserted(o);
                } else if (op == 1 && resident[o]) {
                    resident[o] = false;
                    now.removed(o);
                    before.removed(o);
                } else if (op == 2) {
                    int k = 1 + ops.nextInt(64);
                    int n = now.draw(k, a);
                    assertEquals(before.draw(k, b), n);
                    // the former draw sorted as it drew; the same stable sort of today's draw order
                    // (what sample() does for Cold-RL rows) must give its exact sequence
                    oldestFirst(a, n, before.lastRequest);
                    assertArrayEquals(Arrays.copyOf(b, n), Arrays.copyOf(a, n), "seed " + seed + " request " + request);
                }
                assertEquals(before.count, now.residentCount());
            }
        }
    }

    /** The former implementation's stable insertion sort, least recently requested first. */
    private static void oldestFirst(int[] objects, int n, int[] lastRequest) {
        for (int d = 1; d < n; d++) {
            int o = objects[d];
            int i = d;
            while (i > 0 && lastRequest[objects[i - 1]] > lastRequest[o]) {
                objects[i] = objects[i - 1];
                i--;
            }
            objects[i] = o;
        }
    }

    /**
     * A history-1 model whose prediction is recency minus the 2^11-tick counter (weights ±1, so every
     * backend computes the same bits), sampled candidates, K = 16, answering admission.
     */
    static Path recencyMinusFrequency(Path file, EvictionModel.Candidates candidates, boolean admission) {
        float[] w = new float[HistoryFeatures.WIDTH];
        w[HistoryFeatures.RECENCY] = 1f;
        w[HistoryFeatures.EDC + 1] = -1f;
        OnnxModelWriter writer = OnnxModelWriter.of(MlpGraph.chain(HistoryFeatures.WIDTH,
                List.of(new Dense(HistoryFeatures.WIDTH, 1, w, new float[1])))).fixedBatch(1);
        for (var e : new EvictionModel(HistoryFeatures.SCHEMA, candidates, 16, admission).toMetadata().entrySet()) {
            writer = writer.metadata(e.getKey(), e.getValue());
        }
        writer.write(file);
        return file;
    }

    @Test
    void theReflexHitRatioOfASampledHistoryModelOnASeededTraceIsUnchanged() {
        Trace trace = TraceFixtures.zipfWithScans(30_000, 11);
        Path model = recencyMinusFrequency(dir.resolve("sampled.onnx"), EvictionModel.Candidates.SAMPLED, true);
        try (LearnedEvictionPolicy p = LearnedEvictionPolicy.load(model, 0)) {
            SimulationResult r = CacheSimulator.replay(trace, Capacity.entries(200), p);
            assertEquals(PINNED_HITS, r.hits(), "hit ratio " + r.hitRatio());
        }
    }

    /** Measured with the former implementation (before the engine's ResidentIndex). */
    private static final long PINNED_HITS = 15_391;
}
