package io.reflex.trainer.cache.policy.learned;

import io.reflex.engine.runtime.FallbackCause;

import java.util.Arrays;

/**
 * What a learned policy reports of its replay: decisions, those that fell back, and the first N
 * decision latencies (wall-clock, for the report's histogram; never an input to a decision).
 *
 * <p>One replay, one thread. Allocates only at construction.
 */
final class DecisionStats {

    private final long[] latencies;
    private int latencyCount;
    private long decisions;
    private long fallbacks;

    /** @param latencySamples how many latencies to keep, at least 0 */
    DecisionStats(int latencySamples) {
        if (latencySamples < 0) {
            throw new IllegalArgumentException("latency samples must be >= 0, got " + latencySamples);
        }
        this.latencies = new long[latencySamples];
    }

    /** One decision that took {@code elapsedNanos}; {@code cause} is why it fell back, or null. */
    void record(long elapsedNanos, FallbackCause cause) {
        if (latencyCount < latencies.length) {
            latencies[latencyCount++] = elapsedNanos;
        }
        decisions++;
        if (cause != null) {
            fallbacks++;
        }
    }

    long decisions() {
        return decisions;
    }

    long fallbacks() {
        return fallbacks;
    }

    /** A copy of the latencies kept. */
    long[] latencies() {
        return Arrays.copyOf(latencies, latencyCount);
    }
}
