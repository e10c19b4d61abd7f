package io.reflex.trainer.cache;

import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.ResidentIndex;

/**
 * Eviction candidates drawn from the whole resident set instead of its least recently used tail
 * (as LRB and {@code belady-size} draw them): K distinct resident objects sampled uniformly by the
 * engine's {@link ResidentIndex} with a seeded generator (all of them when K or fewer are resident),
 * exactly as a host embedding Reflex samples them. For Cold-RL's rows ({@link #sample}) they are
 * ordered least recently requested first, with their features in the layout of
 * {@link CacheView#candidates} (from {@link CacheView#candidateFeatures}), so position 0 is what an
 * LRU behaviour or the engine's LRU fallback evicts; a {@code history-1} decision takes them in the
 * order drawn ({@link #draw}).
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

    private final ResidentIndex residents;
    private final int[] lastRequest;
    private final ResidentIndex.LastAccess byLastRequest;

    /**
     * @param objectCount distinct objects of the trace
     * @param seed        seed of the sampling
     */
    public SampledCandidates(int objectCount, long seed) {
        residents = new ResidentIndex(Math.max(1, objectCount), seed);
        lastRequest = new int[objectCount];
        byLastRequest = object -> lastRequest[object];
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
        residents.add(object);
    }

    /** The object left the cache (evicted or expired). */
    public void removed(int object) {
        residents.remove(object);
    }

    /** Resident objects tracked. */
    public int residentCount() {
        return residents.size();
    }

    /**
     * Draws up to {@code k} distinct resident objects into {@code objects[0..n)}, least recently
     * requested first, and their features into {@code features}.
     *
     * @return n = min(k, resident count)
     */
    public int sample(int k, CacheView cache, int[] objects, float[] features) {
        int n = residents.sample(k, objects, byLastRequest);
        cache.candidateFeatures(objects, n, features);
        return n;
    }

    /**
     * Draws up to {@code k} distinct resident objects into {@code objects[0..n)} in the order drawn:
     * a position says nothing about the object, which is all a {@code history-1} decision needs (its
     * rows carry their own recency), so no sort is paid for.
     *
     * @return n = min(k, resident count)
     */
    public int draw(int k, int[] objects) {
        return residents.sample(k, objects);
    }
}
