package io.reflex.engine.eviction;

import java.util.Arrays;

/**
 * Per-object access history for the {@link HistoryFeatures} schema, kept in flat arrays indexed by a
 * dense slot the host assigns (the simulator's object id; a host's resident or ghost index): the
 * tick of the last access, the {@value #DELTAS} most recent gaps between accesses, and
 * {@value #EDCS} exponentially decayed counters (EDCs, as LRB keeps them).
 *
 * <p>The clock is the host's request counter ("ticks": one per request to the cache, hit or miss),
 * not wall time, so a model trained on one trace's request stream reads the same units on another.
 * On each access at tick {@code t} to a slot last accessed at {@code l}, with {@code Δ = t − l}:
 * the gaps shift ({@code gap[2] ← gap[1] ← gap[0] ← Δ}) and each counter decays and counts the
 * access, {@code edc[i] ← edc[i] · 2^(−Δ / W_i) + 1} with {@code W_i} = {@link #edcWindow(int)}
 * ticks. A first access sets every counter to 1 and leaves the gaps unknown ({@link #UNKNOWN}). The
 * decay is computed with {@link StrictMath#pow}, so every JVM gives the same bits (a C host matches
 * with {@code pow(2.0, -(double) d / w)} rounded to float to within an ulp).
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction;
 * {@value #BYTES_PER_SLOT} bytes per slot.
 */
public final class AccessHistory implements ResidentIndex.LastAccess {

    /** Past gaps kept per slot. */
    public static final int DELTAS = 3;
    /** Decayed counters kept per slot. */
    public static final int EDCS = 4;
    /** A gap or tick not (yet) known. */
    public static final long UNKNOWN = -1;
    /** Memory per slot: the last tick, the gaps and the counters. */
    public static final int BYTES_PER_SLOT = 8 + 8 * DELTAS + 4 * EDCS;

    /** log2 of the counters' windows in ticks: 2^8 … 2^17 requests. */
    private static final int[] EDC_WINDOW_LOG2 = {8, 11, 14, 17};

    private final long[] last;
    private final long[] gaps;
    private final float[] edcs;

    /** A history of {@code slots} slots, all empty. */
    public AccessHistory(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        last = new long[slots];
        gaps = new long[slots * DELTAS];
        edcs = new float[slots * EDCS];
        Arrays.fill(last, UNKNOWN);
        Arrays.fill(gaps, UNKNOWN);
    }

    /** The window of counter {@code i} in ticks. */
    public static long edcWindow(int i) {
        return 1L << EDC_WINDOW_LOG2[i];
    }

    public int slots() {
        return last.length;
    }

    /**
     * Records an access to {@code slot} at {@code tick}.
     *
     * @throws IllegalArgumentException if {@code tick} is before the slot's last access
     */
    public void record(int slot, long tick) {
        long l = last[slot];
        int g = slot * DELTAS;
        int e = slot * EDCS;
        if (l == UNKNOWN) {
            for (int i = 0; i < EDCS; i++) {
                edcs[e + i] = 1f;
            }
        } else {
            long delta = tick - l;
            if (delta < 0) {
                throw new IllegalArgumentException("slot " + slot + " accessed at tick " + tick
                        + ", before its last access at " + l);
            }
            for (int i = DELTAS - 1; i > 0; i--) {
                gaps[g + i] = gaps[g + i - 1];
            }
            gaps[g] = delta;
            for (int i = 0; i < EDCS; i++) {
                double decay = StrictMath.pow(2.0, -(double) delta / edcWindow(i));
                edcs[e + i] = (float) (edcs[e + i] * decay + 1.0);
            }
        }
        last[slot] = tick;
    }

    /** Forgets everything about {@code slot} (a host reusing the slot for another object). */
    public void clear(int slot) {
        last[slot] = UNKNOWN;
        Arrays.fill(gaps, slot * DELTAS, slot * DELTAS + DELTAS, UNKNOWN);
        Arrays.fill(edcs, slot * EDCS, slot * EDCS + EDCS, 0f);
    }

    /** The tick of the slot's last access, or {@link #UNKNOWN}. */
    @Override
    public long lastAccess(int slot) {
        return last[slot];
    }

    /** The slot's {@code i}-th most recent gap between accesses (0 = the latest), or {@link #UNKNOWN}. */
    public long gap(int slot, int i) {
        return gaps[slot * DELTAS + i];
    }

    /** The slot's counter {@code i} as of its last access (0 before any). */
    public float edc(int slot, int i) {
        return edcs[slot * EDCS + i];
    }
}
