package io.reflex.engine.adapt;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.BoundedHistory;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.eviction.RecencyList;
import io.reflex.engine.eviction.ResidentIndex;

import java.util.Objects;

/**
 * A learned eviction policy in miniature: a cache of keys only (no values) over the requests a
 * {@link SpatialSampler} picks, in a capacity scaled to them, that evicts as the model does in the
 * full cache: the same candidates (K drawn from its residents by a {@link ResidentIndex}, or its K
 * least recently used), the same {@value HistoryFeatures#SCHEMA} rows, the same admission answer.
 * Beside a cache that serves LRU it says what the learned policy would hit there, so a demoted
 * policy is promoted again on evidence rather than on trust ({@link LruFloor}).
 *
 * <p>Ticks are the caller's (the full stream's request count, not the sampled one): SHARDS keeps
 * every request of a sampled key, so a sampled key's gaps and ages in the full stream's ticks are
 * what the model sees in the full cache. Histories outlive eviction as the hosts keep them, in a
 * {@link BoundedHistory} with {@code ghostsPerResident} ghosts per resident.
 *
 * <p>Memory: about {@value BoundedHistory#BYTES_PER_SLOT} bytes per history slot
 * ({@code maxEntries × (1 + ghostsPerResident)}) plus 28 per resident, and one decider of the loop.
 * Not thread-safe: one writer, or external locking. Allocation-free per request after construction;
 * an access that evicts costs one model decision per victim (about {@code rate} of the full cache's
 * decisions).
 */
public final class MiniatureNextAccess implements AutoCloseable {

    private final long capacity;
    private final int k;
    private final NextAccessLoop.Decider decider;
    private final HistoryFeatures features;
    private final BoundedHistory slots;
    private final AccessHistory history;
    /** Residents to sample from, for sampled candidates; null for the LRU tail. */
    private final ResidentIndex residents;
    /** Residents by recency, for LRU-tail candidates; null when sampled. */
    private final RecencyList recency;
    private final long[] weights;
    private final long[] admittedAt;
    private final int[] hitsSinceAdmission;
    private final int[] candidates;
    private long used;
    private final HitCount hits = new HitCount();

    /**
     * @param loop              the loop serving the model (a decider of its own is taken from it)
     * @param candidates        the model's candidate set
     * @param capacity          the total weight held, at least 1 (scaled by the sampling rate)
     * @param maxEntries        the most keys resident at once
     * @param ghostsPerResident histories kept per resident for keys no longer cached
     * @throws IllegalArgumentException if a bound is below 1 or the history slots exceed 2^28
     */
    public MiniatureNextAccess(NextAccessLoop loop, EvictionModel.Candidates candidates, long capacity,
                               int maxEntries, int ghostsPerResident) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(candidates, "candidates");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.slots = new BoundedHistory(maxEntries, ghostsPerResident);
        int n = slots.capacity();
        this.capacity = capacity;
        this.k = loop.k();
        this.history = slots.history();
        this.residents = candidates == EvictionModel.Candidates.SAMPLED
                ? new ResidentIndex(n, ResidentIndex.SAMPLING_SEED) : null;
        this.recency = residents == null ? new RecencyList(n) : null;
        this.weights = new long[n];
        this.admittedAt = new long[n];
        this.hitsSinceAdmission = new int[n];
        this.candidates = new int[k];
        this.decider = loop.newDecider();
        this.features = decider.features();
    }

    /**
     * A request for the key at {@code tick}: true on a hit; on a miss the key is admitted when it
     * fits at all and the model admits it, evicting the model's victims until it fits.
     *
     * @throws IllegalArgumentException if {@code weight < 1}
     */
    public boolean access(long fingerprint, long weight, long tick) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, got " + weight);
        }
        int slot = slots.find(fingerprint);
        if (slot != BoundedHistory.NO_SLOT && slots.isResident(slot)) {
            history.record(slot, tick);
            hitsSinceAdmission[slot]++;
            if (recency != null) {
                recency.touch(slot);
            }
            return hits.record(true);
        }
        hits.record(false);
        slot = slots.touch(fingerprint);
        history.record(slot, tick);
        if (weight > capacity) {
            return false;
        }
        boolean first = true;
        while (used + weight > capacity || slots.residents() == slots.residentBound()) {
            int n = gather();
            for (int j = 0; j < n; j++) {
                int c = candidates[j];
                features.resident(j, history, c, tick, weights[c], admittedAt[c], hitsSinceAdmission[c]);
            }
            if (first) {
                features.incoming(n, history, slot, tick, weight);
            }
            int victim = candidates[decider.decide(n, first)];
            if (first && !decider.admit()) {
                return false;
            }
            first = false;
            evict(victim);
        }
        slots.admit(slot);
        weights[slot] = weight;
        admittedAt[slot] = tick;
        hitsSinceAdmission[slot] = 0;
        used += weight;
        if (residents != null) {
            residents.add(slot);
        } else {
            recency.add(slot);
        }
        return false;
    }

    private int gather() {
        if (residents != null) {
            return residents.sample(k, candidates);
        }
        return recency.oldest(k, candidates);
    }

    private void evict(int slot) {
        if (residents != null) {
            residents.remove(slot);
        } else {
            recency.remove(slot);
        }
        used -= weights[slot];
        slots.release(slot);
    }

    /** Whether the key is cached (not a request). */
    public boolean contains(long fingerprint) {
        int slot = slots.find(fingerprint);
        return slot != BoundedHistory.NO_SLOT && slots.isResident(slot);
    }

    /** Keys cached. */
    public int size() {
        return slots.residents();
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

    /** Closes the decider (the loop stays the caller's). */
    @Override
    public void close() {
        decider.close();
    }
}
