package io.reflex.trainer.nn;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.DenseLayer;
import io.reflex.compute.Mlp;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Trained layers as the engine's graph, so the graph the fast path serves is the one that was
 * trained. The exported {@link Dense} layers share the live weight arrays: export after training, or
 * copy the graph before training on.
 *
 * <p>Stateless.
 */
public final class MlpExport {

    private MlpExport() {
    }

    /** One layer as the engine's {@link Dense} (same {@code [outputs][inputs]} layout). */
    public static Dense dense(DenseLayer layer) {
        return new Dense(layer.inputs(), layer.outputs(), layer.weights(), layer.bias());
    }

    /** The network as a chain: {@code [1, inputs] → [1, outputs]}, Dense+ReLU layers then the linear last layer. */
    public static MlpGraph chain(Mlp network) {
        DenseLayer[] layers = network.layers();
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            out.add(dense(layers[l]));
            if (l < layers.length - 1) {
                out.add(Activation.RELU);
            }
        }
        return MlpGraph.chain(network.inputWidth(), out);
    }

    /** The metadata key that names the device a model was trained on (absent: the CPU). */
    public static final String DEVICE_METADATA = "reflex.device";

    /** {@code writer} with {@value #DEVICE_METADATA} when {@code backend} is not a CPU backend ({@link ComputeBackend#device()}). */
    public static OnnxModelWriter recordDevice(OnnxModelWriter writer, ComputeBackend backend) {
        return backend.device().equals(ComputeBackend.CPU) ? writer : writer.metadata(DEVICE_METADATA, backend.device());
    }
}
