package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The row-major, strided products of the dense layers map onto column-major {@code cublasSgemm}
 * arguments that compute them: a column-major SGEMM written here from cuBLAS's definition, fed the
 * mapped arguments, must give the product computed directly.
 */
class CublasGemmCallTest {

    /** cublasSgemm's definition: C = alpha op(A) op(B) + beta C, column-major, on host arrays. */
    private static void sgemm(int transA, int transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
                              float beta, float[] c, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA == CublasGemm.OP_N ? a[i + p * lda] : a[p + i * lda];
                    float bv = transB == CublasGemm.OP_N ? b[p + j * ldb] : b[j + p * ldb];
                    s += (double) av * bv;
                }
                c[i + j * ldc] = (float) (alpha * s + beta * c[i + j * ldc]);
            }
        }
    }

    /** The product of Gemm's definition, row-major. */
    private static float[] direct(int m, int n, int k, float alpha, float[] a, int asi, int ask, float[] b, int bsk, int bsj,
                                  float beta, float[] c0) {
        float[] c = c0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * asi + p * ask] * b[p * bsk + j * bsj];
                }
                c[i * n + j] = (float) (alpha * s + beta * c[i * n + j]);
            }
        }
        return c;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void check(int m, int n, int k, int asi, int ask, int bsk, int bsj, float beta, int aLength, int bLength) {
        SplittableRandom r = new SplittableRandom(m * 131L + n * 17L + k);
        float[] a = random(r, aLength);
        float[] b = random(r, bLength);
        float[] c0 = random(r, m * n);
        float[] expected = direct(m, n, k, 1f, a, asi, ask, b, bsk, bsj, beta, c0);
        CublasGemm.Call call = CublasGemm.call(m, n, k, asi, ask, bsk, bsj);
        float[] c = c0.clone();
        // the first cuBLAS operand is our B, the second our A
        sgemm(call.transFirst(), call.transSecond(), call.m(), call.n(), call.k(), 1f, b, call.ldFirst(), a, call.ldSecond(),
                beta, c, call.ldc());
        assertArrayEquals(expected, c, 1e-5f);
    }

    @Test
    void theForwardProductXTimesWTransposed() {
        int rows = 7;
        int in = 5;
        int out = 3;
        check(rows, out, in, in, 1, 1, in, 0f, rows * in, out * in);
        CublasGemm.Call call = CublasGemm.call(rows, out, in, in, 1, 1, in);
        assertEquals(new CublasGemm.Call(CublasGemm.OP_T, CublasGemm.OP_N, out, rows, in, in, in, out), call);
    }

    @Test
    void theWeightGradientDyTransposedTimesXAccumulates() {
        int rows = 9;
        int in = 4;
        int out = 6;
        check(out, in, rows, 1, out, in, 1, 1f, rows * out, rows * in);
    }

    @Test
    void theInputGradientDyTimesW() {
        int rows = 5;
        int in = 8;
        int out = 3;
        check(rows, in, out, out, 1, in, 1, 0f, rows * out, out * in);
    }

    @Test
    void refusesOperandsWithoutAUnitStride() {
        assertThrows(IllegalArgumentException.class, () -> CublasGemm.call(2, 2, 2, 2, 3, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> CublasGemm.call(2, 2, 2, 2, 1, 2, 3));
    }
}
