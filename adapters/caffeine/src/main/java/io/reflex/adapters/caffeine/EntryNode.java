package io.reflex.adapters.caffeine;

/**
 * What the inner Caffeine cache stores for one key: the caller's value plus the per-entry state the
 * six eviction features are computed from (the "side table" lives inside the value, so it is created
 * and dropped with the entry and needs no second map).
 *
 * <p>Threading: the immutable fields are safely published by Caffeine's map. The access statistics
 * ({@code hits}, {@code lastAccessNanos}, {@code previousAccessNanos}) are plain fields that readers
 * update without synchronisation: two threads reading the same entry at once may lose an increment
 * or pair a timestamp with the other thread's predecessor. They are features for a heuristic, not
 * accounting, and a lock or atomic on the read path would cost more than the policy gains.
 *
 * <p>Three plain stores per hit, on purpose: packing the last access tick, a half-float gap and the
 * hits into one {@code long} (one load and one store, a 48-byte node instead of 64) measured slower
 * reads, 0.49–0.72 of plain Caffeine's against 0.77–0.81 for these fields, in alternating runs of
 * {@code ./reflex bench caffeine} on a quiet machine (Dec 5): the read-modify-write and the conversion
 * cost more than the stores they save. Moving the recording off the hit, into a lossy striped ring
 * of (node, time) drained on the common pool or every 256 reads, measured slower still. Both this
 * object and its stores cost: with no recording at all the adapter
 * read at 0.65 of plain Caffeine against 0.63 with it over 50,000 keys, 0.82 against 0.76 over 5,000
 * (medians of several JVMs, docs/measurements.md, "Caffeine adapter against plain Caffeine").
 *
 * <p>A history-1 cache ({@code HistoryEviction}) stores the subclass {@link HistoryNode}, which
 * carries the resident's access history; of this class it uses the value, the weight, the TTL, the
 * slot and {@code hits}, which it reads and writes only under its lock: the hits since admission,
 * or {@link #RELEASED} once the node is no longer its slot's resident.
 *
 * <p>Allocation: one instance per write.
 */
sealed class EntryNode<V> permits HistoryNode {

    /** Marks "never read since written". */
    static final long NEVER = Long.MIN_VALUE;
    /** Marks "no TTL". */
    static final long NO_TTL = Long.MAX_VALUE;
    /** Marks "no history slot" (a Cold-RL cache's entries). */
    static final int NO_SLOT = -1;
    /** A history-1 node's {@code hits} once it is no longer its slot's resident. */
    static final int RELEASED = -1;

    final V value;
    final int weight;
    /**
     * The entry's slot in a history-1 cache's bounded history, or {@link #NO_SLOT} (Cold-RL). It
     * fits the padding of the 64-byte node, so the Cold-RL node is no larger for it.
     */
    final int slot;
    final long insertedNanos;
    final long ttlNanos;
    final float originRttMillis;

    int hits;
    long lastAccessNanos;
    long previousAccessNanos = NEVER;

    EntryNode(V value, int weight, long insertedNanos, long ttlNanos, double originRttMillis) {
        this(value, weight, insertedNanos, ttlNanos, originRttMillis, NO_SLOT);
    }

    EntryNode(V value, int weight, long insertedNanos, long ttlNanos, double originRttMillis, int slot) {
        this.value = value;
        this.weight = weight;
        this.slot = slot;
        this.insertedNanos = insertedNanos;
        this.ttlNanos = ttlNanos;
        this.originRttMillis = (float) originRttMillis;
        this.lastAccessNanos = insertedNanos;
    }

    /**
     * A read that found this entry at {@code nowNanos} (racy by design, see the class comment).
     * Branch-free on purpose: skipping the timestamp stores when the coarse clock has not moved
     * costs a mispredicted branch on most hits of a large working set, which measured slower than
     * the two stores; two hits within one tick then read as an inter-arrival of 0, which is the
     * clock's resolution.
     */
    void recordHit(long nowNanos) {
        hits++;
        previousAccessNanos = lastAccessNanos;
        lastAccessNanos = nowNanos;
    }

    /** Seconds between the two latest requests; with only the write, the time since it. */
    double interArrivalSeconds(long nowNanos) {
        long prev = previousAccessNanos;
        long last = lastAccessNanos;
        long gap = prev == NEVER ? nowNanos - last : last - prev;
        return Math.max(0, gap) * 1e-9;
    }

    /** Remaining TTL in seconds (negative once expired), or +∞ without one. */
    double remainingTtlSeconds(long nowNanos) {
        if (ttlNanos == NO_TTL) {
            return Double.POSITIVE_INFINITY;
        }
        return ((double) insertedNanos + (double) ttlNanos - (double) nowNanos) * 1e-9;
    }
}
