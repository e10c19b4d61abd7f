package io.reflex.trainer.cache;

import java.util.Arrays;

/**
 * What one replay of a trace through one policy at one capacity measured. Immutable (the window
 * array is copied on the way in and out).
 *
 * @param policy          the policy's name
 * @param capacity        the capacity simulated
 * @param requests        requests replayed
 * @param hits            requests served from the cache
 * @param bytesRequested  sum of requested sizes
 * @param bytesHit        sum of the sizes of the requests that hit
 * @param evictions       objects evicted to make room (as reported by a black-box cache; -1 if it does not)
 * @param expirations     objects found expired when requested (-1 for a black-box cache: not reported)
 * @param rejected        misses not cached, too large for the capacity or refused at admission (-1 for
 *                        a black-box cache: not reported)
 * @param windowRequests  requests per entry of {@code windowHitRatios}
 * @param windowHitRatios hit ratio of each consecutive window of {@code windowRequests} requests
 *                        (the last one may be shorter)
 * @param elapsedNanos    wall time of the replay loop
 */
public record SimulationResult(String policy, Capacity capacity, long requests, long hits, long bytesRequested,
        long bytesHit, long evictions, long expirations, long rejected, int windowRequests, double[] windowHitRatios,
        long elapsedNanos) {

    public SimulationResult {
        windowHitRatios = windowHitRatios.clone();
    }

    /** Hits over requests (0 for an empty trace). */
    public double hitRatio() {
        return requests == 0 ? 0 : (double) hits / requests;
    }

    /** Bytes served from the cache over bytes requested (0 for an empty trace). */
    public double byteHitRatio() {
        return bytesRequested == 0 ? 0 : (double) bytesHit / bytesRequested;
    }

    /** Replay throughput. */
    public double requestsPerSecond() {
        return elapsedNanos <= 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    @Override
    public double[] windowHitRatios() {
        return windowHitRatios.clone();
    }

    @Override
    public String toString() {
        return policy + " @ " + capacity + ": hit ratio " + hitRatio() + ", byte hit ratio " + byteHitRatio()
                + ", " + requests + " requests, windows " + Arrays.toString(windowHitRatios);
    }
}
