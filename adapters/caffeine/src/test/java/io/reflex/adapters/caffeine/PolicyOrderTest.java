package io.reflex.adapters.caffeine;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Taking candidates one by one in the policy's order is a stable sort by descending score. */
class PolicyOrderTest {

    /** 1 to 64 candidates' scores, from -4 to 4 so that ties are common. */
    private static List<Integer> scores(PropertyCheck.Gen g) {
        return g.list(1, 64, x -> x.ints(-4, 4));
    }

    @Test
    void takingRepeatedlyYieldsEveryCandidateOnceByDescendingScoreColderFirstOnTies() {
        PropertyCheck.tries(300).forAll(PolicyOrderTest::scores, scores -> {
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
        });
    }

    @Test
    void skipsWhatTheMaskAlreadyTook() {
        PropertyCheck.tries(100).forAll(
                g -> new MaskCase(scores(g), g.anyLong()),
                MaskCase::check);
    }

    /** Candidates' scores, and the mask of those already taken. */
    private record MaskCase(List<Integer> scores, long taken) {
        void check() {
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
}
