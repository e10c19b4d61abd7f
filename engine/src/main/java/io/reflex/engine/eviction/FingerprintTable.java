package io.reflex.engine.eviction;

/**
 * A map from 64-bit key fingerprints to dense slots {@code [0, slots)}: open addressing with
 * linear probing over a power-of-two table of at least twice the slots ({@code table[i]} is
 * {@code slot + 1}, 0 empty), indexed by the top bits of {@code fingerprint × 0x9e3779b97f4a7c15};
 * removal shifts the rest of the probe run back, so there are no tombstones and a lookup never
 * walks more than one run. The caller owns the slots (which are free, which are used); this class
 * only remembers which fingerprint each used slot holds.
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction; 8 bytes
 * per slot plus at most 16 of table.
 */
public final class FingerprintTable {

    /** No slot. */
    public static final int NO_SLOT = -1;

    private static final long PHI = 0x9e3779b97f4a7c15L;

    private final long[] fingerprints;
    private final int[] table;
    private final int shift;
    private final int mask;

    /**
     * A table for slots {@code [0, slots)}, all unused.
     *
     * @throws IllegalArgumentException if {@code slots} is not in [1, 2^28]
     */
    public FingerprintTable(int slots) {
        if (slots < 1 || slots > 1 << 28) {
            throw new IllegalArgumentException("slots must be in [1, 2^28], got " + slots);
        }
        fingerprints = new long[slots];
        int tableSize = Integer.highestOneBit(2 * slots - 1) << 1;
        table = new int[tableSize];
        mask = tableSize - 1;
        shift = 64 - Integer.numberOfTrailingZeros(tableSize);
    }

    public int slots() {
        return fingerprints.length;
    }

    /** The slot holding {@code fingerprint}, or {@link #NO_SLOT}. */
    public int find(long fingerprint) {
        for (int i = home(fingerprint); ; i = (i + 1) & mask) {
            int e = table[i];
            if (e == 0) {
                return NO_SLOT;
            }
            if (fingerprints[e - 1] == fingerprint) {
                return e - 1;
            }
        }
    }

    /**
     * Maps {@code fingerprint}, which must be absent, to the unused {@code slot}.
     *
     * @throws IllegalStateException if the fingerprint is present already
     */
    public void put(long fingerprint, int slot) {
        int i = home(fingerprint);
        for (; table[i] != 0; i = (i + 1) & mask) {
            if (fingerprints[table[i] - 1] == fingerprint) {
                throw new IllegalStateException("fingerprint " + fingerprint + " is in slot " + (table[i] - 1) + " already");
            }
        }
        fingerprints[slot] = fingerprint;
        table[i] = slot + 1;
    }

    /** The fingerprint a used slot holds. */
    public long fingerprint(int slot) {
        return fingerprints[slot];
    }

    /**
     * Unmaps the fingerprint {@code slot} holds (the slot is then the caller's to reuse), shifting
     * later entries of its probe run back into the hole.
     */
    public void remove(int slot) {
        long fingerprint = fingerprints[slot];
        int hole = home(fingerprint);
        while (table[hole] != slot + 1) {
            hole = (hole + 1) & mask;
        }
        for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int h = home(fingerprints[table[j] - 1]);
            // The entry at j may move into the hole only if its home is not in (hole, j], cyclically.
            boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
            if (!stays) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    /** Entries in the table (for invariant checks). O(table). */
    int entries() {
        int n = 0;
        for (int e : table) {
            if (e != 0) {
                n++;
            }
        }
        return n;
    }

    /** Every entry's slot is found by its fingerprint (for invariant checks). O(table). */
    void checkEntries() {
        for (int e : table) {
            if (e != 0 && find(fingerprints[e - 1]) != e - 1) {
                throw new AssertionError("slot " + (e - 1) + " not found by its fingerprint");
            }
        }
    }

    private int home(long fingerprint) {
        return (int) ((fingerprint * PHI) >>> shift);
    }
}
