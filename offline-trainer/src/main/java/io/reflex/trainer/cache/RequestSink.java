package io.reflex.trainer.cache;

/**
 * Receives requests one by one, in trace order: what trace readers and workload generators write to
 * ({@link TraceBuilder} keeps them in memory, {@code CsvTraceWriter} writes them out).
 *
 * <p>Absent fields use the sentinels below. Implementations are not expected to be thread-safe: one
 * producer calls one sink.
 */
public interface RequestSink {

    /** The request carries no time (the trace then uses each request's position, in seconds). */
    double NO_TIME = Double.NaN;
    /** The request carries no size (the object is one unit: one byte, one entry). */
    long NO_SIZE = -1;
    /** The object never expires (any TTL {@code <= 0} or NaN means the same). */
    double NO_TTL = 0;
    /** The request carries no origin round-trip time. */
    double NO_RTT = Double.NaN;

    /**
     * One request for a numerically named object.
     *
     * @param key        the object's key
     * @param timeSeconds request time in seconds (any epoch), or {@link #NO_TIME}
     * @param sizeBytes  object size in bytes, or {@link #NO_SIZE}; zero counts as one byte
     * @param ttlSeconds time to live from this request when it fetches from the origin, or {@link #NO_TTL}
     * @param rttMillis  origin round-trip time of this request in milliseconds, or {@link #NO_RTT}
     */
    void request(long key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis);

    /** One request for an object named by a string (URLs, cache keys); fields as in the numeric form. */
    void request(String key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis);
}
