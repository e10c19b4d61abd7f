package io.reflex.engine.eviction;

/**
 * {@link AccessHistory} slots for a host that cannot keep a history for every object it ever saw:
 * one slot per resident object plus a bounded number of <em>ghosts</em>, evicted (or declined)
 * objects whose history survives them, as TinyLFU's frequency sketch survives eviction. Objects are
 * known by a 64-bit fingerprint of their key; the slots are {@code residentBound × (1 +
 * ghostsPerResident)}, and when a new fingerprint needs one and none is free, the oldest ghost is
 * recycled: its history is forgotten.
 *
 * <h2>States and order</h2>
 * A slot is free (never used yet), a ghost, or resident. {@link #touch} finds or creates the slot
 * of a fingerprint, as a ghost when it is new; {@link #admit} makes a ghost resident and
 * {@link #release} makes a resident a ghost again. Ghosts form one list, oldest first: a slot
 * joins the newest end when it becomes a ghost ({@link #release}, or {@link #touch} creating it)
 * and moves there again when {@link #touch}ed as a ghost (a declined object requested anew), so
 * the ghost recycled is the one whose object was least recently seen. Residents are never
 * recycled: the host keeps at most {@code residentBound} of them ({@link #admit} refuses more), so
 * at least {@code residentBound × ghostsPerResident} slots are always free or ghosts and
 * {@link #touch} always finds one.
 *
 * <h2>Fingerprint collisions</h2>
 * Two keys with the same fingerprint are one object to this class: they share a slot and its
 * history (the second key reads, and extends, the first's gaps and counters). With a 64-bit hash of
 * the key that is a rare, bounded error in one object's features, as a counter collision in a
 * frequency sketch. A host that knows the key of each resident (the Caffeine adapter does) can
 * detect the one harmful case, two different keys resident at once, and keep the second out.
 *
 * <h2>Layout</h2>
 * A {@link FingerprintTable} from fingerprints to slots; per slot its state and the ghost list's
 * two links. About {@value #BYTES_PER_SLOT} bytes per slot with its {@link AccessHistory}.
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction.
 */
public final class BoundedHistory {

    /** No slot. */
    public static final int NO_SLOT = -1;
    /** Memory per slot, history included (the table at its largest, four bytes per entry). */
    public static final int BYTES_PER_SLOT = AccessHistory.BYTES_PER_SLOT + 8 + 1 + 8 + 16;

    private static final byte FREE = 0;
    private static final byte GHOST = 1;
    private static final byte RESIDENT = 2;

    private final AccessHistory history;
    private final int residentBound;
    private final FingerprintTable table;
    private final byte[] state;
    private final int[] older;
    private final int[] newer;
    private int used;
    private int residents;
    private int ghosts;
    private int oldestGhost = NO_SLOT;
    private int newestGhost = NO_SLOT;

    /**
     * Slots for at most {@code residentBound} residents and {@code residentBound × ghostsPerResident}
     * ghosts.
     *
     * @throws IllegalArgumentException if either is below 1 or the slots would exceed 2^28
     */
    public BoundedHistory(int residentBound, int ghostsPerResident) {
        if (residentBound < 1 || ghostsPerResident < 1) {
            throw new IllegalArgumentException("resident bound and ghosts per resident must be >= 1, got "
                    + residentBound + " and " + ghostsPerResident);
        }
        long slots = (long) residentBound * (1L + ghostsPerResident);
        if (slots > 1 << 28) {
            throw new IllegalArgumentException(residentBound + " residents with " + ghostsPerResident
                    + " ghosts each make " + slots + " slots, more than 2^28");
        }
        int n = (int) slots;
        this.residentBound = residentBound;
        history = new AccessHistory(n);
        table = new FingerprintTable(n);
        state = new byte[n];
        older = new int[n];
        newer = new int[n];
    }

    /** The histories, indexed by the slots this class hands out. */
    public AccessHistory history() {
        return history;
    }

    /** Slots in all: residents and ghosts. */
    public int capacity() {
        return state.length;
    }

    /** The most residents at once. */
    public int residentBound() {
        return residentBound;
    }

    public int residents() {
        return residents;
    }

    public int ghosts() {
        return ghosts;
    }

    /** Whether {@code slot} holds a resident. */
    public boolean isResident(int slot) {
        return state[slot] == RESIDENT;
    }

    /** Whether {@code slot} holds a ghost. */
    public boolean isGhost(int slot) {
        return state[slot] == GHOST;
    }

