package io.reflex.engine.adapt;

/**
 * Requests and hits of a (shadow) cache, and their ratio.
 *
 * <p>Not thread-safe: one writer, as the caches that keep one. Allocation-free.
 */
public final class HitCount {

    private long requests;
    private long hits;

    /** One request and whether it hit; returns {@code hit}. */
    public boolean record(boolean hit) {
        requests++;
        if (hit) {
            hits++;
        }
        return hit;
    }

    /** Requests recorded. */
    public long requests() {
        return requests;
    }

    /** Hits among {@link #requests()}. */
    public long hits() {
        return hits;
    }

    /** {@link #hits()} over {@link #requests()}, or NaN before any request. */
    public double ratio() {
        return requests == 0 ? Double.NaN : hits / (double) requests;
    }
}
