package io.reflex.engine.onnx;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.engine.testing.PropertyCheck.Gen;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoldenPairs} survive their text encoding exactly, and a malformed text names the pair at fault. */
class GoldenPairsTest {

    @Test
    void decodingTheEncodingGivesBackEveryValueBitForBit() {
        PropertyCheck.tries(300).forAll(GoldenPairsTest::rows, rows -> {
            GoldenPairs pairs = pairs(rows);
            GoldenPairs decoded = GoldenPairs.decode(pairs.encode());

            assertEquals(pairs.size(), decoded.size());
            for (int p = 0; p < pairs.size(); p++) {
                // assertArrayEquals on floats compares bit patterns: -0.0 is not 0.0, NaN equals NaN.
                assertArrayEquals(pairs.inputs().get(p), decoded.inputs().get(p), "input of pair " + p);
                assertArrayEquals(pairs.outputs().get(p), decoded.outputs().get(p), "output of pair " + p);
            }
        });
    }

    /** 2 to 12 rows of 1 to 24 values each. */
    private static List<float[]> rows(Gen g) {
        return g.list(2, 12, x -> {
            List<Float> values = x.list(1, 24, GoldenPairsTest::value);
            float[] row = new float[values.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = values.get(i);
            }
            return row;
        });
    }

    private static float value(Gen g) {
        return g.oneOf(
                // Every bit pattern: subnormals, huge exponents, NaNs.
                x -> Float.intBitsToFloat(x.anyInt()),
                x -> x.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
                        -Float.MAX_VALUE, 1e-45f, 1.17549421e-38f, 3.4028233e38f, Float.NaN,
                        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
                x -> x.floats(-10f, 10f, 7));
    }

    /** An even number of rows, alternately inputs and outputs (an odd last row is left out). */
    private static GoldenPairs pairs(List<float[]> rows) {
        List<float[]> in = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < rows.size(); i += 2) {
            in.add(rows.get(i));
            out.add(rows.get(i + 1));
        }
        return new GoldenPairs(in, out);
    }

    @Test
    void aValueThatIsNotANumberNamesThePairTheSideAndThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoldenPairs.decode("1.0,2.0|0.5;1.0,2.0|0.5,oops"));

        assertTrue(e.getMessage().contains("golden pair 1 output value 1"), e.getMessage());
        assertTrue(e.getMessage().contains("'oops'"), e.getMessage());
    }

    @Test
    void aPairWithoutASingleBarNamesThePair() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> GoldenPairs.decode("1.0|2.0;3.0;4.0|5.0"));
        IllegalArgumentException doubled = assertThrows(IllegalArgumentException.class,
                () -> GoldenPairs.decode("1.0|2.0|3.0"));

        assertTrue(missing.getMessage().contains("golden pair 1 has no single '|'"), missing.getMessage());
        assertTrue(doubled.getMessage().contains("golden pair 0 has no single '|'"), doubled.getMessage());
    }

    @Test
    void anEmptySideNamesThePair() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoldenPairs.decode("1.0|2.0;3.0|"));

        assertTrue(e.getMessage().contains("golden pair 1 output"), e.getMessage());
    }

    @Test
    void needsAsManyOutputsAsInputsAndAtLeastOnePair() {
        assertThrows(IllegalArgumentException.class,
                () -> new GoldenPairs(List.of(new float[] {1f}), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new GoldenPairs(List.of(), List.of()));
    }

    @Test
    void keepsItsOwnCopyOfEveryRow() {
        float[] in = {1f, 2f};
        float[] out = {3f};
        GoldenPairs pairs = new GoldenPairs(List.of(in), List.of(out));

        in[0] = 99f;
        out[0] = 99f;

        assertArrayEquals(new float[] {1f, 2f}, pairs.inputs().getFirst());
        assertArrayEquals(new float[] {3f}, pairs.outputs().getFirst());
    }
}
