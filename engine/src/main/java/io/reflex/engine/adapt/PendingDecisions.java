package io.reflex.engine.adapt;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decisions of a loop waiting for their rewards: a preallocated ring, written by the serving
 * threads ({@link #record}: a ticket, a CAS, a copy of the context and a release store; no lock,
 * no allocation) and read once per reward by one reader at a time ({@link #take}), who then finds
 * the decision's context in its scratch array and its action, propensity and tag in the
 * {@code taken…} fields. A ticket older than the ring, or one already taken, finds its slot
 * reused or free and is refused; a writer a whole ring behind another's unfinished write drops its
 * decision rather than wait. Shared by {@link DecisionShadow} and {@link DecisionFloor}.
 *
 * <p>{@link #record} is thread-safe; {@link #take} and the {@code taken…} fields are for one reader
 * at a time (the owner's lock). Allocation-free after construction.
 */
final class PendingDecisions {

    private static final long FREE = -1;
    private static final long WRITING = -2;

    private final int width;
    private final int capacity;
    private final AtomicLong tickets = new AtomicLong();
    /** Per slot: the ticket it holds, {@link #FREE} or {@link #WRITING}. */
    private final AtomicLongArray slots;
    private final float[] contexts;
    private final int[] actions;
    private final double[] propensities;
    private final long[] tags;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder unmatched = new LongAdder();

    /** The taken decision's action, propensity and tag, valid after {@link #take} returned true. */
    int takenAction;
    double takenPropensity;
    long takenTag;

    /** The most decisions a ring holds. */
    static final int MOST_CAPACITY = 1 << 24;

    /** {@code decisions}, if a ring may hold that many (1 to {@value #MOST_CAPACITY}); a builder's check. */
    static int requireCapacity(int decisions) {
        if (decisions < 1 || decisions > MOST_CAPACITY) {
            throw new IllegalArgumentException("pending must be in [1, " + MOST_CAPACITY + "] decisions, got " + decisions);
        }
        return decisions;
    }

    PendingDecisions(int capacity, int width) {
        this.width = width;
        this.capacity = capacity;
        this.slots = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            slots.set(i, FREE);
        }
        this.contexts = new float[Math.multiplyExact(capacity, width)];
        this.actions = new int[capacity];
        this.propensities = new double[capacity];
        this.tags = new long[capacity];
    }

    /** Records a decision; returns its ticket, or -1 when its slot was still being written (dropped). */
    long record(float[] features, int action, double propensity, long tag) {
        long ticket = tickets.getAndIncrement();
        int s = (int) (ticket % capacity);
        long old = slots.get(s);
        if (old == WRITING || !slots.compareAndSet(s, old, WRITING)) {
            dropped.increment();
            return -1;
        }
        System.arraycopy(features, 0, contexts, s * width, width);
        actions[s] = action;
        propensities[s] = propensity;
        tags[s] = tag;
        slots.setRelease(s, ticket);
        return ticket;
    }

    /**
     * Takes the decision of {@code ticket} once: its context into {@code scratch} (at least the
     * width), the rest into the {@code taken…} fields. False, and counted as unmatched, when the
     * ring no longer holds it or it was taken already.
     */
    boolean take(long ticket, float[] scratch) {
        int s = (int) (ticket % capacity);
        if (slots.getAcquire(s) != ticket) {
            unmatched.increment();
            return false;
        }
        System.arraycopy(contexts, s * width, scratch, 0, width);
        int action = actions[s];
        double propensity = propensities[s];
        long tag = tags[s];
        // As StampedLock's validate: the copies above are ordered before the check that no writer took the slot meanwhile.
        VarHandle.acquireFence();
        if (!slots.compareAndSet(s, ticket, FREE)) {
            unmatched.increment();
            return false;
        }
        takenAction = action;
        takenPropensity = propensity;
        takenTag = tag;
        return true;
    }

    /** Decisions not recorded because their slot was still being written by a thread a ring behind. */
    LongAdder dropped() {
        return dropped;
    }

    /** Rewards whose decision the ring no longer held, or had given up already. */
    LongAdder unmatched() {
        return unmatched;
    }
}
