package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model's input profile: quantile bins per column, their shares, and the metadata text they travel in. */
class FeatureProfileTest {

    /** {@code n} rows of two columns: a continuous one, and one that is 0 in 80% of rows. */
    private static float[] rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] rows = new float[2 * n];
        for (int i = 0; i < n; i++) {
            rows[2 * i] = (float) r.nextGaussian();
            rows[2 * i + 1] = r.nextDouble() < 0.8 ? 0 : (float) r.nextDouble();
        }
        return rows;
    }

    @Test
    void aContinuousColumnGetsBinsOfEqualShare() {
        FeatureProfile p = FeatureProfile.of(rows(10_000, 1), 10_000, 2, 10);
        for (int b = 0; b < 10; b++) {
            assertEquals(0.1, p.share(0, b), 1e-3, "bin " + b);
        }
        assertEquals(0, p.bin(0, -100f));
        assertEquals(9, p.bin(0, 100f));
        assertEquals(9, p.bin(0, Float.NaN), "NaN in the last bin");
    }

    @Test
    void tiesAtACutLeaveUnequalBinsWhoseSharesSayWhatTheyHold() {
        FeatureProfile p = FeatureProfile.of(rows(10_000, 2), 10_000, 2, 10);
        assertEquals(0.8, p.share(1, 0), 0.02, "the zeros all fall in the first bin");
        double rest = 0;
        for (int b = 1; b < 10; b++) {
            rest += p.share(1, b);
        }
        assertEquals(1 - p.share(1, 0), rest, 1e-6);
    }

    @Test
    void theMetadataTextReadsBackToTheSameProfile() {
        FeatureProfile p = FeatureProfile.of(rows(5_000, 3), 5_000, 2, 7);
        FeatureProfile back = FeatureProfile.parse(p.format());
        assertEquals(p.format(), back.format());
        assertEquals(2, back.columns());
        assertEquals(7, back.bins());
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 1_000; i++) {
            float v = (float) (3 * r.nextGaussian());
            assertEquals(p.bin(0, v), back.bin(0, v));
        }
        assertEquals(p.format(), FeatureProfile.fromMetadata(Map.of(FeatureProfile.METADATA, p.format()), "m.onnx")
                .orElseThrow().format());
        assertTrue(FeatureProfile.fromMetadata(Map.of(), "m.onnx").isEmpty(), "a model without a profile has none");
    }

    @Test
    void malformedTextIsRefusedNamingTheFileTheKeyAndTheColumn() {
        String[] bad = {
            "x|0;1",                      // bins not a number
            "2|0;0.5,0.5|1,2;0.5,0.5",    // wrong number of cuts in column 1
            "3|1,0;0.3,0.3,0.4",          // cuts not ascending
            "2|0;0.5,0.6",                // shares not summing to 1
            "2|a;0.5,0.5",                // not a number
            "2|Infinity;0.5,0.5",         // not finite
            "2",                          // no column
        };
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FeatureProfile.fromMetadata(Map.of(FeatureProfile.METADATA, text), "m.onnx"), text);
            assertTrue(e.getMessage().startsWith("m.onnx: metadata reflex.profile: "), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureProfile.parse("3|1,0;0.3,0.3,0.4"))
                .getMessage().contains("column 0"));
    }
}
