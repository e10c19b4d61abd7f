package io.reflex.engine.onnx;

import io.reflex.engine.testing.PropertyCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded networks for tests. Every dense layer is drawn by {@link MlpGraph#randomChain}, so a seed
 * and a {@link Shape} name one network exactly, and a failing property reproduces from its report.
 */
public final class RandomGraphs {

    private RandomGraphs() {
    }

    /**
     * The shape of a generated network.
     *
     * @param seed        seeds every weight
     * @param widths      the input width, then the output width of each dense layer (2 to 5 entries);
     *                    for a dueling network the last entry is the number of Q-values
     * @param activations one per entry of {@code widths}: entry 0 is applied to the input (left out
     *                    when it is the identity), entry {@code l} follows dense layer {@code l}
     *                    (identities are kept as explicit layers); a dueling network uses the last
     *                    entry between the two layers of each head, when the heads have a hidden layer
     * @param dueling     whether the last dense layer is replaced by a value and an advantage head
     * @param headHidden  0 for single-layer heads (the fast path combines them into one layer), else the width of a
     *                    hidden layer in each head (the fast path evaluates the heads separately)
     */
    public record Shape(long seed, List<Integer> widths, List<Activation> activations, boolean dueling, int headHidden) {

        public Shape {
            widths = List.copyOf(widths);
            activations = List.copyOf(activations);
            if (widths.size() < 2 || activations.size() != widths.size()) {
                throw new IllegalArgumentException("need >= 2 widths and one activation per width");
            }
        }

        public MlpGraph build() {
            SplittableRandom seeds = new SplittableRandom(seed);
            int layers = widths.size() - 1;
            int denseInTrunk = dueling ? layers - 1 : layers;
            List<Layer> trunk = new ArrayList<>();
            if (activations.getFirst().kind() != Activation.Kind.IDENTITY) {
                trunk.add(activations.getFirst());
            }
            for (int l = 1; l <= denseInTrunk; l++) {
                trunk.add(dense(seeds.nextLong(), widths.get(l - 1), widths.get(l)));
                trunk.add(activations.get(l));
            }
            if (!dueling) {
                return MlpGraph.chain(widths.getFirst(), trunk);
            }
            int t = widths.get(denseInTrunk);
            int q = widths.getLast();
            Activation headActivation = activations.getLast();
            List<Layer> value = head(seeds, t, 1, headActivation);
            List<Layer> advantage = head(seeds, t, q, headActivation);
            return MlpGraph.dueling(widths.getFirst(), trunk, value, advantage);
        }

        private List<Layer> head(SplittableRandom seeds, int in, int out, Activation between) {
            if (headHidden == 0) {
                return List.of(dense(seeds.nextLong(), in, out));
            }
            return List.of(dense(seeds.nextLong(), in, headHidden), between, dense(seeds.nextLong(), headHidden, out));
        }
    }

    /**
     * A generated shape for the property tests: any seed, 2 to 5 widths from 1 to {@code maxWidth}
     * (so 1 to 4 dense layers), any activations (a leaky ReLU's slope from 0.001 to 0.5, to four
     * decimal places), a plain chain or dueling heads, and heads with no hidden layer or one from 1 to
     * {@code maxWidth} wide.
     */
    public static Shape shape(PropertyCheck.Gen g, int maxWidth) {
        long seed = g.anyLong();
        List<Integer> widths = g.list(2, 5, x -> x.ints(1, maxWidth));
        List<Activation> activations = g.list(5, 5, RandomGraphs::activation);
        boolean dueling = g.of(false, true);
        int headHidden = g.oneOf(x -> 0, x -> x.ints(1, maxWidth));
        return new Shape(seed, widths, activations.subList(0, widths.size()), dueling, headHidden);
    }

    private static Activation activation(PropertyCheck.Gen g) {
        return g.oneOf(x -> x.of(Activation.IDENTITY, Activation.RELU, Activation.TANH, Activation.SIGMOID),
                x -> Activation.leakyRelu(x.floats(0.001f, 0.5f, 4)));
    }

    /** One dense layer {@code in -> out}, Glorot-uniform weights and small biases drawn from {@code seed}. */
    public static Dense dense(long seed, int in, int out) {
        return (Dense) MlpGraph.randomChain(seed, Activation.IDENTITY, in, out).trunk().getFirst();
    }

    /** {@code rows * width} inputs drawn from {@code seed}, Gaussian with standard deviation 2 (saturates tanh and sigmoid). */
    public static float[] inputs(long seed, int rows, int width) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 2.0);
        }
        return x;
    }
}
