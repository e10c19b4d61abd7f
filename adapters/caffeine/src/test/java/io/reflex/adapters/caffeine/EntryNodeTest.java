package io.reflex.adapters.caffeine;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node's access state reads back every hit and the gap between the two latest requests. */
class EntryNodeTest {

    private static final long MINUTE = 60_000_000_000L;

    private static EntryNode<String> writtenAt(long nanos) {
        return new EntryNode<>("v", 1, nanos, EntryNode.NO_TTL, 5.0);
    }

    @Test
    void hitsCountEveryReadAndTheInterArrivalIsTheLatestGap() {
        PropertyCheck.tries(300).forAll(
                g -> new HitsCase(g.longs(-1_000_000 * MINUTE, 1_000_000 * MINUTE),
                        g.list(1, 40, x -> x.longs(0, 3 * 24 * 60 * MINUTE))),
                HitsCase::check);
    }

    /** A write at any time within about two years of 0, then hits after gaps of up to three days. */
    private record HitsCase(long written, List<Long> gaps) {
        void check() {
            EntryNode<String> node = writtenAt(written);
            long now = written;
            for (long gap : gaps) {
                now += gap;
                node.recordHit(now);
            }

            assertEquals(gaps.size(), node.hits);
            // The decision's own time does not matter once the entry has been read.
            assertEquals(gaps.getLast() * 1e-9, node.interArrivalSeconds(now + 123 * MINUTE), 1e-9);
        }
    }

    @Test
    void withoutAHitTheInterArrivalIsTheTimeSinceTheWriteAndNeverNegative() {
        EntryNode<String> node = writtenAt(-5_000_000_000L);

        assertEquals(0, node.hits);
        assertEquals(7.5, node.interArrivalSeconds(2_500_000_000L), 1e-12);
        assertEquals(0, node.interArrivalSeconds(-6_000_000_000L), "a clock behind the write reads as 0");
    }

    @Test
    void aRacingReadersOlderStampReadsAsAGapOfZero() {
        EntryNode<String> node = writtenAt(0);
        node.recordHit(10 * MINUTE);
        node.recordHit(MINUTE);

        assertEquals(2, node.hits);
        assertEquals(0, node.interArrivalSeconds(0));
    }
}
