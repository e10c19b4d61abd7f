package io.reflex.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorCpuBackend} as it was before it had threads, verbatim: the reference its parallel
 * version must match bit for bit, whatever the thread count.
 */
final class OneThreadReferenceBackend implements ComputeBackend {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final int LANES = S.length();

    // sumLanes' tree: lane i takes lane i + h (mod the length); constants, so that C2 compiles each
    // level to one shuffle and one add (null where the species has no such level)
    private static final VectorShuffle<Float> FOLD_8 = fold(8);
    private static final VectorShuffle<Float> FOLD_4 = fold(4);
    private static final VectorShuffle<Float> FOLD_2 = fold(2);
    private static final VectorShuffle<Float> FOLD_1 = fold(1);

    @Override
    public String name() {
        return "cpu-reference";
    }

    @Override
    public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        int bound = S.loopBound(in);
        for (int r = 0; r < rows; r++) {
            int xr = r * in;
            int yr = r * out;
            for (int o = 0; o < out; o++) {
                int wo = o * in;
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += S.length()) {
                    acc = FloatVector.fromArray(S, x, xr + i).fma(FloatVector.fromArray(S, w, wo + i), acc);
                }
                float sum = sumLanes(acc);
                for (; i < in; i++) {
                    sum += x[xr + i] * w[wo + i];
                }
                y[yr + o] = sum + b[o];
            }
        }
    }

    /**
     * The sum of the lanes, always in the same order (a tree of lane-wise additions: halves, then
     * quarters, ...), whether the code runs interpreted or compiled; lane-wise adds and shuffles are
     * exact, so every tier computes the same bits. Species wider than 16 lanes, or not a power of
     * two, add lane by lane.
     */
    static float sumLanes(FloatVector v) {
        if (LANES > 16 || Integer.bitCount(LANES) != 1) {
            float sum = 0f;
            for (int i = 0; i < LANES; i++) {
                sum += v.lane(i);
            }
            return sum;
        }
        if (LANES >= 16) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (LANES >= 8) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (LANES >= 4) {
            v = v.add(v.rearrange(FOLD_2));
        }
        if (LANES >= 2) {
            v = v.add(v.rearrange(FOLD_1));
        }
        return v.lane(0);
    }

    private static VectorShuffle<Float> fold(int h) {
        return h < LANES ? VectorShuffle.iota(S, h, 1, true) : null;
    }

    @Override
    public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db,
                              float[] dx) {
        int bound = S.loopBound(in);
        if (dx != null) {
            java.util.Arrays.fill(dx, 0, rows * in, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int xr = r * in;
            for (int o = 0; o < out; o++) {
                float g = dy[r * out + o];
                if (g == 0f) {
                    continue;
                }
                db[o] += g;
                int wo = o * in;
                FloatVector gv = FloatVector.broadcast(S, g);
                int i = 0;
                for (; i < bound; i += S.length()) {
                    FloatVector xv = FloatVector.fromArray(S, x, xr + i);
                    xv.fma(gv, FloatVector.fromArray(S, dw, wo + i)).intoArray(dw, wo + i);
                    if (dx != null) {
                        FloatVector.fromArray(S, w, wo + i).fma(gv, FloatVector.fromArray(S, dx, xr + i))
                                .intoArray(dx, xr + i);
                    }
                }
                for (; i < in; i++) {
                    dw[wo + i] += g * x[xr + i];
                    if (dx != null) {
                        dx[xr + i] += g * w[wo + i];
                    }
                }
            }
        }
    }

    @Override
    public void reluForward(float[] x, int n, float[] y) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = Math.max(0f, x[i]);
        }
    }

    @Override
    public void reluBackward(float[] y, int n, float[] dy) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).blend(0f, yv.compare(VectorOperators.LE, 0f)).intoArray(dy, i);
        }
        for (; i < n; i++) {
            if (y[i] <= 0f) {
                dy[i] = 0f;
            }
        }
    }

    @Override
    public double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor,
                        float[] grad) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float wgt = weight[i];
            if (wgt == 0f) {
                grad[i] = 0f;
                continue;
            }
            float e = prediction[i] - target[i];
            float a = Math.abs(e);
            if (a <= delta) {
                loss += wgt * 0.5 * e * e;
                grad[i] = wgt * e / divisor;
            } else {
                loss += wgt * delta * (a - 0.5 * delta);
                grad[i] = wgt * delta * Math.signum(e) / divisor;
            }
        }
        return loss / divisor;
    }

    @Override
    public double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float wgt = weight[i];
            float e = prediction[i] - target[i];
            loss += wgt * 0.5 * e * e;
            grad[i] = wgt == 0f ? 0f : wgt * e / divisor;
        }
        return loss / divisor;
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                         float epsilon, int step) {
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        float stepSize = lr / c1;
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(1 - beta1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(1 - beta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.sqrt().mul(invSqrtC2).add(epsilon);
            FloatVector.fromArray(S, p, i).sub(mv.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < n; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) * invSqrtC2 + epsilon);
        }
    }

    @Override
    public double sumOfSquares(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) g[i] * g[i];
        }
        return s;
    }

    @Override
    public void scale(float[] g, int n, float factor) {
        for (int i = 0; i < n; i++) {
            g[i] *= factor;
        }
    }

    @Override
    public void axpy(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }
}
