package io.reflex.engine.adapt;

import io.reflex.engine.eviction.FingerprintTable;
import io.reflex.engine.eviction.RecencyList;

/**
 * An LRU cache of keys only (no values), for shadow simulation: the classical rule's hits on the
 * requests a {@link SpatialSampler} picks, in a capacity scaled to them. Keys are 64-bit
 * fingerprints, each with a weight of at least 1 (its size under a byte capacity, 1 under a
 * capacity in entries); a miss admits the key, evicting the least recently used until it fits; a
 * key heavier than the whole capacity is not admitted. A hit does not change a key's weight.
 *
 * <p>Memory: at most {@code maxEntries} keys, about 36 bytes each ({@link FingerprintTable} and
 * {@link RecencyList} slots, a weight and a free-slot stack entry).
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction.
 */
public final class MiniatureLru implements ShadowCache {

    private final long capacity;
    private final FingerprintTable table;
    private final RecencyList recency;
    private final long[] weights;
    private final int[] free;
    private int freeCount;
    private long used;
    private final HitCount hits = new HitCount();

    /**
     * @param capacity   the total weight the cache holds, at least 1
     * @param maxEntries the most keys held at once (bounds memory under a byte capacity)
     * @throws IllegalArgumentException if either is below 1, or {@code maxEntries} above 2^28
     */
    public MiniatureLru(long capacity, int maxEntries) {
        if (capacity < 1 || maxEntries < 1 || maxEntries > 1 << 28) {
            throw new IllegalArgumentException("capacity must be >= 1 and max entries in [1, 2^28], got " + capacity
                    + " and " + maxEntries);
        }
        this.capacity = capacity;
        this.table = new FingerprintTable(maxEntries);
        this.recency = new RecencyList(maxEntries);
        this.weights = new long[maxEntries];
        this.free = new int[maxEntries];
        for (int i = 0; i < maxEntries; i++) {
            free[i] = maxEntries - 1 - i;
        }
        this.freeCount = maxEntries;
    }

    /**
     * A request for the key: true on a hit (the key becomes the most recently used), false on a miss
     * (the key is admitted if it fits at all).
     *
     * @throws IllegalArgumentException if {@code weight < 1}
     */
    @Override
    public boolean access(long fingerprint, long weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, got " + weight);
        }
        int slot = table.find(fingerprint);
        if (slot != FingerprintTable.NO_SLOT) {
            recency.touch(slot);
            return hits.record(true);
        }
        hits.record(false);
        if (weight > capacity) {
            return false;
        }
        while (used + weight > capacity || freeCount == 0) {
            evictOldest();
        }
        slot = free[--freeCount];
        table.put(fingerprint, slot);
        weights[slot] = weight;
        recency.add(slot);
        used += weight;
        return false;
    }

    /** Whether the key is cached (not a request). */
    public boolean contains(long fingerprint) {
        return table.find(fingerprint) != FingerprintTable.NO_SLOT;
    }

    private void evictOldest() {
        int slot = recency.oldest();
        recency.remove(slot);
        table.remove(slot);
        used -= weights[slot];
        free[freeCount++] = slot;
    }

    /** Keys cached. */
    public int size() {
        return recency.size();
    }

    /** Weight cached. */
    public long used() {
        return used;
    }

    public long capacity() {
        return capacity;
    }

    /** Requests seen since construction, and their hits. */
    public HitCount hits() {
        return hits;
    }
}
