package io.reflex.trainer.ope;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The percentile bootstrap: seeded, ordered, centred on the estimate, and as wide as the noise. */
class BootstrapIntervalTest {

    private static double[] gaussian(long seed, int n, double mean) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + r.nextGaussian();
        }
        return v;
    }

    @Test
    void theIntervalOfAMeanContainsThePointEstimate() {
        PropertyCheck.tries(40).forAll(
                g -> new MeanCase(g.ints(30, 2000), g.anyLong()),
                MeanCase::check);
    }

    /** {@code n} seeded Gaussian values of mean 3, resampled with the same seed. */
    private record MeanCase(int n, long seed) {
        void check() {
            Estimate e = new BootstrapInterval(100, 0.95, seed).estimate(List.of(EstimateTerms.mean("m", gaussian(seed, n, 3))))
                    .getFirst();
            assertTrue(e.ciLow() <= e.value() && e.value() <= e.ciHigh(), e.toString());
        }
    }

    @Test
    void theSameSeedGivesTheSameIntervalsAndAnotherSeedOthers() {
        List<EstimateTerms> terms = List.of(EstimateTerms.mean("a", gaussian(1, 1000, 0)),
                EstimateTerms.ratio("b", gaussian(2, 1000, 5), gaussian(3, 1000, 5)));
        assertEquals(new BootstrapInterval(200, 0.9, 42).estimate(terms), new BootstrapInterval(200, 0.9, 42).estimate(terms));
        assertNotEquals(new BootstrapInterval(200, 0.9, 42).estimate(terms), new BootstrapInterval(200, 0.9, 43).estimate(terms));
    }

    @Test
    void aNinetyFivePercentIntervalOfAMeanIsAboutFourStandardErrorsWide() {
        int n = 10_000;
        Estimate e = new BootstrapInterval(1000, 0.95, 7).estimate(List.of(EstimateTerms.mean("m", gaussian(8, n, 0))))
                .getFirst();
        double standardError = 1 / Math.sqrt(n);
        assertEquals(2 * 1.96 * standardError, e.ciHigh() - e.ciLow(), 0.15 * 2 * 1.96 * standardError);
    }

    @Test
    void estimatorsOverDifferentUnitsCannotShareResamples() {
        List<EstimateTerms> terms = List.of(EstimateTerms.mean("a", new double[10]), EstimateTerms.mean("b", new double[11]));
        assertThrows(IllegalArgumentException.class, () -> new BootstrapInterval(100, 0.95, 1).estimate(terms));
    }

    @Test
    void aResampleWithoutSupportEstimatesZeroRatherThanNaN() {
        EstimateTerms allZeroWeights = EstimateTerms.ratio("snips", new double[5], new double[5]);
        assertEquals(0, allZeroWeights.value());
    }
}
