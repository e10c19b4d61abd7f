package io.reflex.trainer.cache.policy;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceFixtures;
import io.reflex.trainer.cache.policy.linked.FifoPolicy;
import io.reflex.trainer.cache.policy.linked.LruPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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

    @Property(tries = 300)
    void lruMatchesAPlainLruRequestByRequestWithByteCapacity(
            @ForAll @Size(max = 400) List<@IntRange(max = 40) Integer> keys,
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 60) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 400) int capacity) {
        Trace trace = TraceFixtures.sized(keys, sizes);
        assertArrayEquals(plain(keys, sizes, capacity, true, true),
                TraceFixtures.hits(trace, Capacity.bytes(capacity), new LruPolicy()));
    }

    @Property(tries = 300)
    void lruMatchesAPlainLruRequestByRequestWithEntryCapacity(
            @ForAll @Size(max = 400) List<@IntRange(max = 40) Integer> keys,
            @ForAll @IntRange(min = 1, max = 30) int capacity) {
        Trace trace = TraceFixtures.keys(keys);
        assertArrayEquals(plain(keys, List.of(1), capacity, false, true),
                TraceFixtures.hits(trace, Capacity.entries(capacity), new LruPolicy()));
    }

    @Property(tries = 300)
    void fifoMatchesAPlainFifoRequestByRequestWithByteCapacity(
            @ForAll @Size(max = 400) List<@IntRange(max = 40) Integer> keys,
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 1, max = 60) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 400) int capacity) {
        Trace trace = TraceFixtures.sized(keys, sizes);
        assertArrayEquals(plain(keys, sizes, capacity, true, false),
                TraceFixtures.hits(trace, Capacity.bytes(capacity), new FifoPolicy(trace.objectCount())));
    }

    @Property(tries = 300)
    void fifoMatchesAPlainFifoRequestByRequestWithEntryCapacity(
            @ForAll @Size(max = 400) List<@IntRange(max = 40) Integer> keys,
            @ForAll @IntRange(min = 1, max = 30) int capacity) {
        Trace trace = TraceFixtures.keys(keys);
        assertArrayEquals(plain(keys, List.of(1), capacity, false, false),
                TraceFixtures.hits(trace, Capacity.entries(capacity), new FifoPolicy(trace.objectCount())));
    }
}
