package io.reflex.trainer.cache;

/**
 * What an {@link EvictionPolicy} may read of the simulated cache: capacity and occupancy, the current
 * request, per-object statistics, the recency order, and the eviction candidate view a learned policy
 * needs ({@link #candidates}). All reads are O(1) except {@link #candidates} (O(k)); none allocate.
 *
 * <p>Per-object values ({@link #size}, {@link #charge}, {@link #admittedAt}...) describe the object's
 * last admission and stay readable after it leaves the cache. Valid only during the callback it is
 * passed to, on the replaying thread.
 */
public interface CacheView {

    /** Number of distinct objects in the trace; object ids run from 0 to this minus one. */
    int objectCount();

    /** The capacity being simulated. */
    Capacity capacity();

    /** What the resident objects take, in the capacity's unit (bytes or entries). */
    long usedCharge();

    /** Number of resident objects. */
    int residentCount();

    /** Position of the current request in the trace. */
    int requestIndex();

    /** Time of the current request, in seconds. */
    double now();

    /** The object of the current miss (valid in {@code admit}, {@code evict}, {@code onInsert}). */
    int incoming();

    /** What the incoming object will take of the capacity. */
    long incomingCharge();

    /** The incoming object's size in bytes, as this request gives it (1 for traces without sizes). */
    long incomingSize();

    /** Whether the object is in the cache (possibly expired but not yet requested). */
    boolean isResident(int object);

    /** What the object takes of the capacity: its size in bytes (at least 1) or 1 for entries. */
    long charge(int object);

    /** The object's size in bytes when admitted. */
    long size(int object);

    /** Hits since the object was admitted. */
    int hitCount(int object);

    /** When the object was admitted, in seconds. */
    double admittedAt(int object);

    /** When the object was last requested, in seconds (NaN if never). */
    double lastAccessAt(int object);

    /** When the object expires, in seconds; +infinity when it never does. */
    double expiresAt(int object);

    /** Origin round-trip time of the request that last fetched the object, in ms; 0 when unknown. */
    float originRttMillis(int object);

    /** The least recently used resident object, or -1 when the cache is empty. */
    int leastRecentlyUsed();

    /** The resident object used just after {@code object} (toward the most recent), or -1. */
    int moreRecentlyUsed(int object);

    /**
     * The eviction candidate view: writes the {@code k} least recently used resident objects (fewer
     * if fewer are resident), least recent first, into {@code objects[0..n)} and their features into
     * {@code features[0..n * CandidateFeatures.COUNT)} laid out as {@link CandidateFeatures} says.
     * Allocates nothing; the caller owns and reuses both arrays.
     *
     * @return n, the number of candidates written
     * @throws IllegalArgumentException if the arrays are too small for {@code k}
     */
    int candidates(int k, int[] objects, float[] features);

    /**
     * The features of chosen resident objects in the layout of {@link #candidates}: writes the
     * features of {@code objects[0..n)} into {@code features[0..n * CandidateFeatures.COUNT)}, so a
     * policy that picks its own candidates (e.g. {@link SampledCandidates}) sees them exactly as the
     * K least recently used ones would be seen. Allocates nothing.
     *
     * @throws IllegalArgumentException if an object is not resident or the arrays are too small
     */
    void candidateFeatures(int[] objects, int n, float[] features);
}
