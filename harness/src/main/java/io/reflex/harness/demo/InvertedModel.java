package io.reflex.harness.demo;

import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.UnsupportedGraphException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately bad eviction model: a trained next-access network with its output negated, so it
 * evicts the objects it predicts will come back soonest. It keeps the trained model's contract
 * (schema, K, candidates, admission) and passes every load check (its golden pairs are negated
 * too): a bad deploy the engine cannot tell from a good one, which only the floor catches.
 * Stateless.
 */
final class InvertedModel {

    /** The next-access network's input and output names, as the trainer exports them. */
    private static final String INPUT = "rows";
    private static final String OUTPUT = "next";

    private InvertedModel() {
    }

    static void write(Path trained, Path out) throws UnsupportedGraphException {
        OnnxModel model = OnnxModel.read(trained);
        MlpGraph graph = model.toMlpGraph(OUTPUT);
        List<Layer> layers = new ArrayList<>(graph.trunk());
        int last = layers.size() - 1;
        while (!(layers.get(last) instanceof Dense)) {
            last--;
        }
        Dense d = (Dense) layers.get(last);
        float[] w = d.weights().clone();
        float[] b = d.bias().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = -w[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = -b[i];
        }
        layers.set(last, new Dense(d.inputs(), d.outputs(), w, b));
        OnnxModelWriter writer = OnnxModelWriter.of(MlpGraph.chain(graph.inputWidth(), layers)).inputName(INPUT)
                .outputName(OUTPUT).fixedBatch(1).producer("reflex-adapt-demo (inverted)");
        for (Map.Entry<String, String> e : new TreeMap<>(model.metadata()).entrySet()) {
            if (e.getKey().equals(GoldenPairs.METADATA_KEY)) {
                GoldenPairs g = GoldenPairs.decode(e.getValue());
                List<float[]> negated = new ArrayList<>();
                for (float[] o : g.outputs()) {
                    float[] n = new float[o.length];
                    for (int i = 0; i < o.length; i++) {
                        n[i] = -o[i];
                    }
                    negated.add(n);
                }
                writer = writer.golden(new GoldenPairs(g.inputs(), negated));
            } else {
                writer = writer.metadata(e.getKey(), e.getValue());
            }
        }
        writer.write(out);
    }
}
