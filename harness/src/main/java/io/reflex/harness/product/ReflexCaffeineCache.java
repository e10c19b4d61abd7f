package io.reflex.harness.product;

import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.trainer.cache.BlackBoxCache;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code reflex-caffeine}: the Caffeine adapter ({@link ReflexCache}) driven as a black box, exactly
 * as {@link CaffeineWTinyLfu} drives plain Caffeine, so that the two rows differ only by the adapter:
 * the same capacity kinds (weigher for bytes, entries otherwise), {@code executor(Runnable::run)}
 * (maintenance on the replaying thread), Caffeine's own expiry on the trace's clock (through the
 * adapter's per-entry TTLs), a hit exactly when {@code getIfPresent} returns the entry, a
 * {@code put} on a miss. The policy's features see the trace's clock too (the cache's ticker), and
 * each write carries the request's origin RTT: the simulator calls {@link #access} once per request
 * in trace order, so the n-th call is request n of the trace.
 *
 * <p>A history-1 model is served without the adapter's floor ({@code floor(false)}): the row measures
 * the model, as the simulator's {@code reflex} policy does, and agrees with it (the floor's own
 * figures come from the adaptation demo).
 *
 * <p>The decision deadline is 50 ms (as the simulator's {@code reflex} policy): a simulation measures
 * choices, and a GC pause on a shared machine should not silently turn one into Caffeine's.
 * Fallbacks are still counted ({@link #fallbackWrites()}).
 *
 * <p>One instance per replay, one thread; {@link #close()} after it. Each miss allocates the
 * adapter's entry node and one small value.
 */
public final class ReflexCaffeineCache implements BlackBoxCache, AutoCloseable {

    /** The name results carry. */
    public static final String NAME = "reflex-caffeine";

    private final ReflexCache<Integer, Integer> cache;
    private final Trace trace;
    private final Integer[] keys;
    private final boolean byteCapacity;
    private final boolean expiring;
    private double epochSeconds = Double.NaN;
    private long nowNanos;
    private int request;

    /**
     * Decides over the K the model was built for (a joint model's output width, a candidate-rows
     * or history-1 model's {@code reflex.k} metadata, else 16). A history-1 model gets the adapter's
     * defaults for its bounded history; over a byte capacity, room for as many entries as the
     * trace has objects.
     *
     * @param trace    the trace being replayed (for the origin RTT of each request)
     * @param capacity the capacity
     * @param model    the eviction policy (ONNX, joint or candidate rows)
     */
    public ReflexCaffeineCache(Trace trace, Capacity capacity, Path model) {
        this(trace, capacity, model, ReflexCache.DEFAULT_HEADROOM);
    }

    /**
     * As {@link #ReflexCaffeineCache(Trace, Capacity, Path)}, with the adapter's headroom (a fraction
     * of the capacity; 0 frees only each decision's victim mask).
     */
    public ReflexCaffeineCache(Trace trace, Capacity capacity, Path model, double headroom) {
        this(trace, capacity, model, headroom, 1);
    }

    /**
     * As {@link #ReflexCaffeineCache(Trace, Capacity, Path, double)}, a history-1 model evicting up
     * to {@code victimsPerDecision} candidates per decision ({@code ReflexCache.Builder#victimsPerDecision}).
     */
    public ReflexCaffeineCache(Trace trace, Capacity capacity, Path model, double headroom, int victimsPerDecision) {
        this.trace = trace;
        this.byteCapacity = capacity.isBytes();
        this.expiring = trace.hasTtls();
        ReflexCache.Builder<Integer, Integer> b = ReflexCache.<Integer, Integer>builder().model(model)
                .executor(Runnable::run).ticker(() -> nowNanos).deadline(Duration.ofMillis(50)).name("simulator")
                .headroom(headroom);
        if (b.servesHistory()) {
            // The model alone, as the simulator's own policy replays it: a floor would swap in Caffeine's
            // order wherever the model loses, and this row would no longer be the model's.
            b.victimsPerDecision(victimsPerDecision).floor(false);
        }
        if (byteCapacity) {
            b.maximumWeight(capacity.value()).weigher((Integer key, Integer weight) -> weight);
            if (b.servesHistory()) {
                b.maximumEntries(mostResident(trace, capacity.value()));
            }
        } else {
            b.maximumSize(capacity.value());
        }
        if (expiring) {
            b.perEntryTtl();
        }
        this.cache = b.build();
        this.keys = new Integer[trace.objectCount()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i;
        }
    }

    /** The most objects of {@code trace} a byte capacity can hold at once: by the smallest charge, at most all. */
    private static long mostResident(Trace trace, long capacityBytes) {
        long smallest = Long.MAX_VALUE;
        for (int i = 0; i < trace.length(); i++) {
            smallest = Math.min(smallest, Math.max(1, trace.size(i)));
        }
        return Math.max(1, Math.min(trace.objectCount(), capacityBytes / Math.max(1, smallest)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean access(int object, long sizeBytes, long charge, double timeSeconds, double ttlSeconds) {
        int i = request++;
        if (Double.isNaN(epochSeconds)) {
            epochSeconds = timeSeconds;
        }
        nowNanos = (long) ((timeSeconds - epochSeconds) * 1e9);
        Integer key = keys[object];
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        int weight = byteCapacity ? (int) Math.min(Integer.MAX_VALUE, charge) : 1;
        double rtt = i < trace.length() && trace.hasRtts() ? Math.max(0, trace.rttMillis(i)) : 0;
        Duration ttl = expiring && ttlSeconds > 0 ? Duration.ofNanos((long) Math.min(ttlSeconds * 1e9, Long.MAX_VALUE >> 2)) : null;
        cache.put(key, weight, rtt, ttl);
        return false;
    }

    @Override
    public long usedCharge() {
        return cache.weightedSize();
    }

    @Override
    public long evictions() {
        return -1;
    }

    /** Candidates per decision. */
    public int k() {
        return cache.k();
    }

    /** Writes a history-1 model declined to cache. */
    public long admissionDeclines() {
        return cache.admissionDeclines();
    }

    /** Entries the policy evicted. */
    public long policyEvictions() {
        return cache.policyEvictions();
    }

    /** Writes whose decision fell back to Caffeine's own eviction. */
    public long fallbackWrites() {
        return cache.fallbackWrites();
    }

    @Override
    public void close() {
        cache.close();
    }
}
