package io.reflex.adapters.caffeine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Taking candidates one by one in the policy's order is a stable sort by descending score. */
class PolicyOrderTest {

    @Property(tries = 300)
    void takingRepeatedlyYieldsEveryCandidateOnceByDescendingScoreColderFirstOnTies(
            @ForAll @Size(min = 1, max = 64) List<@IntRange(min = -4, max = 4) Integer> scores) {
        int n = scores.size();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        expected.sort(Comparator.comparingInt((Integer i) -> -scores.get(i)));   // stable: lower position first

        List<Integer> taken = new ArrayList<>();
        long mask = 0;
        for (int next; (next = PolicyOrder.nextBest(i -> scores.get(i), n, mask)) >= 0; ) {
            taken.add(next);
            mask |= 1L << next;
        }

        assertEquals(expected, taken);
    }

    @Property(tries = 100)
    void skipsWhatTheMaskAlreadyTook(@ForAll @Size(min = 1, max = 64) List<@IntRange(min = -4, max = 4) Integer> scores,
                                     @ForAll long taken) {
        int n = scores.size();
        int next = PolicyOrder.nextBest(i -> scores.get(i), n, taken);
        int expected = -1;
        for (int i = 0; i < n; i++) {
            if ((taken & (1L << i)) == 0 && (expected < 0 || scores.get(i) > scores.get(expected))) {
                expected = i;
            }
        }
        assertEquals(expected, next);
    }
}
