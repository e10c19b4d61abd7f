package io.reflex.engine.eviction;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded history: residents plus ghosts recycled oldest first, checked against a plain reference. */
class BoundedHistoryTest {

    /**
     * Random touches, admissions and releases over a key space larger than the slots, with a few
     * fingerprints crowded into one probe run; after each step the table, the counts and the ghost
     * list are consistent, every fingerprint the reference still knows keeps its slot and its last
     * access, and the ghost recycled is the one least recently made a ghost or touched.
     */
    @Test
    void keepsItsInvariantsAndRecyclesTheOldestGhostUnderRandomOperations() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int bound = 1 + r.nextInt(40);
            int ghostsEach = 1 + r.nextInt(4);
            BoundedHistory h = new BoundedHistory(bound, ghostsEach);
            int keys = bound * (ghostsEach + 1) * 3;
            Map<Long, Integer> slotOf = new HashMap<>();
            Map<Long, Long> lastTick = new HashMap<>();
            LinkedHashSet<Long> ghosts = new LinkedHashSet<>();   // oldest first
            LinkedHashSet<Long> residents = new LinkedHashSet<>();
            for (long tick = 0; tick < 20_000; tick++) {
                // Fingerprints that differ only in their high bits share low bits; multiples of 2^40 crowd the table.
                long fp = r.nextInt(4) == 0 ? (long) r.nextInt(keys) << 40 : 0x1234_5678_9abcL * r.nextInt(keys);
                int op = r.nextInt(10);
                if (op < 6) {
                    Long oldest = ghosts.isEmpty() ? null : ghosts.getFirst();
                    boolean known = slotOf.containsKey(fp);
                    int slot = h.touch(fp);
                    if (known) {
                        assertEquals(slotOf.get(fp), slot, "a known fingerprint keeps its slot");
                        assertEquals(lastTick.get(fp), h.history().lastAccess(slot), "and its history");
                    } else {
                        assertEquals(AccessHistory.UNKNOWN, h.history().lastAccess(slot), "a new slot has no history");
                        if (slotOf.size() == h.capacity()) {
                            assertEquals(slotOf.get(oldest), slot, "the oldest ghost is recycled");
                            slotOf.remove(oldest);
                            lastTick.remove(oldest);
                            ghosts.remove(oldest);
                        }
                        slotOf.put(fp, slot);
                    }
                    h.history().record(slot, tick);
                    lastTick.put(fp, tick);
                    if (!residents.contains(fp)) {
                        ghosts.remove(fp);
                        ghosts.add(fp);
                        if (op < 3 && residents.size() < bound) {
                            h.admit(slot);
                            ghosts.remove(fp);
                            residents.add(fp);
                        }
                    }
                } else if (op < 9 && !residents.isEmpty()) {
                    Long leaving = residents.stream().skip(r.nextInt(residents.size())).findFirst().orElseThrow();
                    h.release(slotOf.get(leaving));
                    residents.remove(leaving);
                    ghosts.add(leaving);
                } else {
                    int slot = h.find(fp);
                    assertEquals(slotOf.getOrDefault(fp, BoundedHistory.NO_SLOT), slot);
                }
                assertEquals(residents.size(), h.residents());
                assertEquals(ghosts.size(), h.ghosts());
                if (tick % 97 == 0) {
                    h.checkInvariants();
                    int s = h.oldestGhost();
                    for (Long g : ghosts) {
                        assertEquals(slotOf.get(g), s, "ghost order");
                        s = h.newerGhost(s);
                    }
                }
            }
            h.checkInvariants();
        }
    }

    @Test
    void refusesAResidentBeyondTheBoundAndStatesThatAreNotThere() {
        BoundedHistory h = new BoundedHistory(2, 1);
        int a = h.touch(1);
        int b = h.touch(2);
        int c = h.touch(3);
        h.admit(a);
        h.admit(b);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> h.admit(c));
        assertTrue(full.getMessage().contains("2 residents"), full.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.admit(a), "already resident");
        assertThrows(IllegalArgumentException.class, () -> h.release(c), "a ghost is not resident");
        assertThrows(IllegalArgumentException.class, () -> new BoundedHistory(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new BoundedHistory(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new BoundedHistory(1 << 27, 4));
    }

    @Test
    void aReleasedResidentKeepsItsHistoryUntilItIsTheOldestGhostRecycled() {
        BoundedHistory h = new BoundedHistory(1, 2);
        int a = h.touch(10);
        h.history().record(a, 5);
        h.admit(a);
        h.release(a);
        int b = h.touch(20);
        int c = h.touch(30);
        assertEquals(5, h.history().lastAccess(h.find(10)), "a ghost keeps its history");
        int d = h.touch(40);
        assertEquals(a, d, "the oldest ghost (10) is recycled");
        assertEquals(BoundedHistory.NO_SLOT, h.find(10));
        assertEquals(AccessHistory.UNKNOWN, h.history().lastAccess(d));
        assertEquals(b, h.find(20));
        assertEquals(c, h.find(30));
    }

    @Test
    void operationsAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BoundedHistory h = new BoundedHistory(500, 4);
        SplittableRandom r = new SplittableRandom(1);
        churn(h, r, 50_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        churn(h, r, 50_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " bytes over 50,000 operations");
    }

    private static void churn(BoundedHistory h, SplittableRandom r, int operations) {
        for (int i = 0; i < operations; i++) {
            int slot = h.touch(r.nextLong(10_000));
            if (h.isGhost(slot) && h.residents() < h.residentBound()) {
                h.admit(slot);
            } else if (h.isResident(slot)) {
                h.release(slot);
            }
        }
    }
}
