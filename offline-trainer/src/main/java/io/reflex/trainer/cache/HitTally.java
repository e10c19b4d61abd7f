package io.reflex.trainer.cache;

/**
 * The counts every replay keeps: requests' bytes, hits and byte hits, and the hit ratio of each
 * window of {@code window} requests. Shared by the simulator's own replay and the black-box replay
 * so that both report exactly the same way.
 *
 * <p>Not thread-safe: one replay. {@link #record} allocates nothing.
 */
final class HitTally {

    private final int window;
    private final double[] windows;
    private long hits;
    private long bytesRequested;
    private long bytesHit;
    private int windowHits;
    private int windowFill;
    private int windowIndex;

    HitTally(int requests, int window) {
        this.window = window;
        this.windows = new double[(int) ((requests + (long) window - 1) / window)];
    }

    /** Counts one request of {@code size} bytes. */
    void record(boolean hit, long size) {
        bytesRequested += size;
        if (hit) {
            hits++;
            bytesHit += size;
            windowHits++;
        }
        if (++windowFill == window) {
            windows[windowIndex++] = (double) windowHits / windowFill;
            windowHits = 0;
            windowFill = 0;
        }
    }

    /** Per-window hit ratios, the last (partial) window included; call once the replay is over. */
    double[] windows() {
        if (windowFill > 0) {
            windows[windowIndex] = (double) windowHits / windowFill;
        }
        return windows;
    }

    long hits() {
        return hits;
    }

    long bytesRequested() {
        return bytesRequested;
    }

    long bytesHit() {
        return bytesHit;
    }
}
