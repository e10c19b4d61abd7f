package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.reflex.engine.adapt.ShadowCache;

/**
 * Caffeine's own policy (W-TinyLFU: window, frequency sketch, segmented main) in miniature, the
 * classical rule a learned policy's floor compares it with in a {@link ReflexCache}: a real
 * Caffeine cache of 64-bit fingerprints over the sampled keys, in the scaled capacity. A request
 * that finds its key hits; a miss writes it (the weight as its value, read by the weigher under a
 * weight capacity), and Caffeine evicts and admits as it would in the live cache.
 *
 * <p>Memory: at most {@code maxEntries} keys (under a weight capacity many light keys could
 * otherwise fill it, so the coldest is dropped past that bound), each a Caffeine node, a boxed key
 * and value and a map entry, plus the frequency sketch: about 130 bytes per entry (estimated from
 * those objects' sizes), a few hundred KiB at the adapter's 4,096 sampled entries.
 *
 * <p>Maintenance runs on the caller's thread ({@code executor(Runnable::run)}), so the same
 * requests give the same hits, up to the random admission of about 1 in 128 warm candidates that
 * Caffeine uses against hash flooding. Not thread-safe in the sense that matters here: the floor
 * calls it under the host's lock, in request order. Allocates on a sampled request (the boxed key,
 * and a node on a miss): only {@code rate} of the requests reach it.
 */
final class CaffeineShadow implements ShadowCache {

    private final Cache<Long, Integer> cache;
    private final int maxEntries;
    private final boolean weighted;

    private CaffeineShadow(long capacity, int maxEntries, boolean weighted) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run);
        this.cache = weighted
                ? builder.maximumWeight(capacity).weigher((Long key, Integer weight) -> weight).build()
                : builder.maximumSize(capacity).build();
        this.maxEntries = maxEntries;
        this.weighted = weighted;
    }

    /** Makes shadows over a capacity in entries ({@code maximumSize}) or in weight ({@code maximumWeight}). */
    static ShadowCache.Factory factory(boolean weighted) {
        return (capacity, maxEntries) -> new CaffeineShadow(capacity, maxEntries, weighted);
    }

    @Override
    public boolean access(long fingerprint, long weight) {
        Long key = fingerprint;
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        cache.put(key, (int) Math.min(Integer.MAX_VALUE, weight));
        if (weighted && cache.estimatedSize() > maxEntries) {
            cache.policy().eviction().orElseThrow().coldest(1).keySet().forEach(cache::invalidate);
        }
        return false;
    }

    /** Keys held (for tests). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
