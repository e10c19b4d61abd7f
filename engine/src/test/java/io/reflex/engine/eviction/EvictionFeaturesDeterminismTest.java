package io.reflex.engine.eviction;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import io.reflex.engine.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The eviction features are the same bits whatever tier of the JVM computes them. They were once
 * {@code lanewise(LOG1P)}, whose compiled intrinsic and interpreted fallback differ in the last bit
 * for some inputs: candidates encoded before the JIT compiled the encoder differed from the same
 * candidates encoded after, so two identical {@code train eviction} runs logged different states
 * and wrote different models.
 */
class EvictionFeaturesDeterminismTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int K = 64;

    /** Encodings of seeded candidates spanning every feature's range, as raw float bits in hex. */
    static String encodings() {
        EvictionFeatures encoder = new EvictionFeatures(K);
        EvictionCandidates c = new EvictionCandidates(K);
        SplittableRandom r = new SplittableRandom(7);
        float[] out = new float[K * EvictionFeatures.PER_CANDIDATE];
        StringBuilder s = new StringBuilder();
        for (int state = 0; state < 400; state++) {
            c.clear();
            int n = 1 + r.nextInt(K);
            for (int j = 0; j < n; j++) {
                c.next().ageSeconds(wide(r, 1e6)).sizeBytes(wide(r, 1e9)).hits(wide(r, 1e4))
                        .interArrivalSeconds(wide(r, 1e6))
                        .ttlSeconds(r.nextInt(10) == 0 ? Float.POSITIVE_INFINITY : wide(r, 1e6) - 1e3f)
                        .rttMillis(wide(r, 1e4));
            }
            encoder.encode(c, out, 0);
            for (float v : out) {
                s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** A value in [0, max) spread over the decades. */
    private static float wide(SplittableRandom r, double max) {
        return (float) (max * Math.pow(r.nextDouble(), 6));
    }

    /** Run by the interpreted JVM. */
    public static void main(String[] args) {
        System.out.print(encodings());
    }

    @Test
    void encodingGivesTheSameBitsCompiledAsInterpreted() throws Exception {
        String compiled = null;
        for (int i = 0; i < 200; i++) {
            compiled = encodings();
        }
        assertEquals(compiled, ForkedJvm.stdoutOf(EvictionFeaturesDeterminismTest.class, "-Xint"),
                "the encoded features depend on whether the JIT compiled the encoder");
    }

    @Test
    void log1pIsWithinAnUlpOfMathLog1pAndKeepsItsSpecialValues() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = round % 4 == 0 ? (float) (r.nextDouble() * 2 - 0.99) : (float) Math.pow(10, r.nextDouble(-30, 38));
            }
            EvictionFeatures.log1pScaled(x, x.length, 1f, false, y, 0);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) Math.log1p(x[i]);
                assertTrue(Math.abs(y[i] - expected) <= Math.ulp(expected),
                        "log1p(" + x[i] + ") = " + y[i] + ", Math.log1p: " + expected);
            }
        }
        float[] special = {0f, Float.POSITIVE_INFINITY, Float.NaN, -1f, -2f, Float.MIN_VALUE, Float.MAX_VALUE};
        for (float v : special) {
            float[] in = new float[S.length()];
            java.util.Arrays.fill(in, v);
            EvictionFeatures.log1pScaled(in, in.length, 1f, false, y, 0);
            assertEquals((float) Math.log1p(v), y[0], "log1p(" + v + ")");
        }
    }
}
