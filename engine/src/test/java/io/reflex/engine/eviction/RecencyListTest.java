package io.reflex.engine.eviction;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recency list gives the K least recently used, oldest first, as an access-ordered set would. */
class RecencyListTest {

    @Test
    void ordersResidentsByLastAccessUnderRandomOperations() {
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int ids = 1 + r.nextInt(200);
            RecencyList list = new RecencyList(ids);
            LinkedHashSet<Integer> reference = new LinkedHashSet<>();   // oldest first
            int[] out = new int[64];
            for (int step = 0; step < 10_000; step++) {
                int id = r.nextInt(ids);
                switch (r.nextInt(4)) {
                    case 0 -> {
                        if (reference.add(id)) {
                            list.add(id);
                        }
                    }
                    case 1 -> {
                        if (reference.remove(id)) {
                            list.remove(id);
                        }
                    }
                    case 2 -> {
                        list.touch(id);
                        if (reference.remove(id)) {
                            reference.add(id);
                        }
                    }
                    default -> {
                        int k = 1 + r.nextInt(64);
                        int n = list.oldest(k, out);
                        int[] expected = reference.stream().limit(k).mapToInt(Integer::intValue).toArray();
                        assertArrayEquals(expected, Arrays.copyOf(out, n), "seed " + seed + " step " + step);
                    }
                }
                assertEquals(reference.size(), list.size());
                assertEquals(reference.isEmpty() ? RecencyList.NONE : reference.getFirst(), list.oldest());
            }
        }
    }

    @Test
    void refusesAddingTwiceOrRemovingAnAbsentId() {
        RecencyList list = new RecencyList(3);
        list.add(1);
        assertThrows(IllegalArgumentException.class, () -> list.add(1));
        assertThrows(IllegalArgumentException.class, () -> list.remove(2));
        assertThrows(IllegalArgumentException.class, () -> new RecencyList(0));
    }
}
