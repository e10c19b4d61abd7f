package io.reflex.trainer.nn;

import io.reflex.compute.Adam;
import io.reflex.compute.ComputeBackend;
import io.reflex.compute.DenseLayer;
import io.reflex.compute.HostTensorBackend;
import io.reflex.compute.Parameters;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A dueling Q-network, {@code Q(s, a) = V(s) + A(s, a) − mean_a A(s, a)}: a ReLU trunk of dense
 * layers, then a value head (one dense layer to width 1) and an advantage head (one dense layer to
 * the action count), both fed by the trunk's last layer. Widths are named as the engine's
 * benchmarks name them: {@code 96-64-64-17} is a 96-wide input, two 64-wide hidden layers, and
 * 1 + 16 outputs (16 Q-values). This is exactly the graph {@link MlpGraph#dueling} describes, so
 * {@link #toGraph()} exports it for the engine's fast path without any conversion.
 *
 * <p>All arithmetic goes through a {@link ComputeBackend}. The network keeps its activations from
 * the last {@link #forward} for {@link #backward}, in buffers sized once for {@code maxRows} rows.
 *
 * <p>Not thread-safe: one thread trains it. Allocates only at construction.
 */
public final class DuelingNetwork implements QNetwork {

    private final ComputeBackend backend;
    private final int inputWidth;
    private final int actions;
    private final int maxRows;
    private final DenseLayer[] trunk;
    private final DenseLayer value;
    private final DenseLayer advantage;
    private final float[][] activations;   // activations[0] = input copy, [l+1] after trunk layer l
    private final float[][] activationGrads;
    private final float[] valueOut;
    private final float[] advantageOut;
    private final float[] q;
    private final float[] valueGrad;
    private final float[] advantageGrad;
    private final float[] headInputGrad;
    private final Parameters parameters;
    private final Adam adam;
    private int rows;

    /**
     * @param backend the arithmetic
     * @param widths  input, hidden widths, then {@code 1 + actions} (e.g. 96, 64, 64, 17)
     * @param maxRows largest batch {@link #forward} will see
     * @param seed    seed of the initial weights
     */
    public DuelingNetwork(ComputeBackend backend, int[] widths, int maxRows, long seed) {
        if (widths.length < 3) {
            throw new IllegalArgumentException("a dueling network needs an input, at least one hidden width and 1 + actions,"
                    + " got " + Arrays.toString(widths));
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive, got " + Arrays.toString(widths));
            }
        }
        if (widths[widths.length - 1] < 2) {
            throw new IllegalArgumentException("the last width is 1 + actions, at least 2, got " + widths[widths.length - 1]);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.backend = backend;
        this.inputWidth = widths[0];
        this.actions = widths[widths.length - 1] - 1;
        this.maxRows = maxRows;
        SplittableRandom random = new SplittableRandom(seed);
        int hidden = widths.length - 2;
        trunk = new DenseLayer[hidden];
        activations = new float[hidden + 1][];
        activationGrads = new float[hidden + 1][];
        activations[0] = new float[maxRows * inputWidth];
        activationGrads[0] = new float[maxRows * inputWidth];
        for (int l = 0; l < hidden; l++) {
            trunk[l] = DenseLayer.glorot(widths[l], widths[l + 1], (float) Math.sqrt(2), random);
            activations[l + 1] = new float[maxRows * widths[l + 1]];
            activationGrads[l + 1] = new float[maxRows * widths[l + 1]];
        }
        int last = widths[hidden];
        value = DenseLayer.glorot(last, 1, 1f, random);
        advantage = DenseLayer.glorot(last, actions, 0.1f, random);
        valueOut = new float[maxRows];
        advantageOut = new float[maxRows * actions];
        q = new float[maxRows * actions];
        valueGrad = new float[maxRows];
        advantageGrad = new float[maxRows * actions];
        headInputGrad = new float[maxRows * last];
        // host tensors over the layers' arrays: this network's heads combine on the host, so it keeps the
        // array path (on a GPU, each call copies its operands) rather than Mlp's resident one
        HostTensorBackend onHost = new HostTensorBackend(backend);
        parameters = new Parameters(onHost, layers());
        adam = new Adam(onHost, parameters);
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int actions() {
        return actions;
    }

    public int maxRows() {
        return maxRows;
    }

    /**
     * Q-values of {@code rows} input rows ({@code rows × inputWidth} from {@code input}); the
     * returned array is the network's own buffer ({@code rows × actions} valid), overwritten by the
     * next call.
     */
    @Override
    public float[] forward(float[] states, int rows, int[] counts) {
        return forward(states, rows);
    }

    /** As {@link #forward(float[], int, int[])}: this network scores every slot, real or not. */
    public float[] forward(float[] input, int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
        this.rows = rows;
        System.arraycopy(input, 0, activations[0], 0, rows * inputWidth);
        for (int l = 0; l < trunk.length; l++) {
            DenseLayer p = trunk[l];
            backend.denseForward(activations[l], rows, p.inputs(), p.weights(), p.bias(), p.outputs(), activations[l + 1]);
            backend.reluForward(activations[l + 1], rows * p.outputs(), activations[l + 1]);
        }
        float[] h = activations[trunk.length];
        backend.denseForward(h, rows, value.inputs(), value.weights(), value.bias(), 1, valueOut);
        backend.denseForward(h, rows, advantage.inputs(), advantage.weights(), advantage.bias(), actions, advantageOut);
        for (int r = 0; r < rows; r++) {
            float mean = 0f;
            for (int a = 0; a < actions; a++) {
                mean += advantageOut[r * actions + a];
            }
            mean /= actions;
            for (int a = 0; a < actions; a++) {
                q[r * actions + a] = valueOut[r] + advantageOut[r * actions + a] - mean;
            }
        }
        return q;
    }

    /** Clears every parameter gradient. */
    @Override
    public void zeroGrad() {
        parameters.zeroGrad();
    }

    /**
     * Accumulates parameter gradients for the loss gradient {@code qGrad} ({@code rows × actions},
     * with respect to the Q-values of the last {@link #forward}).
     */
    @Override
    public void backward(float[] qGrad) {
        int last = value.inputs();
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int a = 0; a < actions; a++) {
                sum += qGrad[r * actions + a];
            }
            valueGrad[r] = sum;
            float mean = sum / actions;
            for (int a = 0; a < actions; a++) {
                advantageGrad[r * actions + a] = qGrad[r * actions + a] - mean;
            }
        }
        float[] h = activations[trunk.length];
        float[] dh = activationGrads[trunk.length];
        backend.denseBackward(h, rows, last, value.weights(), 1, valueGrad, value.weightGrad(), value.biasGrad(), dh);
        backend.denseBackward(h, rows, last, advantage.weights(), actions, advantageGrad, advantage.weightGrad(),
                advantage.biasGrad(), headInputGrad);
        for (int i = 0; i < rows * last; i++) {
            dh[i] += headInputGrad[i];
        }
        for (int l = trunk.length - 1; l >= 0; l--) {
            DenseLayer p = trunk[l];
            backend.reluBackward(activations[l + 1], rows * p.outputs(), activationGrads[l + 1]);
            backend.denseBackward(activations[l], rows, p.inputs(), p.weights(), p.outputs(), activationGrads[l + 1],
                    p.weightGrad(), p.biasGrad(), l == 0 ? null : activationGrads[l]);
        }
    }

    /** Scales the gradients so that their global L2 norm is at most {@code maxNorm}; returns the norm before. */
    @Override
    public double clipGradients(double maxNorm) {
        return parameters.clipGradients(maxNorm);
    }

    /** One Adam step on every parameter with the accumulated gradients. */
    @Override
    public void adamStep(float learningRate) {
        adam.step(learningRate);
    }

    /** Makes this network's weights equal to {@code source}'s (same shape). */
    @Override
    public void copyWeightsFrom(QNetwork source) {
        parameters.blendFrom(((DuelingNetwork) source).parameters, 1f);
    }

    /** Polyak averaging: {@code θ ← θ + τ (θ_source − θ)}. */
    @Override
    public void softUpdateFrom(QNetwork source, float tau) {
        parameters.blendFrom(((DuelingNetwork) source).parameters, tau);
    }

    /** Number of trainable parameters. */
    @Override
    public int parameterCount() {
        return DenseLayer.parameterCount(layers());
    }

    /** The network as the engine's graph: trunk Dense+ReLU layers, value head, advantage head. */
    @Override
    public MlpGraph toGraph() {
        List<Layer> layers = new ArrayList<>();
        for (DenseLayer p : trunk) {
            layers.add(MlpExport.dense(p));
            layers.add(Activation.RELU);
        }
        return MlpGraph.dueling(inputWidth, layers, List.of(MlpExport.dense(value)), List.of(MlpExport.dense(advantage)));
    }

    /** Parameter access for gradient checks: layer {@code l} in trunk order, then value, then advantage. */
    DenseLayer[] layers() {
        DenseLayer[] all = Arrays.copyOf(trunk, trunk.length + 2);
        all[trunk.length] = value;
        all[trunk.length + 1] = advantage;
        return all;
    }
}
