package io.reflex.trainer.cache.policy.product;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.reflex.trainer.cache.BlackBoxCache;
import io.reflex.trainer.cache.Capacity;

/**
 * {@code wtinylfu}: the real Caffeine cache (W-TinyLFU: a small LRU window, TinyLFU admission with a
 * count-min sketch, segmented-LRU main space, hill-climbing window size), driven as a black box.
 * <ul>
 *   <li>Byte capacity: {@code maximumWeight} with a weigher returning the object's size (clamped to
 *       {@code Integer.MAX_VALUE}, Caffeine's weight type); entry capacity: {@code maximumSize}.</li>
 *   <li>{@code executor(Runnable::run)}: maintenance (eviction) runs on the replaying thread, right
 *       after the write that needs it, so the replay is sequential and repeatable.</li>
 *   <li>TTLs, when the trace has them: a per-entry {@link Expiry} and a ticker reading the trace's
 *       clock, so Caffeine itself expires entries.</li>
 *   <li>A request is a hit exactly when {@code getIfPresent} returns the entry; a miss then
 *       {@code put}s it. {@link #stats()} is Caffeine's own record of the same lookups.</li>
 * </ul>
 * Caffeine admits a warm candidate at random about once in 128 contests (its defence against hash
 * flooding, drawn from {@code ThreadLocalRandom}, which cannot be seeded), so its rows may differ in
 * the last digits between runs.
 *
 * <p>One instance per replay, one thread. Each miss allocates one small value object; keys are boxed
 * once per object at construction.
 */
public final class CaffeineWTinyLfu implements BlackBoxCache {

    /** What the cache stores per object: only what the weigher and the expiry need. */
    private record Stored(int weight, long ttlNanos) {
    }

    private final Cache<Integer, Stored> cache;
    private final Integer[] keys;
    private final boolean byteCapacity;
    private final boolean expiring;
    private double epochSeconds = Double.NaN;
    private long nowNanos;

    /**
     * @param objects   the trace's object count
     * @param capacity  the capacity
     * @param withTtls  whether the trace has TTLs (enables Caffeine's variable expiry)
     */
    public CaffeineWTinyLfu(int objects, Capacity capacity, boolean withTtls) {
        this.byteCapacity = capacity.isBytes();
        this.expiring = withTtls;
        Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run).recordStats();
        Caffeine<Integer, Stored> typed;
        if (byteCapacity) {
            typed = builder.maximumWeight(capacity.value()).weigher((Integer key, Stored value) -> value.weight());
        } else {
            typed = typed(builder.maximumSize(capacity.value()));
        }
        if (withTtls) {
            typed = typed.expireAfter(new Expiry<Integer, Stored>() {
                @Override
                public long expireAfterCreate(Integer key, Stored value, long currentTime) {
                    return value.ttlNanos();
                }

                @Override
                public long expireAfterUpdate(Integer key, Stored value, long currentTime, long currentDuration) {
                    return value.ttlNanos();
                }

                @Override
                public long expireAfterRead(Integer key, Stored value, long currentTime, long currentDuration) {
                    return currentDuration;
                }
            }).ticker(() -> nowNanos);
        }
        this.cache = typed.build();
        this.keys = new Integer[objects];
        for (int i = 0; i < objects; i++) {
            keys[i] = i;
        }
    }

    // Caffeine's builder starts as <Object, Object>; maximumSize does not narrow it, the first typed
    // call (weigher, expireAfter) would. This is the cast its own documentation relies on.
    @SuppressWarnings("unchecked")
    private static Caffeine<Integer, Stored> typed(Caffeine<Object, Object> builder) {
        return (Caffeine<Integer, Stored>) (Caffeine<?, ?>) builder;
    }

    @Override
    public String name() {
        return "wtinylfu";
    }

    @Override
    public boolean access(int object, long sizeBytes, long charge, double timeSeconds, double ttlSeconds) {
        if (expiring) {
            if (Double.isNaN(epochSeconds)) {
                epochSeconds = timeSeconds;
            }
            nowNanos = (long) ((timeSeconds - epochSeconds) * 1e9);
        }
        Integer key = keys[object];
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        int weight = byteCapacity ? (int) Math.min(Integer.MAX_VALUE, charge) : 1;
        long ttl = ttlSeconds > 0 ? (long) Math.min(ttlSeconds * 1e9, Long.MAX_VALUE >> 2) : Long.MAX_VALUE >> 2;
        cache.put(key, new Stored(weight, ttl));
        return false;
    }

    @Override
    public long usedCharge() {
        Policy.Eviction<Integer, Stored> eviction = cache.policy().eviction().orElseThrow();
        return byteCapacity ? eviction.weightedSize().orElseThrow() : cache.estimatedSize();
    }

    @Override
    public long evictions() {
        return cache.stats().evictionCount();
    }

    /** Caffeine's own statistics of this replay's lookups (hits, misses, evictions). */
    public CacheStats stats() {
        return cache.stats();
    }
}
