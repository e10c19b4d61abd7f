package io.reflex.harness.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figures {@code bench caffeine} derives from what it measured. */
class CaffeineBenchResultTest {

    /** Reads: the adapter 10 M/s (100 ns each), plain Caffeine 20 M/s (50 ns); hit ratios as given. */
    private static CaffeineBench.Result result(double reflexTrap, double caffeineTrap, double reflexZipf, double caffeineZipf) {
        return new CaffeineBench.Result("m", 10e6, 20e6, 19e6, 1e6, 2e6, reflexTrap, caffeineTrap, reflexZipf,
                caffeineZipf, 0, 0, 0, 64, 10e6, 20e6, 1e6, 2e6);
    }

    @Test
    void theReadOverheadIsTheAdaptersTimePerReadMinusPlainCaffeines() {
        assertEquals(50.0, result(0.5, 0.4, 0.5, 0.5).readOverheadNsPerHit(), 1e-9);
    }

    @Test
    void theBreakEvenMissCostIsTheOverheadOverTheMeanHitRatioGain() {
        CaffeineBench.Result r = result(0.50, 0.40, 0.52, 0.52);   // gains 0.10 and 0: mean 0.05

        assertEquals(0.05, r.hitRatioGain(), 1e-12);
        assertEquals(1000.0, r.breakEvenMissCostNs().orElseThrow(), 1e-6);
    }

    @Test
    void thereIsNoBreakEvenWithoutAGain() {
        assertTrue(result(0.40, 0.40, 0.50, 0.52).breakEvenMissCostNs().isEmpty(), "a loss");
        assertTrue(result(0.40, 0.40, 0.50, 0.50).breakEvenMissCostNs().isEmpty(), "no gain");
    }
}
