package io.reflex.trainer.cache.policy;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.TraceFixtures;
import org.junit.jupiter.api.Test;

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

    @Test
    void everyPolicyStaysWithinItsByteCapacityAfterEveryRequest() {
        PropertyCheck.tries(200).forAll(
                g -> new ByteCapacityCase(g.list(1, 300, x -> x.ints(0, 50)), g.list(1, 40, x -> x.ints(0, 90)),
                        g.list(1, 10, x -> x.ints(0, 40)), g.ints(1, 500)),
                ByteCapacityCase::check);
    }

    /** A trace of these keys, with sizes and TTLs taken in turn, and a byte capacity. */
    private record ByteCapacityCase(List<Integer> keys, List<Integer> sizes, List<Integer> ttls, int capacity) {
        void check() {
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
    }

    @Test
    void everyPolicyStaysWithinItsEntryCapacityAfterEveryRequest() {
        PropertyCheck.tries(200).forAll(
                g -> new EntryCapacityCase(g.list(1, 300, x -> x.ints(0, 50)), g.ints(1, 20)),
                EntryCapacityCase::check);
    }

    /** A unit-size trace of these keys, and an entry capacity. */
    private record EntryCapacityCase(List<Integer> keys, int capacity) {
        void check() {
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
    }

    @Test
    void noPolicyHitsMoreOftenThanBeladyOnUnitSizeTraces() {
        PropertyCheck.tries(300).forAll(
                g -> new BeladyBoundCase(g.list(1, 400, x -> x.ints(0, 30)), g.ints(1, 16)),
                BeladyBoundCase::check);
    }

    /** A unit-size trace of these keys, and an entry capacity. */
    private record BeladyBoundCase(List<Integer> keys, int capacity) {
        void check() {
            Trace trace = TraceFixtures.keys(keys);
            Capacity c = Capacity.entries(capacity);
            long optimum = CacheSimulator.replay(trace, c, PolicyCatalog.create("belady", new PolicySetup(trace, c, 1))).hits();
            for (String name : PolicyCatalog.names()) {
                long hits = CacheSimulator.replay(trace, c, PolicyCatalog.create(name, new PolicySetup(trace, c, 1))).hits();
                assertTrue(hits <= optimum, name + " hit " + hits + " times, Belady " + optimum + " (capacity " + capacity + ")");
            }
        }
    }

    @Test
    void beladyHitsExactlyAsOftenAsAnExhaustiveSearchOfEveryPolicy() {
        PropertyCheck.tries(300).forAll(
                g -> new ExhaustiveCase(g.list(1, 14, x -> x.ints(0, 5)), g.ints(1, 3)),
                ExhaustiveCase::check);
    }

    /** A unit-size trace short enough to search every policy on, and an entry capacity. */
    private record ExhaustiveCase(List<Integer> keys, int capacity) {
        void check() {
            Trace trace = TraceFixtures.keys(keys);
            Capacity c = Capacity.entries(capacity);
            long belady = CacheSimulator.replay(trace, c, PolicyCatalog.create("belady", new PolicySetup(trace, c, 1))).hits();
            assertEquals(optimum(keys, 0, 0, capacity, new java.util.HashMap<>()), belady, "trace " + keys);
        }
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

    @Test
    void replaysRepeatExactlyForTheSameSeed() {
        PropertyCheck.tries(100).forAll(
                g -> new ReplayCase(g.list(1, 300, x -> x.ints(0, 60)), g.list(1, 20, x -> x.ints(1, 90)),
                        g.ints(1, 600)),
                ReplayCase::check);
    }

    /** A trace of these keys, with sizes taken in turn, and a byte capacity. */
    private record ReplayCase(List<Integer> keys, List<Integer> sizes, int capacity) {
        void check() {
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
}
