package io.reflex.adapters.caffeine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packed access state reads back the hits and the latest gap that separate fields would hold. */
class EntryNodeTest {

    private static final long TICK = 1L << EntryNode.TICK_SHIFT;
    private static final long MINUTE = 60_000_000_000L;

    private static EntryNode<String> writtenAt(long nanos) {
        return new EntryNode<>("v", 1, nanos, EntryNode.NO_TTL, 5.0);
    }

    @Property(tries = 300)
    void hitsCountEveryReadAndTheGapIsTheLatestOneToATickAndHalfFloatPrecision(
            @ForAll long written,
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 3 * 24 * 60 * MINUTE) Long> gaps) {
        EntryNode<String> node = writtenAt(written);
        long now = written;
        for (long gap : gaps) {
            now += gap;
            node.recordHit(now);
        }
        long latest = gaps.getLast();

        assertEquals(gaps.size(), node.hits());
        double seconds = node.interArrivalSeconds(now + 123 * MINUTE);   // the decision's time does not matter once read
        double exact = latest * 1e-9;
        // Ticks truncate each stamp (at most one tick of error); the half float rounds to 11 bits.
        assertTrue(Math.abs(seconds - exact) <= TICK * 1e-9 + exact * 0x1p-11, seconds + " vs " + exact);
    }

    @Test
    void withoutAHitTheGapIsTheExactTimeSinceTheWrite() {
        EntryNode<String> node = writtenAt(-5_000_000_000L);

        assertEquals(0, node.hits());
        assertEquals(7.5, node.interArrivalSeconds(2_500_000_000L), 1e-12);
        assertEquals(0, node.interArrivalSeconds(-6_000_000_000L), "a clock behind the write reads as 0");
    }

    @Test
    void hitsSaturateInsteadOfWrappingToZero() {
        EntryNode<String> node = writtenAt(0);
        for (int i = 1; i <= EntryNode.MAX_HITS + 10; i++) {
            node.recordHit(i * TICK);
        }

        assertEquals(EntryNode.MAX_HITS, node.hits());
        assertEquals(TICK * 1e-9, node.interArrivalSeconds(0), TICK * 1e-9 * 0x1p-10);
    }

    @Test
    void gapsSaturateAtFortyFiveDaysAndAStampBeforeTheLastReadsAsZero() {
        EntryNode<String> node = writtenAt(0);
        node.recordHit(100L * 24 * 60 * MINUTE);

        assertEquals(65_504 * 60.0, node.interArrivalSeconds(0));

        node.recordHit(TICK);   // a racing reader's older stamp
        assertEquals(2, node.hits());
        assertEquals(0, node.interArrivalSeconds(0));
    }
}
