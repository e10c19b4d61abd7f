package io.reflex.engine.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OnnxModel} checks a model's structure and weights without running it. (Files that are
 * missing, empty, corrupt or truncated are covered where users meet them, through
 * {@code PolicyLoader}.)
 */
class OnnxModelStructureTest {

    private static final Path FILE = Path.of("models", "policy.onnx");

    @Test
    void refusesANodeThatReadsAValueNothingDefinesNamingNodeAndValue() throws Exception {
        ModelProto good = ModelProto.parseFrom(
                OnnxModelWriter.of(MlpGraph.randomChain(1, Activation.RELU, 6, 4, 2)).toBytes());
        NodeProto first = good.getGraph().getNode(0);
        ModelProto.Builder broken = good.toBuilder();
        broken.getGraphBuilder().setNode(0, first.toBuilder().setInput(0, "nowhere"));

        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> OnnxModel.parse(FILE, broken.build().toByteArray()));

        assertEquals(FILE, e.file());
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        assertTrue(e.problem().contains("'" + first.getName() + "'") && e.problem().contains("'nowhere'"), e.problem());
    }

    @Test
    void refusesAModelWithoutNodes() throws Exception {
        ModelProto good = ModelProto.parseFrom(
                OnnxModelWriter.of(MlpGraph.randomChain(2, Activation.RELU, 6, 2)).toBytes());
        ModelProto.Builder empty = good.toBuilder();
        empty.getGraphBuilder().clearNode();

        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> OnnxModel.parse(FILE, empty.build().toByteArray()));

        assertTrue(e.problem().contains("without nodes"), e.problem());
    }

    @Test
    void refusesAnInfiniteBiasNamingTheInitializerAndElement() {
        Dense clean = RandomGraphs.dense(3, 4, 3);
        float[] bias = clean.bias();
        bias[2] = Float.NEGATIVE_INFINITY;
        MlpGraph graph = MlpGraph.chain(4, List.of(new Dense(4, 3, clean.weights(), bias)));
        OnnxModel model = OnnxModel.parse(FILE, OnnxModelWriter.of(graph).toBytes());

        ModelLoadException e = assertThrows(ModelLoadException.class, model::requireFiniteWeights);

        assertTrue(e.problem().contains("'trunk_dense0_b'"), e.problem());
        assertTrue(e.problem().contains("-Infinity") && e.problem().contains("element 2"), e.problem());
    }

    @Test
    void acceptsFiniteWeightsStoredAsFloatDataRatherThanRawBytes() {
        OnnxModel model = OnnxModel.parse(FILE, HandBuiltModels.gemmThenSoftmax(RandomGraphs.dense(4, 7, 3)));

        assertDoesNotThrow(model::requireFiniteWeights);
    }
}
