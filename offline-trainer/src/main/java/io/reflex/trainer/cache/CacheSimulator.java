package io.reflex.trainer.cache;

import java.util.Objects;

/**
 * Replays a {@link Trace} through one {@link CachePolicy} at one {@link Capacity} and measures hit
 * ratio, byte hit ratio, hit ratio per window of requests, and replay speed.
 *
 * <p>Cache model, for every policy: an object is a hit when it is resident and its TTL has not run
 * out; an expired object is a miss and is removed; a miss for an object larger than the whole
 * capacity is never cached. Byte counts use each request's size; capacity accounting uses the size
 * at admission (or one slot for an entry capacity). The origin RTT recorded for an object is the one
 * of the request that last fetched it.
 *
 * <p>Stateless and thread-safe: concurrent replays of the same trace are independent (each needs its
 * own policy instance). A replay allocates its per-object arrays once, then nothing per request.
 */
public final class CacheSimulator {

    private CacheSimulator() {
    }

    /** Replays the whole trace once. */
    public static SimulationResult replay(Trace trace, Capacity capacity, CachePolicy policy, SimulationOptions options) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(options, "options");
        return switch (Objects.requireNonNull(policy, "policy")) {
            case EvictionPolicy p -> new SimulatedCache(trace, capacity, p).replay(options);
            case BlackBoxCache c -> replayBlackBox(trace, capacity, c, options);
        };
    }

    /** Replays with {@link SimulationOptions#defaults()}. */
    public static SimulationResult replay(Trace trace, Capacity capacity, CachePolicy policy) {
        return replay(trace, capacity, policy, SimulationOptions.defaults());
    }

    private static SimulationResult replayBlackBox(Trace trace, Capacity capacity, BlackBoxCache cache,
            SimulationOptions options) {
        final int[] objects = trace.objects;
        final double[] times = trace.times;
        final long[] sizes = trace.sizes;
        final float[] ttls = trace.ttls;
        final int length = objects.length;
        final int window = options.windowRequests();
        final RequestObserver observer = options.observer();
        final HitTally tally = new HitTally(length, window);
        long start = System.nanoTime();
        for (int i = 0; i < length; i++) {
            int o = objects[i];
            long sz = sizes == null ? 1 : sizes[i];
            boolean hit = cache.access(o, sz, capacity.charge(sz), times == null ? i : times[i],
                    ttls == null ? 0 : ttls[i]);
            tally.record(hit, sz);
            if (observer != null) {
                observer.afterRequest(i, o, hit, cache.usedCharge());
            }
        }
        long elapsed = System.nanoTime() - start;
        // Expirations and refusals happen inside the black box, which does not report them.
        return new SimulationResult(cache.name(), capacity, length, tally.hits(), tally.bytesRequested(),
                tally.bytesHit(), cache.evictions(), -1, -1, window, tally.windows(), elapsed);
    }
}