    /** The fingerprint a used slot holds. */
    public long fingerprint(int slot) {
        return table.fingerprint(slot);
    }

    /** The oldest ghost (the next recycled), or {@link #NO_SLOT}. */
    public int oldestGhost() {
        return oldestGhost;
    }

    /** The ghost after {@code slot} toward the newest end, or {@link #NO_SLOT}. */
    public int newerGhost(int slot) {
        return newer[slot];
    }

    /** The slot of {@code fingerprint}, resident or ghost, or {@link #NO_SLOT}. */
    public int find(long fingerprint) {
        return table.find(fingerprint);
    }

    /**
     * The slot of {@code fingerprint}, created as a ghost with an empty history when there is none
     * (from a free slot, else by recycling the oldest ghost); a ghost moves to the newest end. The
     * caller then records the access in {@link #history()}.
     *
     * @throws IllegalStateException if every slot is resident (the host broke its resident bound)
     */
    public int touch(long fingerprint) {
        int slot = table.find(fingerprint);
        if (slot != NO_SLOT) {
            if (state[slot] == GHOST) {
                unlinkGhost(slot);
                linkNewestGhost(slot);
            }
            return slot;
        }
        if (used < state.length) {
            slot = used++;
        } else if (oldestGhost != NO_SLOT) {
            slot = oldestGhost;
            unlinkGhost(slot);
            ghosts--;
            table.remove(slot);
            history.clear(slot);
        } else {
            throw new IllegalStateException("all " + state.length + " history slots hold residents");
        }
        table.put(fingerprint, slot);
        state[slot] = GHOST;
        ghosts++;
        linkNewestGhost(slot);
        return slot;
    }

    /**
     * The ghost at {@code slot} became resident (its history kept).
     *
     * @throws IllegalStateException    if {@link #residentBound()} residents are there already
     * @throws IllegalArgumentException if the slot is not a ghost
     */
    public void admit(int slot) {
        if (state[slot] != GHOST) {
            throw new IllegalArgumentException("slot " + slot + " is not a ghost");
        }
        if (residents == residentBound) {
            throw new IllegalStateException("already " + residentBound + " residents, the bound");
        }
        unlinkGhost(slot);
        ghosts--;
        state[slot] = RESIDENT;
        residents++;
    }

    /**
     * The resident at {@code slot} left (evicted, expired, removed): it becomes the newest ghost,
     * its history kept.
     *
     * @throws IllegalArgumentException if the slot is not resident
     */
    public void release(int slot) {
        if (state[slot] != RESIDENT) {
            throw new IllegalArgumentException("slot " + slot + " is not resident");
        }
        state[slot] = GHOST;
        residents--;
        ghosts++;
        linkNewestGhost(slot);
    }

    private void linkNewestGhost(int slot) {
        older[slot] = newestGhost;
        newer[slot] = NO_SLOT;
        if (newestGhost != NO_SLOT) {
            newer[newestGhost] = slot;
        } else {
            oldestGhost = slot;
        }
        newestGhost = slot;
    }

    private void unlinkGhost(int slot) {
        int a = older[slot];
        int b = newer[slot];
        if (a != NO_SLOT) {
            newer[a] = b;
        } else {
            oldestGhost = b;
        }
        if (b != NO_SLOT) {
            older[b] = a;
        } else {
            newestGhost = a;
        }
    }

    /** Checks every invariant (for tests): table ↔ slots, counts, the ghost list. O(capacity). */
    void checkInvariants() {
        table.checkEntries();
        int inTable = table.entries();
        int r = 0;
        int g = 0;
        for (int s = 0; s < used; s++) {
            if (state[s] == RESIDENT) {
                r++;
            } else if (state[s] == GHOST) {
                g++;
            } else {
                throw new AssertionError("used slot " + s + " is free");
            }
        }
        int listed = 0;
        for (int s = oldestGhost, prev = NO_SLOT; s != NO_SLOT; prev = s, s = newer[s]) {
            if (state[s] != GHOST || older[s] != prev) {
                throw new AssertionError("ghost list broken at slot " + s);
            }
            listed++;
        }
        if (inTable != used || r != residents || g != ghosts || listed != ghosts || residents > residentBound) {
            throw new AssertionError("table " + inTable + ", used " + used + ", residents " + r + "/" + residents
                    + ", ghosts " + g + "/" + ghosts + "/" + listed);
        }
        if (java.util.stream.IntStream.range(0, used).mapToLong(table::fingerprint).distinct().count() != used) {
            throw new AssertionError("a fingerprint holds two slots");
        }
    }
}
