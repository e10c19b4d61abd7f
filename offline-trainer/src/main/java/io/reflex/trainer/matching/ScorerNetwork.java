package io.reflex.trainer.matching;

import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainer's copy of the per-candidate scoring MLP ({@code 16 → h₁ → … → 1}, ReLU between
 * layers): plain-Java double-precision forward and backward passes, gradient accumulation, global
 * norm clipping and Adam. {@link #export} writes it as ONNX with {@link OnnxModelWriter} (float
 * weights, golden pairs in the metadata) for the engine's {@code OnnxCandidateScorer}.
 *
 * <p>Not thread-safe (it keeps scratch activations and gradients); allocates only in its
 * constructor.
 */
public final class ScorerNetwork {

    private final int[] widths;
    /** Per layer, transposed: {@code [in][out]}, so the forward and gradient loops run over outputs (vectorisable). */
    private final double[][] weightsT;
    private final double[][] biases;
    private final double[][] weightGrads;
    private final double[][] biasGrads;
    private final double[][] weightM;
    private final double[][] weightV;
    private final double[][] biasM;
    private final double[][] biasV;
    private final double[][] deltas;
    private final int cacheWidth;
    private long adamSteps;

    private ScorerNetwork(int[] widths, SplittableRandom random) {
        this.widths = widths.clone();
        int layers = widths.length - 1;
        weightsT = new double[layers][];
        biases = new double[layers][];
        weightGrads = new double[layers][];
        biasGrads = new double[layers][];
        weightM = new double[layers][];
        weightV = new double[layers][];
        biasM = new double[layers][];
        biasV = new double[layers][];
        deltas = new double[layers][];
        int cache = 0;
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            weightsT[l] = new double[in * out];
            double limit = Math.sqrt(6.0 / (in + out));
            for (int i = 0; i < weightsT[l].length; i++) {
                weightsT[l][i] = (random.nextDouble() * 2 - 1) * limit;
            }
            biases[l] = new double[out];
            weightGrads[l] = new double[in * out];
            biasGrads[l] = new double[out];
            weightM[l] = new double[in * out];
            weightV[l] = new double[in * out];
            biasM[l] = new double[out];
            biasV[l] = new double[out];
            deltas[l] = new double[out];
            cache += in;
        }
        this.cacheWidth = cache + 1;
    }

    /**
     * A network with Glorot-uniform weights from {@code seed} and zero biases.
     *
     * @param hidden the hidden widths, e.g. {@code 16, 16}; the input is {@value CandidateFeatures#COUNT}
     *               features and the output one score
     */
    public static ScorerNetwork initialised(long seed, int... hidden) {
        int[] widths = new int[hidden.length + 2];
        widths[0] = CandidateFeatures.COUNT;
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1 || hidden[i] > 4096) {
                throw new IllegalArgumentException("hidden width must be in [1, 4096], got " + hidden[i]);
            }
            widths[i + 1] = hidden[i];
        }
        widths[widths.length - 1] = 1;
        return new ScorerNetwork(widths, new SplittableRandom(seed));
    }

    /** Layer widths, input first, e.g. {@code [16, 16, 16, 1]}. */
    public int[] widths() {
        return widths.clone();
    }

    /** The widths as the benchmarks name models, e.g. {@code 16-16-16-1}. */
    public String layerName() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            s.append(i == 0 ? "" : "-").append(widths[i]);
        }
        return s.toString();
    }

    /**
     * Doubles one row's forward pass needs to keep for {@link #accumulate}: every layer's input, and
     * the score.
     */
    public int cacheWidth() {
        return cacheWidth;
    }

    /**
     * The score of the row of {@value CandidateFeatures#COUNT} features at {@code offset}. Every
     * layer's input (the features, then each hidden layer's ReLU output) and the score are written to
     * {@code cache} at {@code cacheOffset} ({@link #cacheWidth()} doubles), for {@link #accumulate}.
     */
    public double score(float[] rows, int offset, double[] cache, int cacheOffset) {
        int width = widths[0];
        for (int i = 0; i < width; i++) {
            cache[cacheOffset + i] = rows[offset + i];
        }
        int layers = weightsT.length;
        int in = cacheOffset;
        for (int l = 0; l < layers; l++) {
            int n = widths[l];
            int m = widths[l + 1];
            int out = in + n;
            double[] w = weightsT[l];
            System.arraycopy(biases[l], 0, cache, out, m);
            for (int i = 0, wi = 0; i < n; i++, wi += m) {
                double x = cache[in + i];
                if (x != 0) {
                    for (int o = 0; o < m; o++) {
                        cache[out + o] += w[wi + o] * x;
                    }
                }
            }
            if (l < layers - 1) {
                for (int o = 0; o < m; o++) {
                    if (cache[out + o] < 0) {
                        cache[out + o] = 0;
                    }
                }
            }
            in = out;
        }
        return cache[in];
    }

    /**
     * Adds {@code upstream · ∂score/∂θ} for a row scored into {@code cache} at {@code cacheOffset} to
     * the accumulated gradient.
     */
    public void accumulate(double[] cache, int cacheOffset, double upstream) {
        if (upstream == 0) {
            return;
        }
        int last = weightsT.length - 1;
        deltas[last][0] = upstream;
        // Offsets of each layer's input in the cache.
        int in = cacheOffset + cacheWidth - 1;
        for (int l = last; l >= 0; l--) {
            int n = widths[l];
            int m = widths[l + 1];
            in -= n;
            double[] delta = deltas[l];
            double[] gw = weightGrads[l];
            double[] gb = biasGrads[l];
            for (int o = 0; o < m; o++) {
                gb[o] += delta[o];
            }
            for (int i = 0, wi = 0; i < n; i++, wi += m) {
                double x = cache[in + i];
                if (x != 0) {
                    for (int o = 0; o < m; o++) {
                        gw[wi + o] += delta[o] * x;
                    }
                }
            }
            if (l > 0) {
                double[] below = deltas[l - 1];
                double[] w = weightsT[l];
                for (int i = 0, wi = 0; i < n; i++, wi += m) {
                    if (cache[in + i] <= 0) {   // ReLU: no gradient where the unit was off
                        below[i] = 0;
                        continue;
                    }
                    double s = 0;
                    for (int o = 0; o < m; o++) {
                        s += delta[o] * w[wi + o];
                    }
                    below[i] = s;
                }
            }
        }
    }

    /** The live parameter arrays, layer by layer (transposed weights, then biases): for gradient checks in tests. */
    List<double[]> parameters() {
        List<double[]> p = new ArrayList<>();
        for (int l = 0; l < weightsT.length; l++) {
            p.add(weightsT[l]);
            p.add(biases[l]);
        }
        return p;
    }

    /** The live accumulated gradients, in {@link #parameters()}'s order. */
    List<double[]> gradients() {
        List<double[]> g = new ArrayList<>();
        for (int l = 0; l < weightsT.length; l++) {
            g.add(weightGrads[l]);
            g.add(biasGrads[l]);
        }
        return g;
    }

    /**
     * One Adam step that <em>increases</em> the objective whose gradient was accumulated (scaled by
     * {@code 1 / scale}, and clipped to global norm {@code maxNorm}), then clears the gradient.
     */
    public void ascend(double learningRate, double scale, double maxNorm) {
        double norm = 0;
        for (int l = 0; l < weightsT.length; l++) {
            for (double g : weightGrads[l]) {
                norm += (g / scale) * (g / scale);
            }
            for (double g : biasGrads[l]) {
                norm += (g / scale) * (g / scale);
            }
        }
        norm = Math.sqrt(norm);
        double factor = (norm > maxNorm ? maxNorm / norm : 1) / scale;
        adamSteps++;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double c1 = 1 - Math.pow(beta1, adamSteps);
        double c2 = 1 - Math.pow(beta2, adamSteps);
        for (int l = 0; l < weightsT.length; l++) {
            adam(weightsT[l], weightGrads[l], weightM[l], weightV[l], factor, learningRate, beta1, beta2, c1, c2);
            adam(biases[l], biasGrads[l], biasM[l], biasV[l], factor, learningRate, beta1, beta2, c1, c2);
        }
    }

    private static void adam(double[] p, double[] g, double[] m, double[] v, double factor, double lr,
                             double beta1, double beta2, double c1, double c2) {
        for (int i = 0; i < p.length; i++) {
            double gi = -g[i] * factor;     // minimise the negative objective
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
            g[i] = 0;
        }
    }

    /** The network as an {@link MlpGraph} (float weights, {@link Dense}'s {@code [out][in]} layout). */
    public MlpGraph toMlpGraph() {
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < weightsT.length; l++) {
            int n = widths[l];
            int m = widths[l + 1];
            float[] w = new float[n * m];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < m; o++) {
                    w[o * n + i] = (float) weightsT[l][i * m + o];
                }
            }
            float[] b = new float[m];
            for (int o = 0; o < m; o++) {
                b[o] = (float) biases[l][o];
            }
            layers.add(new Dense(n, m, w, b));
            if (l < weightsT.length - 1) {
                layers.add(Activation.RELU);
            }
        }
        return MlpGraph.chain(widths[0], layers);
    }

    /**
     * Writes the network to {@code file} as ONNX ({@code features [batch, 16] -> score [batch, 1]}),
     * with golden pairs computed here on {@code goldenRows} rows of {@code goldenInputs}, so a load
     * that does not reproduce this network's scores is refused.
     */
    public void export(Path file, float[] goldenInputs, int goldenRows) {
        MlpGraph graph = toMlpGraph();
        List<float[]> in = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        int width = widths[0];
        for (int r = 0; r < goldenRows; r++) {
            float[] row = Arrays.copyOfRange(goldenInputs, r * width, (r + 1) * width);
            in.add(row);
            out.add(new float[] {(float) evaluate(graph, row)});
        }
        OnnxModelWriter writer = OnnxModelWriter.of(graph).inputName("features").outputName("score")
                .producer("reflex-matching-trainer").metadata("reflex.features", String.join(",", CandidateFeatures.NAMES));
        if (goldenRows > 0) {
            writer.golden(new GoldenPairs(in, out));
        }
        writer.write(file);
    }

    /** A plain double-precision evaluation of {@code graph}'s (float) weights on one row: the golden outputs. */
    static double evaluate(MlpGraph graph, float[] row) {
        double[] x = new double[row.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = row[i];
        }
        for (Layer layer : graph.trunk()) {
            if (layer instanceof Dense d) {
                double[] y = new double[d.outputs()];
                float[] b = d.bias();
                for (int o = 0; o < y.length; o++) {
                    double s = b[o];
                    for (int i = 0; i < d.inputs(); i++) {
                        s += (double) d.weight(o, i) * x[i];
                    }
                    y[o] = s;
                }
                x = y;
            } else if (layer instanceof Activation a) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = a.kind() == Activation.Kind.RELU ? Math.max(0, x[i]) : a.apply((float) x[i]);
                }
            }
        }
        return x[0];
    }
}
