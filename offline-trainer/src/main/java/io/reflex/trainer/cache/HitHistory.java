package io.reflex.trainer.cache;

/**
 * An alternative {@link CandidateFeatures#HIT_COUNT} feature (the dqn objective's {@code --hit-history};
 * the eviction suite's dqn training uses 3000): an object's
 * request count that survives eviction (a ghost history, as W-TinyLFU's frequency sketch and LRB's
 * per-key history keep), instead of the simulator's hits since admission, which restart at 0 each
 * time the object is re-admitted.
 *
 * <p>The count is exact per object (the simulator's objects are dense ids; no sketch collisions) and
 * ages as TinyLFU's reset does: every {@code period} requests all counts are halved (integer
 * division), computed lazily per object from the epoch of its last update, so recording and reading
 * are O(1) and deterministic. {@code period} 0: never halved (requests since the object was first
 * seen). The feature written is the count before the current residency's next request, i.e. all
 * requests seen so far, including hits while resident and the miss that admitted it.
 *
 * <p>A policy that uses it records every request ({@link EvictionPolicy#onHit} and
 * {@link EvictionPolicy#onMiss}) and overwrites the candidates' hit-count column after
 * {@link CacheView#candidates}. One instance per replay; not thread-safe.
 */
public final class HitHistory {

    /** The option value that means "off": the simulator's hits since admission. */
    public static final int OFF = -1;

    private final int period;
    private final int[] counts;
    private final int[] epochs;

    /**
     * @param objects the trace's object count
     * @param period  halving period in requests; 0: never halved
     */
    public HitHistory(int objects, int period) {
        if (period < 0) {
            throw new IllegalArgumentException("hit-history period must be >= 0, got " + period);
        }
        this.period = period;
        this.counts = new int[objects];
        this.epochs = new int[objects];
    }

    /** Null when {@code period} is {@link #OFF} (or any negative value), else a history. */
    public static HitHistory orNull(int objects, int period) {
        return period < 0 ? null : new HitHistory(objects, period);
    }

    private int epoch(int requestIndex) {
        return period == 0 ? 0 : requestIndex / period;
    }

    private int aged(int object, int epoch) {
        int shift = epoch - epochs[object];
        return shift >= 31 ? 0 : counts[object] >>> shift;
    }

    /** Counts one request to {@code object}, the {@code requestIndex}-th of the trace. */
    public void record(int object, int requestIndex) {
        int e = epoch(requestIndex);
        int c = aged(object, e);
        counts[object] = c == Integer.MAX_VALUE ? c : c + 1;
        epochs[object] = e;
    }

    /** The aged count of {@code object} at request {@code requestIndex}. */
    public int count(int object, int requestIndex) {
        return aged(object, epoch(requestIndex));
    }

    /** Overwrites the hit-count column of {@code n} candidates ({@link CandidateFeatures} layout). */
    public void overwrite(int[] objects, float[] features, int n, int requestIndex) {
        for (int j = 0; j < n; j++) {
            features[j * CandidateFeatures.COUNT + CandidateFeatures.HIT_COUNT] = count(objects[j], requestIndex);
        }
    }
}
