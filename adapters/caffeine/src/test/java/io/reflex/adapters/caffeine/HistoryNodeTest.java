package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A resident's history kept on its node reads back exactly what the bounded history's slot would hold. */
class HistoryNodeTest {

    @Test
    void aNodeRecordsHitsBitForBitAsAnAccessHistorySlotDoes() {
        PropertyCheck.tries(300).forAll(
                g -> new Accesses(g.ints(0, 3), g.list(1, 40, x -> x.oneOf(
                        y -> y.longs(0, 300), y -> y.longs(0, 1L << 20), y -> y.longs(0, 1L << 40)))),
                Accesses::check);
    }

    /**
     * Some accesses as a ghost, an admission (the node takes the slot's history), hits on the node
     * and on the slot alike, then the eviction (the node hands its history back).
     */
    private record Accesses(int asGhost, List<Long> gaps) {
        void check() {
            AccessHistory slot = new AccessHistory(2);
            AccessHistory mirror = new AccessHistory(1);
            long tick = 1_000;
            for (int i = 0; i <= asGhost; i++) {
                tick += 7 * i;
                slot.record(0, tick);
                mirror.record(0, tick);
            }
            HistoryNode<String> node = new HistoryNode<>("v", 1, 0, EntryNode.NO_TTL, 0, 0);
            node.loadFrom(slot, 0);
            for (long gap : gaps) {
                tick += gap;
                node.record(tick);
                mirror.record(0, tick);
            }

            node.storeTo(slot, 1);

            assertEquals(mirror.lastAccess(0), slot.lastAccess(1));
            for (int i = 0; i < AccessHistory.DELTAS; i++) {
                assertEquals(mirror.gap(0, i), slot.gap(1, i), "gap " + i);
            }
            for (int i = 0; i < AccessHistory.EDCS; i++) {
                assertEquals(Float.floatToRawIntBits(mirror.edc(0, i)), Float.floatToRawIntBits(slot.edc(1, i)),
                        "counter " + i);
            }
        }
    }

    @Test
    void aReplacingNodeTakesOverTheHistoryTheAdmissionAndTheHits() {
        AccessHistory slot = new AccessHistory(1);
        slot.record(0, 10);
        HistoryNode<String> first = new HistoryNode<>("a", 1, 0, EntryNode.NO_TTL, 0, 0);
        first.loadFrom(slot, 0);
        first.admittedTick = 10;
        first.record(25);
        first.hits = 1;

        HistoryNode<String> second = new HistoryNode<>("b", 1, 0, EntryNode.NO_TTL, 0, 0);
        second.takeOver(first);
        AccessHistory out = new AccessHistory(1);
        second.storeTo(out, 0);

        assertEquals(25, out.lastAccess(0));
        assertEquals(15, out.gap(0, 0));
        assertEquals(10, second.admittedTick);
        assertEquals(1, second.hits);
    }
}
