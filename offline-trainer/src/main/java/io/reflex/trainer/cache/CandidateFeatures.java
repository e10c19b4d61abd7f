package io.reflex.trainer.cache;

/**
 * The layout of the eviction candidate features that {@link CacheView#candidates} writes: for
 * candidate {@code j} (0 = least recently used), {@link #COUNT} floats starting at
 * {@code features[j * COUNT]}, in this order and these units. These are the six features of
 * Cold-RL's eviction state.
 *
 * <table>
 *   <caption>Candidate features</caption>
 *   <tr><th>offset</th><th>feature</th><th>unit</th></tr>
 *   <tr><td>{@link #AGE}</td><td>time since the object was admitted</td><td>seconds</td></tr>
 *   <tr><td>{@link #SIZE}</td><td>object size</td><td>bytes</td></tr>
 *   <tr><td>{@link #HIT_COUNT}</td><td>hits since admission</td><td>count</td></tr>
 *   <tr><td>{@link #INTER_ARRIVAL}</td><td>gap between the object's two most recent requests (with
 *       one request only: time since it)</td><td>seconds</td></tr>
 *   <tr><td>{@link #REMAINING_TTL}</td><td>time until the object expires, negative once expired
 *       (expired objects stay until requested or evicted), {@link #NO_TTL} when it never
 *       expires</td><td>seconds</td></tr>
 *   <tr><td>{@link #ORIGIN_RTT}</td><td>origin round-trip time of the request that last fetched it;
 *       0 when the trace has none</td><td>milliseconds</td></tr>
 * </table>
 *
 * Times are the trace's seconds; for traces without times, a request's position stands for its time
 * (one request = one second). No normalisation is applied: a learned policy scales as it was trained.
 */
public final class CandidateFeatures {

    /** Floats per candidate. */
    public static final int COUNT = 6;
    public static final int AGE = 0;
    public static final int SIZE = 1;
    public static final int HIT_COUNT = 2;
    public static final int INTER_ARRIVAL = 3;
    public static final int REMAINING_TTL = 4;
    public static final int ORIGIN_RTT = 5;
    /** {@link #REMAINING_TTL} of an object that never expires. */
    public static final float NO_TTL = Float.POSITIVE_INFINITY;

    private CandidateFeatures() {
    }
}
