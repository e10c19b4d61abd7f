package io.reflex.trainer.nn;

import io.reflex.compute.VectorCpuBackend;

import io.reflex.engine.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU backend computes the same bits whatever tier of the JVM runs it. Its dense layer once summed
 * the lanes with {@code reduceLanes(ADD)}, whose order of additions differs between the interpreted
 * code and the C2 intrinsic: the same call changed its result once the JIT compiled it, so two
 * identical {@code train eviction} runs (compiled at different moments) wrote different weights. Here
 * this JVM, warmed until the layer is compiled, must agree bit for bit with a JVM that only
 * interprets ({@code -Xint}).
 */
class VectorCpuBackendDeterminismTest {

    /** (rows, in, out): in = 16 is the candidate network's hidden layer; 70 adds several vectors and a tail. */
    private static final int[][] SHAPES = {{4, 16, 16}, {4, 70, 16}, {2, 384, 8}};

    /** The dense layer's outputs over seeded inputs of widely varied magnitude, as raw float bits in hex. */
    static String outputs() {
        VectorCpuBackend backend = new VectorCpuBackend();
        StringBuilder s = new StringBuilder();
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int in = shape[1];
            int out = shape[2];
            SplittableRandom r = new SplittableRandom(in);
            float[] x = values(r, rows * in);
            float[] w = values(r, out * in);
            float[] b = values(r, out);
            float[] y = new float[rows * out];
            backend.denseForward(x, rows, in, w, b, out, y);
            for (float v : y) {
                s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static float[] values(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(-3, 4)));
        }
        return v;
    }

    /** Run by the interpreted JVM. */
    public static void main(String[] args) {
        System.out.print(outputs());
    }

    @Test
    void denseForwardGivesTheSameBitsCompiledAsInterpreted() throws Exception {
        String compiled = null;
        for (int i = 0; i < 30_000; i++) {
            compiled = outputs();
        }
        assertEquals(compiled, ForkedJvm.stdoutOf(VectorCpuBackendDeterminismTest.class, "-Xint"),
                "the dense layer's sums depend on whether the JIT compiled it");
    }
}
