package io.reflex.trainer.cache.policy;

import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.TraceFixtures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariants every policy in the catalog keeps, on random traces. */
class PolicyInvariantPropertiesTest {

    private static Trace withTtls(List<Integer> keys, List<Integer> sizes, List<Integer> ttls) {
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < keys.size(); i++) {
            b.request(keys.get(i), i, sizes.get(i % sizes.size()), ttls.get(i % ttls.size()), 10 + i % 5);
        }
        return b.build("random");
    }

    @Property(tries = 200)
    void everyPolicyStaysWithinItsByteCapacityAfterEveryRequest(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(max = 50) Integer> keys,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 90) Integer> sizes,
            @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 0, max = 40) Integer> ttls,
            @ForAll @IntRange(min = 1, max = 500) int capacity) {
        Trace trace = withTtls(keys, sizes, ttls);
        for (String name : PolicyCatalog.names()) {
            List<String> violations = new ArrayList<>();
            Capacity c = Capacity.bytes(capacity);
            SimulationResult r = CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 7)),
                    SimulationOptions.builder().observer((i, o, hit, used) -> {
                        if (used > capacity || used < 0) {
                            violations.add("request " + i + ": used " + used);
                        }
                    }).build());
            assertTrue(violations.isEmpty(), name + " exceeded " + capacity + " bytes: " + violations);
            assertEquals(keys.size(), r.requests());
            assertTrue(r.hits() >= 0 && r.hits() <= r.requests(), name);
            assertTrue(r.bytesHit() <= r.bytesRequested(), name);
        }
    }

    @Property(tries = 200)
    void everyPolicyStaysWithinItsEntryCapacityAfterEveryRequest(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(max = 50) Integer> keys,
            @ForAll @IntRange(min = 1, max = 20) int capacity) {
        Trace trace = TraceFixtures.keys(keys);
        for (String name : PolicyCatalog.names()) {
            List<String> violations = new ArrayList<>();
            Capacity c = Capacity.entries(capacity);
            CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 7)),
                    SimulationOptions.builder().observer((i, o, hit, used) -> {
                        if (used > capacity) {
                            violations.add("request " + i + ": used " + used);
                        }
                    }).build());
            assertTrue(violations.isEmpty(), name + " exceeded " + capacity + " entries: " + violations);
        }
    }

    @Property(tries = 300)
    void noPolicyHitsMoreOftenThanBeladyOnUnitSizeTraces(
            @ForAll @Size(min = 1, max = 400) List<@IntRange(max = 30) Integer> keys,
            @ForAll @IntRange(min = 1, max = 16) int capacity) {
        Trace trace = TraceFixtures.keys(keys);
        Capacity c = Capacity.entries(capacity);
        long optimum = CacheSimulator.replay(trace, c, PolicyCatalog.create("belady", new PolicySetup(trace, c, 1))).hits();
        for (String name : PolicyCatalog.names()) {
            long hits = CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 1))).hits();
            assertTrue(hits <= optimum, name + " hit " + hits + " times, Belady " + optimum + " (capacity " + capacity + ")");
        }
    }

    @Property(tries = 300)
    void beladyHitsExactlyAsOftenAsAnExhaustiveSearchOfEveryPolicy(
            @ForAll @Size(min = 1, max = 14) List<@IntRange(max = 5) Integer> keys,
            @ForAll @IntRange(min = 1, max = 3) int capacity) {
        Trace trace = TraceFixtures.keys(keys);
        Capacity c = Capacity.entries(capacity);
        long belady = CacheSimulator.replay(trace, c, PolicyCatalog.create("belady", new PolicySetup(trace, c, 1))).hits();
        assertEquals(optimum(keys, 0, 0, capacity, new java.util.HashMap<>()), belady, "trace " + keys);
    }

    /** The most hits any policy can get from request i on, holding the set {@code resident} (a bitmask). */
    private static int optimum(List<Integer> keys, int i, int resident, int capacity, java.util.Map<Long, Integer> memo) {
        if (i == keys.size()) {
            return 0;
        }
        long state = ((long) i << 32) | resident;
        Integer known = memo.get(state);
        if (known != null) {
            return known;
        }
        int bit = 1 << keys.get(i);
        int best;
        if ((resident & bit) != 0) {
            best = 1 + optimum(keys, i + 1, resident, capacity, memo);
        } else {
            best = optimum(keys, i + 1, resident, capacity, memo); // bypass
            if (Integer.bitCount(resident) < capacity) {
                best = Math.max(best, optimum(keys, i + 1, resident | bit, capacity, memo));
            } else {
                for (int victim = resident; victim != 0; victim &= victim - 1) {
                    int v = victim & -victim;
                    best = Math.max(best, optimum(keys, i + 1, (resident & ~v) | bit, capacity, memo));
                }
            }
        }
        memo.put(state, best);
        return best;
    }

    @Property(tries = 100)
    void replaysRepeatExactlyForTheSameSeed(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(max = 60) Integer> keys,
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 1, max = 90) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 600) int capacity) {
        Trace trace = TraceFixtures.sized(keys, sizes);
        Capacity c = Capacity.bytes(capacity);
        for (String name : PolicyCatalog.names()) {
            if (name.equals("wtinylfu")) {
                continue; // Caffeine's admission jitter is unseeded (documented)
            }
            long first = CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 3))).hits();
            long second = CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 3))).hits();
            assertEquals(first, second, name);
        }
    }
}
