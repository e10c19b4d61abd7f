package io.reflex.harness.bench;

import java.util.Arrays;

/**
 * A fixed-capacity record of per-call latencies in nanoseconds, with exact percentiles. Recording
 * allocates nothing; the array is sized up front.
 *
 * <p>Not thread-safe: one recording thread.
 */
public final class LatencySamples {

    private final long[] samples;
    private int count;
    private boolean sorted;

    public LatencySamples(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.samples = new long[capacity];
    }

    /** Records one latency; samples beyond the capacity are dropped. */
    public void record(long nanos) {
        if (count < samples.length) {
            samples[count++] = nanos;
            sorted = false;
        }
    }

    public int count() {
        return count;
    }

    /** The {@code q}-quantile (nearest rank), {@code q} in (0, 1]. */
    public long percentile(double q) {
        if (count == 0) {
            throw new IllegalStateException("no samples recorded");
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
        }
        if (!sorted) {
            Arrays.sort(samples, 0, count);
            sorted = true;
        }
        int rank = (int) Math.ceil(q * count);
        return samples[Math.max(0, rank - 1)];
    }
}
