package io.reflex.compute.cuda;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.DenseLayer;
import io.reflex.compute.Mlp;
import io.reflex.compute.Tensor;
import io.reflex.compute.TensorBackend;
import io.reflex.compute.VectorCpuBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA tensor backend's Java side on an {@link EmulatedDevice}: a resident training run marshals
 * every kernel's arguments as the PTX declares them and trains to the CPU's weights within float
 * rounding; a step moves only the batch (no parameter, moment or activation crosses); tensors own their
 * device memory until closed; reductions are fixed-order partial sums.
 */
class CudaTensorBackendTest {

    private final EmulatedDevice device = new EmulatedDevice();
    private final CudaTensorBackend tensors = new CudaTensorBackend(device, device, new KernelArgs(Arena.ofAuto(), 16));

    /** A ComputeBackend whose tensors are the emulated device's (its array methods are the CPU's, unused here). */
    private ComputeBackend onDevice() {
        VectorCpuBackend cpu = new VectorCpuBackend(1);
        return new ComputeBackend() {
            @Override
            public TensorBackend tensors() {
                return tensors;
            }

            @Override
            public String name() {
                return "emulated-cuda";
            }

            @Override
            public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db, float[] dx) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void reluForward(float[] x, int n, float[] y) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void reluBackward(float[] y, int n, float[] dy) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public double huber(float[] p, float[] t, float[] w, int n, float delta, float divisor, float[] grad) {
                return cpu.huber(p, t, w, n, delta, divisor, grad);
            }

            @Override
            public double mse(float[] p, float[] t, float[] w, int n, float divisor, float[] grad) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float b1, float b2, float e, int s) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void scale(float[] g, int n, float factor) {
                throw new AssertionError("the array path was used");
            }

