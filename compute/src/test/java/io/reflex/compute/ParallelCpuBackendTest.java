package io.reflex.compute;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU backend on several threads trains to the bits one thread gives, and to the bits the backend
 * gave before it had threads ({@link OneThreadReferenceBackend}): every call is split (thresholds 0),
 * over shapes with vector tails, row counts that are not multiples of four and fewer rows than threads.
 */
class ParallelCpuBackendTest {

    /** Input, hidden..., output widths; each trained at several batch sizes. */
    private static final int[][] SHAPES = {{12, 16, 16, 2}, {19, 70, 33, 3}, {31, 256, 1}, {5, 3, 1}};

    private static final int[] BATCHES = {1, 3, 7, 64, 130};

    /** Weights and biases of every layer after some seeded training steps, as raw bits. */
    private static int[] trained(ComputeBackend backend, int[] widths, int batch) {
        Mlp net = Mlp.glorot(backend, widths, 1f, batch, new SplittableRandom(widths[1] * 7L + batch));
        SplittableRandom r = new SplittableRandom(batch);
        int outs = widths[widths.length - 1];
        float[] targets = new float[batch * outs];
        float[] weights = new float[batch * outs];
        for (int step = 0; step < 5; step++) {
            float[] in = net.input();
            for (int i = 0; i < batch * widths[0]; i++) {
                // some exact zeros, so that zero gradients and dead ReLUs (skipped rows) occur
                in[i] = r.nextInt(5) == 0 ? 0f : (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(-2, 3)));
            }
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (float) r.nextDouble();
                weights[i] = r.nextInt(4) == 0 ? 0f : 1f;
            }
            float[] out = net.forward(batch);
            backend.huber(out, targets, weights, targets.length, 1f, batch, net.outputGradient());
            net.zeroGrad();
            net.backward();
            net.clipGradients(10);
            net.addWeightDecay(1e-3f);
            net.step(1e-2f);
        }
        return Arrays.stream(net.layers())
                .flatMap(l -> java.util.stream.Stream.of(l.weights(), l.bias()))
                .flatMapToInt(a -> {
                    int[] bits = new int[a.length];
                    for (int i = 0; i < a.length; i++) {
                        bits[i] = Float.floatToRawIntBits(a[i]);
                    }
                    return Arrays.stream(bits);
                }).toArray();
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3, 7})
    void anyThreadCountTrainsToTheBitsOfTheOneThreadBackend(int threads) {
        ComputeBackend reference = new OneThreadReferenceBackend();
        ComputeBackend split = new VectorCpuBackend(threads, 0, 0);
        for (int[] shape : SHAPES) {
            for (int batch : BATCHES) {
                assertArrayEquals(trained(reference, shape, batch), trained(split, shape, batch),
                        Arrays.toString(shape) + " at batch " + batch + " on " + threads + " threads");
            }
        }
    }

    @Test
    void theDefaultBackendUsesEveryCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), new VectorCpuBackend().threads());
    }

    @Test
    void refusesZeroThreads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VectorCpuBackend(0));
        assertEquals("the CPU backend needs >= 1 thread, got 0", e.getMessage());
    }
}
