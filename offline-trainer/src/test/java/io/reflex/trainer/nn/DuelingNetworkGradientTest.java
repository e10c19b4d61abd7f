package io.reflex.trainer.nn;

import io.reflex.compute.DenseLayer;
import io.reflex.compute.VectorCpuBackend;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's gradients, through a whole dueling network, against central finite differences. */
class DuelingNetworkGradientTest {

    private final VectorCpuBackend backend = new VectorCpuBackend();

    /** Loss = Σ c[r][a] · Q[r][a] for fixed random coefficients c, so dLoss/dQ = c. */
    private double loss(DuelingNetwork net, float[] x, int rows, float[] c) {
        float[] q = net.forward(x, rows);
        double l = 0;
        for (int i = 0; i < rows * net.actions(); i++) {
            l += (double) c[i] * q[i];
        }
        return l;
    }

    @Test
    void backpropagatedGradientsMatchFiniteDifferencesInEveryLayer() {
        int rows = 3;
        DuelingNetwork net = new DuelingNetwork(backend, new int[] {19, 11, 7, 6}, rows, 7);
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[rows * 19];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] c = new float[rows * net.actions()];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (r.nextDouble() * 2 - 1);
        }
        net.zeroGrad();
        net.forward(x, rows);
        net.backward(c);
        int checked = 0;
        for (DenseLayer p : net.layers()) {
            for (int idx = 0; idx < p.weights().length; idx += Math.max(1, p.weights().length / 9)) {
                float saved = p.weights()[idx];
                float h = 2e-3f;
                p.weights()[idx] = saved + h;
                double up = loss(net, x, rows, c);
                p.weights()[idx] = saved - h;
                double down = loss(net, x, rows, c);
                p.weights()[idx] = saved;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, p.weightGrad()[idx], 3e-3 + 3e-2 * Math.abs(numeric),
                        "weight " + idx + " of a " + p.inputs() + "x" + p.outputs() + " layer");
                checked++;
            }
            for (int o = 0; o < p.outputs(); o++) {
                float saved = p.bias()[o];
                p.bias()[o] = saved + 2e-3f;
                double up = loss(net, x, rows, c);
                p.bias()[o] = saved - 2e-3f;
                double down = loss(net, x, rows, c);
                p.bias()[o] = saved;
                assertEquals((up - down) / 4e-3, p.biasGrad()[o], 3e-3 + 3e-2 * Math.abs((up - down) / 4e-3));
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked + " parameters");
    }

    @Test
    void huberGradientIsLinearInsideDeltaAndClippedOutside() {
        float[] p = {0.5f, 3f, -4f, 9f};
        float[] t = {0f, 0f, 0f, 0f};
        float[] w = {1f, 1f, 1f, 0f};
        float[] g = new float[4];
        double loss = backend.huber(p, t, w, 4, 1f, 2f, g);
        assertEquals((0.125 + 2.5 + 3.5) / 2, loss, 1e-6);
        assertEquals(0.25f, g[0], 1e-7);
        assertEquals(0.5f, g[1], 1e-7);
        assertEquals(-0.5f, g[2], 1e-7);
        assertEquals(0f, g[3]);
    }

    @Test
    void adamMovesEachParameterAgainstItsGradientByAboutTheLearningRateOnTheFirstStep() {
        float[] p = new float[37];
        float[] g = new float[37];
        for (int i = 0; i < 37; i++) {
            g[i] = i % 2 == 0 ? 3f : -0.5f;
        }
        backend.adamStep(p, g, new float[37], new float[37], 37, 0.01f, 0.9f, 0.999f, 1e-8f, 1);
        for (int i = 0; i < 37; i++) {
            assertEquals(i % 2 == 0 ? -0.01f : 0.01f, p[i], 1e-6f);
        }
    }
}
