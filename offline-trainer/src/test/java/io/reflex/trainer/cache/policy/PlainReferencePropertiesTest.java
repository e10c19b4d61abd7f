package io.reflex.trainer.cache.policy;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.engine.testing.PropertyCheck.Gen;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceFixtures;
import io.reflex.trainer.cache.policy.linked.FifoPolicy;
import io.reflex.trainer.cache.policy.linked.LruPolicy;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * LRU and FIFO agree request by request with a separate, plain implementation (a
 * {@link LinkedHashMap} in access or insertion order) on random traces, with byte and entry
 * capacities.
 */
class PlainReferencePropertiesTest {

    /** The plain cache: a LinkedHashMap from key to charge; true on each hit. */
    static boolean[] plain(List<Integer> keys, List<Integer> sizes, long capacity, boolean bytes, boolean accessOrder) {
        LinkedHashMap<Integer, Long> map = new LinkedHashMap<>(16, 0.75f, accessOrder);
        boolean[] hits = new boolean[keys.size()];
        long used = 0;
        for (int i = 0; i < keys.size(); i++) {
            int key = keys.get(i);
            long charge = bytes ? Math.max(1, sizes.get(i % sizes.size())) : 1;
            if (map.get(key) != null) {
                hits[i] = true;
                continue;
            }
            if (charge > capacity) {
                continue;
            }
            Iterator<Map.Entry<Integer, Long>> eldest = map.entrySet().iterator();
            while (used + charge > capacity) {
                used -= eldest.next().getValue();
                eldest.remove();
            }
            map.put(key, charge);
            used += charge;
        }
        return hits;
    }

    /** Up to 400 requests over 41 keys, sizes from 1 to 60 taken in turn, and a byte capacity. */
    private record SizedTrace(List<Integer> keys, List<Integer> sizes, int capacity) {
        static SizedTrace draw(Gen g) {
            return new SizedTrace(g.list(0, 400, x -> x.ints(0, 40)), g.list(1, 50, x -> x.ints(1, 60)),
                    g.ints(1, 400));
        }
    }

    /** Up to 400 unit-size requests over 41 keys, and an entry capacity. */
    private record UnitTrace(List<Integer> keys, int capacity) {
        static UnitTrace draw(Gen g) {
            return new UnitTrace(g.list(0, 400, x -> x.ints(0, 40)), g.ints(1, 30));
        }
    }

    @Test
    void lruMatchesAPlainLruRequestByRequestWithByteCapacity() {
        PropertyCheck.tries(300).forAll(SizedTrace::draw, t -> {
            Trace trace = TraceFixtures.sized(t.keys(), t.sizes());
            assertArrayEquals(plain(t.keys(), t.sizes(), t.capacity(), true, true),
                    TraceFixtures.hits(trace, Capacity.bytes(t.capacity()), new LruPolicy()));
        });
    }

    @Test
    void lruMatchesAPlainLruRequestByRequestWithEntryCapacity() {
        PropertyCheck.tries(300).forAll(UnitTrace::draw, t -> {
            Trace trace = TraceFixtures.keys(t.keys());
            assertArrayEquals(plain(t.keys(), List.of(1), t.capacity(), false, true),
                    TraceFixtures.hits(trace, Capacity.entries(t.capacity()), new LruPolicy()));
        });
    }

    @Test
    void fifoMatchesAPlainFifoRequestByRequestWithByteCapacity() {
        PropertyCheck.tries(300).forAll(SizedTrace::draw, t -> {
            Trace trace = TraceFixtures.sized(t.keys(), t.sizes());
            assertArrayEquals(plain(t.keys(), t.sizes(), t.capacity(), true, false),
                    TraceFixtures.hits(trace, Capacity.bytes(t.capacity()), new FifoPolicy(trace.objectCount())));
        });
    }

    @Test
    void fifoMatchesAPlainFifoRequestByRequestWithEntryCapacity() {
        PropertyCheck.tries(300).forAll(UnitTrace::draw, t -> {
            Trace trace = TraceFixtures.keys(t.keys());
            assertArrayEquals(plain(t.keys(), List.of(1), t.capacity(), false, false),
                    TraceFixtures.hits(trace, Capacity.entries(t.capacity()), new FifoPolicy(trace.objectCount())));
        });
    }
}
