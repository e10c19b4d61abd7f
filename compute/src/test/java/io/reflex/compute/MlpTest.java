package io.reflex.compute;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared network: its gradients are its derivatives, Adam descends, shapes are checked. */
class MlpTest {

    private final ComputeBackend backend = new VectorCpuBackend();

    /** Σ c[r][o] · y[r][o] over a forward pass, in double, for finite differences. */
    private static double objective(Mlp net, float[] x, int rows, float[] c) {
        float[] y = net.forward(x, rows);
        double sum = 0;
        for (int i = 0; i < rows * net.outputWidth(); i++) {
            sum += (double) c[i] * y[i];
        }
        return sum;
    }

    @Test
    void backpropagatedGradientsMatchFiniteDifferencesInEveryLayer() {
        int rows = 3;
        Mlp net = Mlp.glorot(backend, new int[] {19, 11, 7, 3}, 1f, rows, new SplittableRandom(7));
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[rows * 19];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] c = new float[rows * 3];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (r.nextDouble() * 2 - 1);
        }
        net.zeroGrad();
        net.forward(x, rows);
        System.arraycopy(c, 0, net.outputGradient(), 0, c.length);
        net.backward();
        int checked = 0;
        for (DenseLayer layer : net.layers()) {
            for (float[][] pair : new float[][][] {{layer.weights(), layer.weightGrad()}, {layer.bias(), layer.biasGrad()}}) {
                float[] theta = pair[0];
                for (int i = 0; i < theta.length; i += Math.max(1, theta.length / 11)) {
                    float saved = theta[i];
                    theta[i] = saved + 2e-3f;
                    double up = objective(net, x, rows, c);
                    theta[i] = saved - 2e-3f;
                    double down = objective(net, x, rows, c);
                    theta[i] = saved;
                    double numeric = (up - down) / 4e-3;
                    assertEquals(numeric, pair[1][i], 3e-3 + 3e-2 * Math.abs(numeric),
                            "parameter " + i + " of a " + layer.inputs() + "x" + layer.outputs() + " layer");
                    checked++;
                }
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    @Test
    void adamStepsLowerTheSquaredErrorOfALinearTarget() {
        int rows = 64;
        Mlp net = Mlp.glorot(backend, new int[] {4, 16, 1}, 1f, rows, new SplittableRandom(2));
        SplittableRandom r = new SplittableRandom(3);
        float[] targets = new float[rows];
        float[] weights = new float[rows];
        java.util.Arrays.fill(weights, 1f);
        float[] in = net.input();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 4; j++) {
                in[i * 4 + j] = (float) r.nextDouble();
            }
            targets[i] = in[i * 4] - 2 * in[i * 4 + 1] + 0.5f;
        }
        double first = 0;
        double last = 0;
        for (int step = 0; step < 300; step++) {
            net.forward(rows);
            last = backend.mse(net.output(), targets, weights, rows, rows, net.outputGradient());
            if (step == 0) {
                first = last;
            }
            net.zeroGrad();
            net.backward();
            net.step(1e-2f);
        }
        assertTrue(last < first / 20, "loss " + first + " -> " + last);
    }

    @Test
    void refusesLayersWhoseWidthsDoNotChain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mlp(backend, new DenseLayer[] {new DenseLayer(4, 8), new DenseLayer(7, 1)}, 2));
        assertEquals("layer 1 takes 7 inputs, layer 0 gives 8", e.getMessage());
    }

    @Test
    void weightDecayAddsLambdaTimesTheWeightsButNotTheBias() {
        DenseLayer layer = DenseLayer.glorot(3, 2, 1f, new SplittableRandom(1));
        layer.bias()[0] = 5f;
        Mlp net = new Mlp(backend, new DenseLayer[] {layer}, 1);
        net.addWeightDecay(0.5f);
        layer = net.layers()[0];
        for (int i = 0; i < 6; i++) {
            assertEquals(0.5f * layer.weights()[i], layer.weightGrad()[i]);
        }
        assertEquals(0f, layer.biasGrad()[0]);
    }
}
