package io.reflex.harness.bench;

import io.reflex.compute.ComputeBackend;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.trainer.nn.CandidateDuelingNetwork;
import io.reflex.trainer.nn.QNetwork;
import io.reflex.trainer.nn.RegressionNetwork;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Whether two compute backends train an eviction network to the same weights, on the backends'
 * resident tensors, and the exported weights compared: {@code max |a − b| / max |a|} over every weight
 * and bias. The bar for the GPU is 1e-4 after 200 steps. {@link Network#CANDIDATE}: the
 * candidate dueling network {@code 12-16-16-2} (k 16, batch 64, seed 5) takes seeded Double-DQN-shaped
 * steps (Huber on one action per state against a soft-updated target network, clipping at 10, Adam
 * 1e-3, the steps {@code EvictionNetworksGoldenTest} takes: outputs down, output gradient up).
 * {@link Network#REGRESSION}: the next-access regressor {@code 11-32-32-1} (batch 128, seed 5) takes
 * seeded whole MSE steps (rows up, loss back; clipping at 10, Adam 1e-3).
 *
 * <p>Stateless; each {@link #train} allocates its networks.
 */
public final class BackendParity {

    /** The shape trained. */
    public static final int[] WIDTHS = {12, 16, 16, 2};

    /** Which eviction network is trained. */
    public enum Network {
        CANDIDATE("12-16-16-2"),
        REGRESSION(HistoryFeatures.WIDTH + "-32-32-1");

        private final String shape;

        Network(String shape) {
            this.shape = shape;
        }

        /** The widths, input first, as the benchmarks name models. */
        public String shape() {
            return shape;
        }
    }

    /** The comparison: the two backends' devices, and how far apart their weights are. */
    public record Result(int steps, String first, String second, int parameters, double maxAbsDiff, double maxAbsWeight) {

        /** {@code maxAbsDiff / maxAbsWeight}. */
        public double relative() {
            return maxAbsWeight == 0 ? maxAbsDiff : maxAbsDiff / maxAbsWeight;
        }
    }

    private BackendParity() {
    }

    /** Trains the candidate network on both backends and compares. */
    public static Result compare(ComputeBackend first, ComputeBackend second, int steps) {
        return compare(first, second, steps, Network.CANDIDATE);
    }

    /** Trains {@code network} on both backends and compares. */
    public static Result compare(ComputeBackend first, ComputeBackend second, int steps, Network network) {
        float[] a = network == Network.CANDIDATE ? train(first, steps) : trainRegression(first, steps);
        float[] b = network == Network.CANDIDATE ? train(second, steps) : trainRegression(second, steps);
        double diff = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            max = Math.max(max, Math.abs(a[i]));
        }
        return new Result(steps, first.device(), second.device(), a.length, diff, max);
    }

    /** The network's weights and biases, layer by layer, after {@code steps} steps on {@code backend}. */
    public static float[] train(ComputeBackend backend, int steps) {
        int k = 16;
        int batch = 64;
        QNetwork online = new CandidateDuelingNetwork(backend, WIDTHS, k, batch, 5);
        QNetwork target = new CandidateDuelingNetwork(backend, WIDTHS, k, batch, 5);
        SplittableRandom r = new SplittableRandom(11);
        int width = online.inputWidth();
        float[] states = new float[batch * width];
        int[] counts = new int[batch];
        float[] targets = new float[batch * k];
        float[] weights = new float[batch * k];
        float[] grad = new float[batch * k];
        target.copyWeightsFrom(online);
        for (int step = 0; step < steps; step++) {
            for (int i = 0; i < states.length; i++) {
                states[i] = (float) r.nextDouble();
            }
            for (int s = 0; s < batch; s++) {
                counts[s] = 1 + r.nextInt(k);
            }
            float[] next = target.forward(states, batch, counts);
            Arrays.fill(weights, 0f);
            for (int s = 0; s < batch; s++) {
                int a = r.nextInt(counts[s]);
                targets[s * k + a] = (float) (r.nextDouble() - 0.5) + 0.9f * next[s * k + r.nextInt(counts[s])];
                weights[s * k + a] = 1f;
            }
            float[] q = online.forward(states, batch, counts);
            backend.huber(q, targets, weights, batch * k, 1f, batch, grad);
            online.zeroGrad();
            online.backward(grad);
            online.clipGradients(10);
            online.adamStep(1e-3f);
            target.softUpdateFrom(online, 0.01f);
        }
        return flatten(online.toGraph());
    }

    /** The next-access regressor's weights and biases, layer by layer, after {@code steps} steps on {@code backend}. */
    public static float[] trainRegression(ComputeBackend backend, int steps) {
        int batch = 128;
        int width = HistoryFeatures.WIDTH;
        RegressionNetwork net = new RegressionNetwork(backend, new int[] {width, 32, 32, 1}, batch, 5);
        SplittableRandom r = new SplittableRandom(13);
        float[] targets = new float[batch];
        for (int step = 0; step < steps; step++) {
            float[] in = net.input();
            for (int i = 0; i < batch * width; i++) {
                in[i] = (float) r.nextDouble();
            }
            for (int i = 0; i < batch; i++) {
                targets[i] = in[i * width] * 2 - in[i * width + 3] + (float) r.nextDouble() * 0.1f;
            }
            net.train(batch, targets, 1e-3f);
        }
        return flatten(net.toGraph());
    }

    /** Every dense layer's weights then bias, trunk then heads. */
    private static float[] flatten(MlpGraph graph) {
        List<Layer> layers = new ArrayList<>(graph.trunk());
        layers.addAll(graph.valueHead());
        layers.addAll(graph.advantageHead());
        int n = 0;
        for (Layer l : layers) {
            if (l instanceof Dense d) {
                n += d.weights().length + d.bias().length;
            }
        }
        float[] all = new float[n];
        int at = 0;
        for (Layer l : layers) {
            if (l instanceof Dense d) {
                System.arraycopy(d.weights(), 0, all, at, d.weights().length);
                at += d.weights().length;
                System.arraycopy(d.bias(), 0, all, at, d.bias().length);
                at += d.bias().length;
            }
        }
        return all;
    }
}
