package io.reflex.trainer.cache;

import io.reflex.engine.eviction.EvictionLoop;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Eviction candidates drawn from the whole resident set instead of its least recently used tail
 * (as LRB and {@code belady-size} draw them): K distinct resident objects sampled uniformly with a
 * seeded {@link SplittableRandom} (all of them when K or fewer are resident), ordered least recently
 * requested first, with their features in the layout of {@link CacheView#candidates} (from
 * {@link CacheView#candidateFeatures}). Position 0 is therefore the oldest-accessed object of the
 * sample: what an LRU behaviour or the engine's LRU fallback evicts.
 *
 * <p>The owning policy keeps it in step with the cache: {@link #touch} on every request
 * ({@code onHit}, {@code onMiss}), {@link #inserted} in {@code onInsert}, {@link #removed} in
 * {@code onRemove}. A model trained on such candidates carries {@code reflex.candidates=sampled}
 * ({@link #METADATA}); the simulator's {@code reflex} policy reads it and samples the same way.
 * One instance per replay, one thread; allocates only at construction.
 */
public final class SampledCandidates {

    /** The model metadata entry naming the candidate set; absent: the K least recently used. */
    public static final String METADATA = EvictionLoop.CANDIDATES_METADATA;
    /** Its value for sampled candidates. */
    public static final String SAMPLED = "sampled";
    /** Its value for the K least recently used (the default; not written). */
    public static final String LRU = "lru";

    private final SplittableRandom random;
    private final int[] residents;
    private final int[] slot;
    private final int[] lastRequest;
    /** The sample's sort keys; grown once to the largest K asked for. */
    private long[] order = new long[64];
    private int count;

    /**
     * @param objectCount distinct objects of the trace
     * @param seed        seed of the sampling
     */
    public SampledCandidates(int objectCount, long seed) {
        random = new SplittableRandom(seed);
        residents = new int[objectCount];
        slot = new int[objectCount];
        lastRequest = new int[objectCount];
    }

    /** Whether {@code value} (a {@link #METADATA} entry, null when absent) means sampled candidates. */
    public static boolean isSampled(String value) {
        if (value == null || value.trim().equals(LRU)) {
            return false;
        }
        if (value.trim().equals(SAMPLED)) {
            return true;
        }
        throw new IllegalArgumentException("metadata " + METADATA + " must be " + LRU + " or " + SAMPLED + ", got '"
                + value + "'");
    }

    /** Records a request of {@code object} at trace position {@code requestIndex}. */
    public void touch(int object, int requestIndex) {
        lastRequest[object] = requestIndex;
    }

    /** The object became resident. */
    public void inserted(int object) {
        slot[object] = count;
        residents[count++] = object;
    }

    /** The object left the cache (evicted or expired). */
    public void removed(int object) {
        int s = slot[object];
        int last = residents[--count];
        residents[s] = last;
        slot[last] = s;
    }

    /** Resident objects tracked. */
    public int residentCount() {
        return count;
    }

    /**
     * Draws up to {@code k} distinct resident objects into {@code objects[0..n)}, least recently
     * requested first, and their features into {@code features}.
     *
     * @return n = min(k, resident count)
     */
    public int sample(int k, CacheView cache, int[] objects, float[] features) {
        int n = draw(k, objects);
        cache.candidateFeatures(objects, n, features);
        return n;
    }

    /**
     * Draws up to {@code k} distinct resident objects into {@code objects[0..n)}, least recently
     * requested first, without their features.
     *
     * @return n = min(k, resident count)
     */
    public int draw(int k, int[] objects) {
        int n = Math.min(k, count);
        if (order.length < n) {
            order = new long[Math.max(n, 64)];
        }
        for (int d = 0; d < n; d++) {
            if (count > k) {
                // partial Fisher-Yates over the resident array (its order does not matter)
                int j = d + random.nextInt(count - d);
                int a = residents[d];
                int b = residents[j];
                residents[d] = b;
                slot[b] = d;
                residents[j] = a;
                slot[a] = j;
            }
            int o = residents[d];
            // last request in the high half, the object in the low: sorting the packed values orders
            // the sample oldest first with one contiguous primitive sort instead of an insertion
            // sort chasing lastRequest[] (distinct objects never share a request, so no ties)
            order[d] = (long) lastRequest[o] << 32 | o;
        }
        Arrays.sort(order, 0, n);
        for (int d = 0; d < n; d++) {
            objects[d] = (int) order[d];
        }
        return n;
    }
}
