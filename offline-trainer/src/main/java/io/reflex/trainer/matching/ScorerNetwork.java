package io.reflex.trainer.matching;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.DenseLayer;
import io.reflex.compute.Mlp;
import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.nn.MlpExport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainer's per-candidate scoring MLP ({@code 16 → h₁ → … → 1}, ReLU between layers), an
 * {@link Mlp} on the shared training arithmetic ({@code io.reflex.compute}): forward passes over a
 * decision's candidate rows, the gradient of a whole batch of episodes in one pass over all their
 * decisions' rows ({@link #accumulate}), then one clipped Adam step that ascends the objective. {@link #export} writes it as ONNX with {@link OnnxModelWriter}
 * (golden pairs in the metadata) for the engine's {@code OnnxCandidateScorer}.
 *
 * <p>Not thread-safe (the network keeps the last forward pass's activations); allocates in its
 * constructor and when a batch needs more rows than any before ({@link #batchInput}).
 */
public final class ScorerNetwork {

    private final int[] widths;
    private final Mlp network;

    private ScorerNetwork(ComputeBackend backend, int[] widths, int maxRows, SplittableRandom random) {
        this.widths = widths.clone();
        DenseLayer[] layers = new DenseLayer[widths.length - 1];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = DenseLayer.glorot(widths[l], widths[l + 1], 1f, random);
        }
        this.network = new Mlp(backend, layers, maxRows);
    }

    /**
     * A network with Glorot-uniform weights from {@code seed} and zero biases, for decisions of at most
     * {@code maxRows} candidate rows, computing on {@code backend}.
     *
     * @param hidden the hidden widths, e.g. {@code 16, 16}; the input is {@value CandidateFeatures#COUNT}
     *               features and the output one score
     */
    public static ScorerNetwork create(ComputeBackend backend, long seed, int maxRows, int[] hidden) {
        int[] widths = new int[hidden.length + 2];
        widths[0] = CandidateFeatures.COUNT;
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1 || hidden[i] > 4096) {
                throw new IllegalArgumentException("hidden width must be in [1, 4096], got " + hidden[i]);
            }
            widths[i + 1] = hidden[i];
        }
        widths[widths.length - 1] = 1;
        return new ScorerNetwork(backend, widths, maxRows, new SplittableRandom(seed));
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
     * The scores of {@code count} rows of {@value CandidateFeatures#COUNT} features from {@code rows};
     * returns the network's buffer ({@code count} valid), overwritten by the next call. The
     * activations are kept for {@link #backward}.
     */
    public float[] forward(float[] rows, int count) {
        return network.forward(rows, count);
    }

    /** Where to write {@code ∂objective/∂score} of each row of the batch, before {@link #accumulate}. */
    public float[] scoreGradient() {
        return network.outputGradient();
    }

    /**
     * The input's host view for a batch of {@code rows} rows ({@code rows × }{@value CandidateFeatures#COUNT}),
     * grown when needed: write the rows, their {@link #scoreGradient()}, then {@link #accumulate}. Fetch
     * {@code scoreGradient()} after this call (growing replaces the buffers).
     */
    public float[] batchInput(int rows) {
        network.reserve(rows);
        return network.input();
    }

    /**
     * Adds {@code Σ_rows scoreGradient[r] · ∂score_r/∂θ} over the first {@code rows} rows of
     * {@link #batchInput} to the accumulated gradient: one forward and one backward pass for the batch.
     */
    public void accumulate(int rows) {
        network.accumulate(rows);
    }

    /** The live layers (for gradient checks in tests). */
    DenseLayer[] layers() {
        return network.layers();
    }

    /**
     * One Adam step that <em>increases</em> the objective whose gradient was accumulated (scaled by
     * {@code 1 / scale}, and clipped to global norm {@code maxNorm}), then clears the gradient.
     */
    public void ascend(double learningRate, double scale, double maxNorm) {
        network.scaleGradients((float) (-1 / scale));   // Adam minimises: descend the negative objective
        network.clipGradients(maxNorm);
        network.step((float) learningRate);
        network.zeroGrad();
    }

    /** The network as an {@link MlpGraph} (its live weights: export when training is over). */
    public MlpGraph toMlpGraph() {
        return MlpExport.chain(network);
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
