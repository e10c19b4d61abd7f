package io.reflex.engine.eviction;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dense resident index: its invariants, its uniform samples, and the documented algorithm, draw for draw. */
class ResidentIndexTest {

    /**
     * The class comment's algorithm written out from the comment alone (SplitMix64, the bounded
     * draw, the partial shuffle, the stable insertion), as a host in another language would write it.
     */
    private static final class Documented {
        long state;
        final int[] residents;
        final int[] position;
        int count;

        Documented(int ids, long seed) {
            state = seed;
            residents = new int[ids];
            position = new int[ids];
            Arrays.fill(position, -1);
        }

        int nextInt() {
            long s = state += 0x9e3779b97f4a7c15L;
            long z = (s ^ (s >>> 33)) * 0x62a9d9ed799705f5L;
            return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
        }

        int nextInt(int bound) {
            int m = bound - 1;
            int r = nextInt();
            if ((bound & m) == 0) {
                return r & m;
            }
            int u = r >>> 1;
            while (u + m - u % bound < 0) {
                u = nextInt() >>> 1;
            }
            return u % bound;
        }

        void add(int id) {
            position[id] = count;
            residents[count++] = id;
        }

        void remove(int id) {
            int p = position[id];
            int last = residents[--count];
            residents[p] = last;
            position[last] = p;
            position[id] = -1;
        }

        int sample(int k, int[] out, long[] last) {
            int n = Math.min(k, count);
            for (int d = 0; d < n; d++) {
                if (count > k) {
                    int j = d + nextInt(count - d);
                    int a = residents[d];
                    residents[d] = residents[j];
                    position[residents[d]] = d;
                    residents[j] = a;
                    position[a] = j;
                }
                int id = residents[d];
                int i = d;
                while (i > 0 && last[out[i - 1]] > last[id]) {
                    out[i] = out[i - 1];
                    i--;
                }
                out[i] = id;
            }
            return n;
        }
    }

    @Test
    void samplesExactlyAsTheClassCommentSpecifiesUnderRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom ops = new SplittableRandom(seed * 7919);
            int ids = 1 + ops.nextInt(300);
            ResidentIndex index = new ResidentIndex(ids, seed);
            Documented doc = new Documented(ids, seed);
            long[] last = new long[ids];
            Set<Integer> resident = new HashSet<>();
            int[] out = new int[64];
            int[] docOut = new int[64];
            for (long tick = 0; tick < 5_000; tick++) {
                int id = ops.nextInt(ids);
                int op = ops.nextInt(10);
                if (op < 4) {
                    last[id] = tick;
                    if (resident.add(id)) {
                        index.add(id);
                        doc.add(id);
                    }
                } else if (op < 6 && resident.remove(id)) {
                    index.remove(id);
                    doc.remove(id);
                } else if (op < 8) {
                    last[id] = tick;
                } else {
                    int k = 1 + ops.nextInt(64);
                    int n = index.sample(k, out, i -> last[i]);
                    assertEquals(doc.sample(k, docOut, last), n);
                    assertArrayEquals(Arrays.copyOf(docOut, n), Arrays.copyOf(out, n), "seed " + seed + " tick " + tick);
                    assertEquals(Math.min(k, resident.size()), n);
                    Set<Integer> seen = new HashSet<>();
                    for (int j = 0; j < n; j++) {
                        assertTrue(resident.contains(out[j]) && seen.add(out[j]), "distinct residents");
                        assertTrue(j == 0 || last[out[j - 1]] <= last[out[j]], "least recently accessed first");
                    }
                }
                assertEquals(resident.size(), index.size());
                for (int p = 0; p < index.size(); p++) {
                    assertEquals(doc.residents[p], index.at(p));
                }
                for (int i = 0; i < ids; i++) {
                    assertEquals(resident.contains(i), index.contains(i));
                }
            }
        }
    }

    @Test
    void theFirstSamplesForSeed42ArePinned() {
        // For a host in another language: ids 0..99 added in order, last access = id, K = 8, three samples.
        ResidentIndex index = new ResidentIndex(100, 42);
        for (int i = 0; i < 100; i++) {
            index.add(i);
        }
        int[] out = new int[8];
        List<String> samples = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            index.sample(8, out, i -> i);
            samples.add(Arrays.toString(out));
        }
        assertEquals(List.of(PINNED), samples);
    }

    private static final String[] PINNED = {"[29, 31, 33, 61, 66, 67, 76, 99]", "[9, 28, 39, 56, 66, 70, 77, 88]",
        "[18, 55, 63, 76, 86, 88, 94, 96]"};

    @Test
    void everyResidentIsEquallyLikelyToBeDrawn() {
        ResidentIndex index = new ResidentIndex(20, 5);
        for (int i = 0; i < 20; i++) {
            index.add(i);
        }
        int[] counts = new int[20];
        int[] out = new int[4];
        int samples = 50_000;
        for (int s = 0; s < samples; s++) {
            index.sample(4, out, i -> 0);
            for (int id : out) {
                counts[id]++;
            }
        }
        double expected = samples * 4 / 20.0;
        for (int c : counts) {
            assertTrue(Math.abs(c - expected) < 0.05 * expected, Arrays.toString(counts));
        }
    }

    @Test
    void refusesAddingAResidentTwiceOrRemovingAnAbsentOne() {
        ResidentIndex index = new ResidentIndex(4, 1);
        index.add(2);
        assertThrows(IllegalArgumentException.class, () -> index.add(2));
        assertThrows(IllegalArgumentException.class, () -> index.remove(3));
        index.remove(2);
        assertFalse(index.contains(2));
        assertThrows(IllegalArgumentException.class, () -> new ResidentIndex(0, 1));
    }

    @Test
    void samplingAndUpdatesAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ResidentIndex index = new ResidentIndex(1_000, 3);
        AccessHistory history = new AccessHistory(1_000);
        int[] out = new int[64];
        for (int i = 0; i < 1_000; i++) {
            history.record(i, i);
            index.add(i);
        }
        churn(index, history, out, 20_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        churn(index, history, out, 20_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " bytes over 20,000 samples");
    }

    private static void churn(ResidentIndex index, AccessHistory history, int[] out, int rounds) {
        for (int r = 0; r < rounds; r++) {
            int n = index.sample(64, out, history);
            index.remove(out[0]);
            index.add(out[0]);
            if (n != 64) {
                throw new AssertionError(n);
            }
        }
    }
}
