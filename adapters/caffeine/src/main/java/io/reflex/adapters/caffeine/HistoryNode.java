package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.AccessHistory;

/**
 * A history-1 cache's entry: the node plus its object's access history while it is resident (the
 * last tick, the three latest gaps and the four decayed counters of {@link AccessHistory}) and the
 * tick it was admitted at. The history lives here, not in the bounded history's slot, so that a
 * replayed hit updates the node the lookup has just loaded instead of a slot in a table of
 * megabytes far from it, whose first load missed the cache on nearly every hit. It moves in from
 * the slot when the object is admitted and back to it when the object leaves (the slot then keeps
 * it as a ghost's), and a decision copies its candidates' histories into a small scratch history.
 *
 * <p>Threading: the history, {@code floorKey} and {@code hits} are read and written only under
 * {@code HistoryEviction}'s lock. Allocation: none beyond the node itself.
 */
final class HistoryNode<V> extends EntryNode<V> {

    private long lastTick;
    private long gap0;
    private long gap1;
    private long gap2;
    private long counters01;
    private long counters23;
    /** The tick the object was admitted at, handed on to a replacing node. */
    long admittedTick;
    /**
     * What the floor keeps for this key, decided from its fingerprint when the node is written: the
     * fingerprint when the floor's shadows see the key's requests, else
     * {@link io.reflex.engine.adapt.SpatialSampler#NEVER_SAMPLED} (also without a floor). A
     * replayed hit then needs neither the fingerprint's load from the bounded history's table (a
     * cache miss, nearly always) nor its hash. 8 bytes a node.
     */
    long floorKey = io.reflex.engine.adapt.SpatialSampler.NEVER_SAMPLED;

    HistoryNode(V value, int weight, long insertedNanos, long ttlNanos, double originRttMillis, int slot) {
        super(value, weight, insertedNanos, ttlNanos, originRttMillis, slot);
    }

    /** The tick of the last access. */
    long lastTick() {
        return lastTick;
    }

    /**
     * Records an access at {@code tick}, as {@link AccessHistory#record} records it in a slot, bit
     * for bit. The node always holds an access already (its admission's), so there is no first
     * access to treat.
     */
    void record(long tick) {
        long delta = tick - lastTick;
        gap2 = gap1;
        gap1 = gap0;
        gap0 = delta;
        counters01 = AccessHistory.recordedPair(counters01, delta, 0);
        counters23 = AccessHistory.recordedPair(counters23, delta, 1);
        lastTick = tick;
    }

    /** Takes the history of {@code slot} (an object being admitted, its access recorded). */
    void loadFrom(AccessHistory history, int slot) {
        lastTick = history.lastAccess(slot);
        gap0 = history.gap(slot, 0);
        gap1 = history.gap(slot, 1);
        gap2 = history.gap(slot, 2);
        counters01 = history.counterPair(slot, 0);
        counters23 = history.counterPair(slot, 1);
    }

    /** Takes the history and admission of the node it replaces (the same object, rewritten). */
    void takeOver(HistoryNode<?> replaced) {
        lastTick = replaced.lastTick;
        gap0 = replaced.gap0;
        gap1 = replaced.gap1;
        gap2 = replaced.gap2;
        counters01 = replaced.counters01;
        counters23 = replaced.counters23;
        admittedTick = replaced.admittedTick;
        hits = replaced.hits;
    }

    /** Writes the history into {@code slot} of {@code history}: the bounded history's, or a decision's scratch. */
    void storeTo(AccessHistory history, int slot) {
        history.set(slot, lastTick, gap0, gap1, gap2, counters01, counters23);
    }
}
