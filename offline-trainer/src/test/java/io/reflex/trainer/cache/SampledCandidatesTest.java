package io.reflex.trainer.cache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampledCandidatesTest {

    /** Evicts the first sampled candidate; checks each sample against the LRU candidate view. */
    private static final class Sampling implements EvictionPolicy {
        final int k;
        final SampledCandidates sampler;
        final int[] objects;
        final float[] features;
        final int[] lruObjects;
        final float[] lruFeatures;
        final List<String> log = new ArrayList<>();
        int fullSamples;

        Sampling(int objectCount, int k, long seed) {
            this.k = k;
            sampler = new SampledCandidates(objectCount, seed);
            objects = new int[k];
            features = new float[k * CandidateFeatures.COUNT];
            lruObjects = new int[objectCount];
            lruFeatures = new float[objectCount * CandidateFeatures.COUNT];
        }

        @Override
        public String name() {
            return "sampling";
        }

        @Override
        public void onHit(int object, CacheView cache) {
            sampler.touch(object, cache.requestIndex());
        }

        @Override
        public void onMiss(int object, CacheView cache) {
            sampler.touch(object, cache.requestIndex());
        }

        @Override
        public void evict(EvictionContext cache) {
            int n = sampler.sample(k, cache, objects, features);
            assertEquals(Math.min(k, cache.residentCount()), n);
            int all = cache.candidates(lruObjects.length, lruObjects, lruFeatures);
            int[] rank = new int[cache.objectCount()];
            Arrays.fill(rank, -1);
            for (int i = 0; i < all; i++) {
                rank[lruObjects[i]] = i;
            }
            Set<Integer> seen = new HashSet<>();
            for (int j = 0; j < n; j++) {
                int o = objects[j];
                assertTrue(cache.isResident(o) && seen.add(o), "distinct residents");
                if (j > 0) {
                    assertTrue(rank[objects[j - 1]] < rank[o], "least recently used first");
                }
                assertArrayEquals(Arrays.copyOfRange(lruFeatures, rank[o] * CandidateFeatures.COUNT, (rank[o] + 1) * CandidateFeatures.COUNT),
                        Arrays.copyOfRange(features, j * CandidateFeatures.COUNT, (j + 1) * CandidateFeatures.COUNT));
            }
            if (n == all) {
                assertArrayEquals(Arrays.copyOf(lruObjects, n), Arrays.copyOf(objects, n), "all residents: the LRU view");
            } else {
                fullSamples++;
            }
            log.add(Arrays.toString(Arrays.copyOf(objects, n)));
            cache.evict(objects[0]);
        }

        @Override
        public void onInsert(int object, CacheView cache) {
            sampler.inserted(object);
        }

        @Override
        public void onRemove(int object, RemovalCause cause, CacheView cache) {
            sampler.removed(object);
            assertEquals(cache.residentCount(), sampler.residentCount());
        }
    }

    private static Trace trace(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < 3_000; i++) {
            b.request(r.nextInt(200), i, 10 + r.nextInt(90), r.nextInt(4) == 0 ? 50 : 0, Double.NaN);
        }
        return b.build("sampled");
    }

    @Test
    void samplesDistinctResidentsOldestFirstWithTheLruViewsFeaturesAndRepeatsPerSeed() {
        Trace t = trace(3);
        Sampling a = new Sampling(t.objectCount(), 8, 7);
        CacheSimulator.replay(t, Capacity.parse("2KB"), a);
        Sampling b = new Sampling(t.objectCount(), 8, 7);
        CacheSimulator.replay(t, Capacity.parse("2KB"), b);
        Sampling c = new Sampling(t.objectCount(), 8, 8);
        CacheSimulator.replay(t, Capacity.parse("2KB"), c);
        assertTrue(a.fullSamples > 100, "samples drawn from more than K residents: " + a.fullSamples);
        assertEquals(a.log, b.log);
        assertTrue(!a.log.equals(c.log), "another seed draws other samples");
    }

    @Test
    void readsTheMetadataValue() {
        assertEquals(false, SampledCandidates.isSampled(null));
        assertEquals(false, SampledCandidates.isSampled("lru"));
        assertEquals(true, SampledCandidates.isSampled("sampled"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SampledCandidates.isSampled("head"));
    }
}
