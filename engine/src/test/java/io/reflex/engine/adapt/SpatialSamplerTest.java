package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHARDS's spatial sampling: about a fraction R of the keys, the same ones every time. */
class SpatialSamplerTest {

    @Test
    void samplesAboutTheRateOfConsecutiveAndOfSparseKeys() {
        for (double rate : new double[] {0.001, 0.01, 0.1, 0.5}) {
            SpatialSampler s = new SpatialSampler(rate);
            int consecutive = 0;
            int sparse = 0;
            int n = 1_000_000;
            for (int k = 0; k < n; k++) {
                consecutive += s.sampled(k) ? 1 : 0;
                sparse += s.sampled((long) k << 32 | 7) ? 1 : 0;   // keys differing only in high bits
            }
            double tolerance = 4 * Math.sqrt(rate * (1 - rate) / n);
            assertEquals(rate, consecutive / (double) n, tolerance, "consecutive keys at rate " + rate);
            assertEquals(rate, sparse / (double) n, tolerance, "sparse keys at rate " + rate);
            assertEquals(rate, s.rate(), 1.0 / (1 << SpatialSampler.BITS));
        }
    }

    @Test
    void rateOneSamplesEveryKeyAndAKeyIsAlwaysJudgedAlike() {
        SpatialSampler all = new SpatialSampler(1);
        SpatialSampler tenth = new SpatialSampler(0.1);
        for (long k = -1_000; k < 1_000; k++) {
            assertTrue(all.sampled(k));
            assertEquals(tenth.sampled(k), new SpatialSampler(0.1).sampled(k));
        }
    }

    @Test
    void whatAHostKeepsForAKeySaysWhetherItIsSampledAndItsFingerprintAtEveryRate() {
        double justBelowOne = 1 - 1.0 / (1 << SpatialSampler.BITS);
        for (double rate : new double[] {0.001, 0.1, 0.5, justBelowOne, 1}) {
            SpatialSampler s = new SpatialSampler(rate);
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            for (int i = 0; i < 100_000; i++) {
                long fingerprint = i < 4 ? new long[] {0, -1, Long.MIN_VALUE, SpatialSampler.NEVER_SAMPLED}[i]
                        : random.nextLong();
                long kept = s.kept(fingerprint);
                assertEquals(s.sampled(fingerprint), s.keptSampled(kept), "rate " + rate + ", key " + fingerprint);
                if (s.keptSampled(kept)) {
                    assertEquals(fingerprint, kept);
                }
            }
            assertEquals(rate == 1, s.sampled(SpatialSampler.NEVER_SAMPLED), "rate " + rate);
        }
    }

    @Test
    void scalesACapacityToTheSampledKeysAndRefusesWhatIsNotARate() {
        SpatialSampler s = new SpatialSampler(0.01);
        assertEquals(280, s.scale(28_000), 1);
        assertEquals(1, s.scale(5), "never below one");
        assertThrows(IllegalArgumentException.class, () -> s.scale(0));
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new SpatialSampler(bad), "rate " + bad);
        }
    }
}