            @Override
            public void axpy(float a, float[] x, float[] y, int n) {
                throw new AssertionError("the array path was used");
            }
        };
    }

    private static DenseLayer[] layers(int[] widths) {
        SplittableRandom r = new SplittableRandom(3);
        DenseLayer[] layers = new DenseLayer[widths.length - 1];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = DenseLayer.glorot(widths[l], widths[l + 1], (float) Math.sqrt(2), r);
        }
        return layers;
    }

    private static double maxRelativeDifference(DenseLayer[] a, DenseLayer[] b) {
        double diff = 0;
        double max = 0;
        for (int l = 0; l < a.length; l++) {
            for (float[][] pair : new float[][][] {{a[l].weights(), b[l].weights()}, {a[l].bias(), b[l].bias()}}) {
                for (int i = 0; i < pair[0].length; i++) {
                    diff = Math.max(diff, Math.abs((double) pair[0][i] - pair[1][i]));
                    max = Math.max(max, Math.abs(pair[0][i]));
                }
            }
        }
        return diff / max;
    }

    @Test
    void aResidentRegressionRunTrainsToTheCpuWeightsAndMovesOnlyTheBatch() {
        int[] widths = {11, 24, 24, 1};
        int rows = 40;
        Mlp cpu = new Mlp(new VectorCpuBackend(1), layers(widths), rows);
        Mlp gpu = new Mlp(onDevice(), layers(widths), rows);
        SplittableRandom r = new SplittableRandom(5);
        float[] y = new float[rows];
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        for (int step = 0; step < 60; step++) {
            for (int i = 0; i < rows * 11; i++) {
                float v = (float) r.nextDouble();
                cpu.input()[i] = v;
                gpu.input()[i] = v;
            }
            for (int i = 0; i < rows; i++) {
                y[i] = cpu.input()[i * 11] - cpu.input()[i * 11 + 4];
            }
            double expected = cpu.trainMse(rows, y, ones, rows, 1.0, 1e-2f);
            long in = device.floatsIn;
            long out = device.floatsOut;
            double actual = gpu.trainMse(rows, y, ones, rows, 1.0, 1e-2f);
            assertEquals(rows * 11 + 2 * rows, device.floatsIn - in, "floats up in step " + step + ": the rows, targets, weights");
            assertEquals(0, device.floatsOut - out, "floats down in step " + step + " (the loss and norm come as partial sums)");
            assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), "loss of step " + step);
        }
        // the layers' arrays are the device tensors' host mirrors: untouched until layers() pulls
        DenseLayer[] trained = gpu.layers();
        double relative = maxRelativeDifference(cpu.layers(), trained);
        assertTrue(relative < 1e-4, "weights differ by " + relative + " of the largest");
    }

    @Test
    void aTargetNetworksSoftUpdateAndTheHostLossPathStayWithinRounding() {
        int[] widths = {12, 16, 16, 2};
        int rows = 64;
        ComputeBackend cpuBackend = new VectorCpuBackend(1);
        Mlp cpu = new Mlp(cpuBackend, layers(widths), rows);
        Mlp cpuTarget = new Mlp(cpuBackend, layers(widths), rows);
        Mlp gpu = new Mlp(onDevice(), layers(widths), rows);
        Mlp gpuTarget = new Mlp(onDevice(), layers(widths), rows);
        SplittableRandom r = new SplittableRandom(9);
        float[] targets = new float[rows * 2];
        float[] weights = new float[rows * 2];
        float[] grad = new float[rows * 2];
        for (int step = 0; step < 40; step++) {
            float[] x = new float[rows * 12];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            for (int i = 0; i < rows * 2; i++) {
                targets[i] = (float) r.nextDouble();
                weights[i] = i % 3 == 0 ? 1f : 0f;
            }
            for (Mlp[] pair : new Mlp[][] {{cpu, cpuTarget}, {gpu, gpuTarget}}) {
                pair[0].zeroGrad();
                cpuBackend.huber(pair[0].forward(x, rows), targets, weights, rows * 2, 1f, rows, grad);
                System.arraycopy(grad, 0, pair[0].outputGradient(), 0, grad.length);
                pair[0].backward();
                pair[0].clipGradients(0.5);
                pair[0].step(1e-2f);
                pair[1].blendFrom(pair[0], 0.1f);
            }
        }
        assertTrue(maxRelativeDifference(cpu.layers(), gpu.layers()) < 1e-4);
        assertTrue(maxRelativeDifference(cpuTarget.layers(), gpuTarget.layers()) < 1e-4);
    }

    @Test
    void reductionsAreFixedOrderPartialSumsAddedInIndexOrder() {
        int n = 3 * tensorsPartialThreads() + 17;
        float[] g = new float[n];
        SplittableRandom r = new SplittableRandom(1);
        double sequential = 0;
        for (int i = 0; i < n; i++) {
            g[i] = (float) (r.nextDouble() * 2 - 1);
            sequential += (double) g[i] * g[i];
        }
        Tensor t = tensors.wrap(g);
        double first = tensors.sumOfSquares(t, n);
        assertEquals(Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(tensors.sumOfSquares(t, n)));
        assertEquals(sequential, first, 1e-12 * sequential);
        double expected = 0;
        for (int thread = 0; thread < Kernel.PARTIAL_THREADS; thread++) {
            double s = 0;
            for (int i = thread; i < n; i += Kernel.PARTIAL_THREADS) {
                s += (double) g[i] * g[i];
            }
            expected += s;
        }
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(first));
        assertEquals(0.0, tensors.sumOfSquares(t, 0));
        assertEquals(5, CudaTensorBackend.partialThreads(5));
    }

    private static int tensorsPartialThreads() {
        return Kernel.PARTIAL_THREADS;
    }

    @Test
    void aTensorOwnsItsDeviceMemoryUntilClosedAndIsRefusedAfter() {
        float[] host = {1, 2, 3};
        Tensor t = tensors.wrap(host);
        assertEquals(1, device.live.size());
        host[0] = 9;
        t.pull(3);
        assertEquals(1f, host[0], "pull brings the device's values into the host view");
        t.close();
        t.close();
        assertEquals(0, device.live.size());
        assertEquals(1, device.freed.size());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.pull(3));
        assertEquals("device buffer of 3 floats used after close", e.getMessage());
        Tensor u = tensors.allocate(4);
        IndexOutOfBoundsException big = assertThrows(IndexOutOfBoundsException.class, () -> u.push(5));
        assertEquals("moving 5 floats of a device tensor of 4", big.getMessage());
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> tensors.zero(new VectorCpuBackend(1).tensors().allocate(4), 4));
        assertTrue(foreign.getMessage().startsWith("a HostTensor given to the CUDA tensor backend"), foreign.getMessage());
    }

    @Test
    void closingAnMlpFreesEveryTensorItAllocated() {
        Mlp net = new Mlp(onDevice(), layers(new int[] {4, 8, 1}), 16);
        int afterConstruction = device.live.size();
        assertTrue(afterConstruction >= 4 * 2 + 4 * 2 + 5, "parameters, gradients, moments, activations: " + afterConstruction);
        net.reserve(100);
        assertEquals(afterConstruction, device.live.size(), "growing replaces the activation tensors");
        net.close();
        assertEquals(0, device.live.size());
    }
}
