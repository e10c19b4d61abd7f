package io.reflex.compute;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the CPU the resident training step ({@link Mlp} on {@link ComputeBackend#tensors()}) trains to the
 * bits of the per-call path it replaced ({@link PerCallMlp}), for each trainer's network shape and step:
 * the eviction DQN (host Huber gradient, clip, Adam, soft target update), the next-access regressor
 * ({@link Mlp#trainMse}), LOMAR (a batch of decisions in one {@link Mlp#accumulate} against one pass per
 * decision) and a TPGR level (a user's rows in one forward and backward against one per step, scaled,
 * with weight decay). On one thread, and on three threads splitting even the smallest calls.
 */
class ResidentStepTest {

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("one thread", new VectorCpuBackend(1)),
                Arguments.of("three threads, every call split", new VectorCpuBackend(3, 1, 1)));
    }

    private static DenseLayer[] layers(int[] widths, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DenseLayer[] layers = new DenseLayer[widths.length - 1];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = DenseLayer.glorot(widths[l], widths[l + 1], l == layers.length - 1 ? 0.1f : (float) Math.sqrt(2), r);
        }
        return layers;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void assertSameBits(DenseLayer[] expected, DenseLayer[] actual, String what) {
        for (int l = 0; l < expected.length; l++) {
            for (int i = 0; i < expected[l].weights().length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[l].weights()[i]), Float.floatToRawIntBits(actual[l].weights()[i]),
                        what + ": layer " + l + " weight " + i);
            }
            for (int i = 0; i < expected[l].bias().length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[l].bias()[i]), Float.floatToRawIntBits(actual[l].bias()[i]),
                        what + ": layer " + l + " bias " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theEvictionDqnStepGivesThePerCallBits(String name, ComputeBackend backend) {
        int[] widths = {12, 16, 16, 2};
        int rows = 64 * 16;
        PerCallMlp oldOnline = new PerCallMlp(backend, layers(widths, 5), rows);
        PerCallMlp oldTarget = new PerCallMlp(backend, layers(widths, 5), rows);
        Mlp online = new Mlp(backend, layers(widths, 5), rows);
        Mlp target = new Mlp(backend, layers(widths, 5), rows);
        oldTarget.blendFrom(oldOnline, 1f);
        target.blendFrom(online, 1f);
        SplittableRandom r = new SplittableRandom(11);
        float[] weights = new float[rows * 2];
        float[] grad = new float[rows * 2];
        for (int step = 0; step < 30; step++) {
            float[] x = random(r, rows * 12);
            float[] next = random(r, rows * 12);
            float[] qOld = oldTarget.forward(next, rows);
            float[] qNew = target.forward(next, rows);
            assertEquals(Arrays.toString(Arrays.copyOf(qOld, 8)), Arrays.toString(Arrays.copyOf(qNew, 8)));
            float[] targets = qOld.clone();
            for (int i = 0; i < targets.length; i++) {
                targets[i] = 0.9f * targets[i] + (float) r.nextDouble();
                weights[i] = r.nextInt(4) == 0 ? 1f : 0f;
            }
            oldOnline.forward(x, rows);
            oldOnline.zeroGrad();
            backend.huber(oldOnline.forward(x, rows), targets, weights, rows * 2, 1f, 64, oldOnline.outputGradient());
            oldOnline.backward();
            oldOnline.clipGradients(10);
            oldOnline.step(1e-3f);
            oldTarget.blendFrom(oldOnline, 0.01f);

            online.zeroGrad();
            backend.huber(online.forward(x, rows), targets, weights, rows * 2, 1f, 64, grad);
            System.arraycopy(grad, 0, online.outputGradient(), 0, grad.length);
            online.backward();
            online.clipGradients(10);
            online.step(1e-3f);
            target.blendFrom(online, 0.01f);
        }
        assertSameBits(oldOnline.layers, online.layers(), "online");
        assertSameBits(oldTarget.layers, target.layers(), "target");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theNextAccessRegressionStepGivesThePerCallBits(String name, ComputeBackend backend) {
        int[] widths = {11, 32, 32, 1};
        int rows = 128;
        PerCallMlp old = new PerCallMlp(backend, layers(widths, 6), rows);
        Mlp net = new Mlp(backend, layers(widths, 6), rows);
        SplittableRandom r = new SplittableRandom(13);
        float[] ones = new float[rows];
        Arrays.fill(ones, 1f);
        for (int step = 0; step < 40; step++) {
            float[] x = random(r, rows * 11);
            float[] y = random(r, rows);
            double oldLoss = backend.mse(old.forward(x, rows), y, ones, rows, rows, old.outputGradient());
            old.zeroGrad();
            old.backward();
            old.clipGradients(10);
            old.step(1e-3f);

            System.arraycopy(x, 0, net.input(), 0, x.length);
            double loss = net.trainMse(rows, y, ones, rows, 10, 1e-3f);
            assertEquals(Double.doubleToRawLongBits(oldLoss), Double.doubleToRawLongBits(loss), "loss of step " + step);
        }
        assertSameBits(old.layers, net.layers(), "regressor");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void lomarsBatchInOnePassGivesTheBitsOfOnePassPerDecision(String name, ComputeBackend backend) {
        int[] widths = {16, 16, 16, 1};
        PerCallMlp old = new PerCallMlp(backend, layers(widths, 7), 40);
        Mlp net = new Mlp(backend, layers(widths, 7), 40);
        SplittableRandom r = new SplittableRandom(17);
        for (int batch = 0; batch < 6; batch++) {
            int decisions = 20 + r.nextInt(20);
            int[] counts = new int[decisions];
            int total = 0;
            for (int d = 0; d < decisions; d++) {
                counts[d] = 1 + r.nextInt(40);
                total += counts[d];
            }
            float[] x = random(r, total * 16);
            float[] g = random(r, total);
            int at = 0;
            for (int d = 0; d < decisions; d++) {
                old.forward(Arrays.copyOfRange(x, at * 16, (at + counts[d]) * 16), counts[d]);
                System.arraycopy(g, at, old.outputGradient(), 0, counts[d]);
                old.backward();
                at += counts[d];
            }
            old.scaleGradients(-1f / decisions);
            old.clipGradients(1);
            old.step(0.01f);
            old.zeroGrad();

            net.reserve(total);
            System.arraycopy(x, 0, net.input(), 0, x.length);
            System.arraycopy(g, 0, net.outputGradient(), 0, total);
            net.accumulate(total);
            net.scaleGradients(-1f / decisions);
            net.clipGradients(1);
            net.step(0.01f);
            net.zeroGrad();
        }
        assertSameBits(old.layers, net.layers(), "scorer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aTpgrLevelsRowsInOnePassGiveTheBitsOfOnePassPerStep(String name, ComputeBackend backend) {
        int[] widths = {41, 12, 1};
        int branching = 42;
        PerCallMlp old = new PerCallMlp(backend, layers(widths, 8), branching);
        Mlp net = new Mlp(backend, layers(widths, 8), branching);
        SplittableRandom r = new SplittableRandom(19);
        for (int user = 0; user < 4; user++) {
            int blocks = 4 * 8;
            int[] counts = new int[blocks];
            int total = 0;
            for (int b = 0; b < blocks; b++) {
                counts[b] = 1 + r.nextInt(branching);
                total += counts[b];
            }
            float[] x = random(r, total * 41);
            float[] c = random(r, total);
            float[] scoresOld = new float[total];
            int at = 0;
            for (int b = 0; b < blocks; b++) {
                float[] s = old.forward(Arrays.copyOfRange(x, at * 41, (at + counts[b]) * 41), counts[b]);
                for (int j = 0; j < counts[b]; j++) {
                    scoresOld[at + j] = s[j];
                    old.outputGradient()[j] = c[at + j] * s[j];   // a gradient that depends on the scores
                }
                old.backward();
                at += counts[b];
            }
            old.scaleGradients(1f / blocks);
            old.addWeightDecay(1e-4f);
            old.step(1e-3f);
            old.zeroGrad();

            net.reserve(total);
            System.arraycopy(x, 0, net.input(), 0, x.length);
            float[] s = net.forward(total);
            for (int j = 0; j < total; j++) {
                assertEquals(Float.floatToRawIntBits(scoresOld[j]), Float.floatToRawIntBits(s[j]), "score " + j);
                net.outputGradient()[j] = c[j] * s[j];
            }
            net.backward();
            net.scaleGradients(1f / blocks);
            net.addWeightDecay(1e-4f);
            net.step(1e-3f);
            net.zeroGrad();
        }
        assertSameBits(old.layers, net.layers(), "level");
    }
}
