package io.reflex.engine.onnx;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link OnnxModelWriter} writes, {@link OnnxModel#read} and {@link OnnxModel#toMlpGraph} read
 * back unchanged: the same layers with bit-identical weights ({@link Dense} compares its arrays by
 * value), in the {@code Gemm} form and in the {@code MatMul}+{@code Add} form exporters use.
 */
class WrittenGraphsReadBackTest {

    @TempDir
    Path dir;

    static Stream<Arguments> graphs() {
        Map<String, MlpGraph> graphs = Map.of(
                "chain 32-64-64-8 relu", MlpGraph.randomChain(1, Activation.RELU, 32, 64, 64, 8),
                "chain 32-64-64-8 leaky relu", MlpGraph.randomChain(2, Activation.leakyRelu(0.2f), 32, 64, 64, 8),
                "chain 128-256-256-16 tanh", MlpGraph.randomChain(3, Activation.TANH, 128, 256, 256, 16),
                "chain 5-3 sigmoid (no hidden layer)", MlpGraph.randomChain(4, Activation.SIGMOID, 5, 3),
                "dueling 96-128-128-17", MlpGraph.randomDueling(5, 96, 128, 128, 17),
                "dueling 128-256-256-16", MlpGraph.randomDueling(6, 128, 256, 256, 16),
                "dueling 10-4 (no trunk)", MlpGraph.randomDueling(7, 10, 4));
        return graphs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .flatMap(e -> Stream.of(Arguments.of(e.getKey(), e.getValue(), false),
                        Arguments.of(e.getKey(), e.getValue(), true)));
    }

    @ParameterizedTest(name = "{0}, MatMul+Add: {2}")
    @MethodSource("graphs")
    void readsBackTheGraphItWroteLayerForLayer(String name, MlpGraph graph, boolean matMulAdd) throws Exception {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(graph).matMulAdd(matMulAdd).write(file);

        MlpGraph read = OnnxModel.read(file).toMlpGraph("output");

        assertEquals(graph, read);
        assertEquals(graph.layerName(), read.layerName());
    }

    @Test
    void anyGeneratedGraphReadsBackAsItsLayersWithoutTheIdentities() {
        PropertyCheck.tries(200).forAll(
                g -> new NetworkCase(RandomGraphs.shape(g, 40), g.bool()),
                NetworkCase::check);
    }

    /** A generated network of widths 1 to 40, written in the {@code Gemm} or the {@code MatMul}+{@code Add} form. */
    private record NetworkCase(RandomGraphs.Shape shape, boolean matMulAdd) {
        void check() throws Exception {
            MlpGraph graph = shape.build();
            byte[] bytes = OnnxModelWriter.of(graph).matMulAdd(matMulAdd).toBytes();

            MlpGraph read = OnnxModel.parse(Path.of("generated.onnx"), bytes).toMlpGraph("output");

            // An Identity node computes nothing, so the reader drops it.
            assertEquals(withoutIdentities(graph), read);
        }
    }

    @Test
    void readsTheDeclaredNamesShapesAndMetadata() {
        MlpGraph graph = MlpGraph.randomDueling(8, 96, 128, 17);
        Path fixed = dir.resolve("fixed.onnx");
        Path dynamic = dir.resolve("dynamic.onnx");
        OnnxModelWriter.of(graph).inputName("obs").outputName("q").fixedBatch(4)
                .producer("test").metadata("reflex.reward", "latency").write(fixed);
        OnnxModelWriter.of(graph).write(dynamic);

        OnnxModel f = OnnxModel.read(fixed);
        assertEquals(List.of(TensorSpec.of("obs", 4, 96)), f.inputs());
        assertEquals(List.of(TensorSpec.of("q", 4, 16)), f.outputs());
        assertEquals(Map.of("reflex.reward", "latency"), f.metadata());
        assertEquals(OnnxModelWriter.OPSET, f.opset());
        assertEquals(fixed, f.file());

        OnnxModel d = OnnxModel.read(dynamic);
        TensorSpec in = d.inputs().getFirst();
        assertArrayEquals(new long[] {-1, 96}, in.shape());
        assertEquals("[batch,96]", in.shapeString());
        assertEquals(96, in.rowWidth());
        assertEquals(TensorSpec.of("input", 4, 96), in.bind(4));
        assertTrue(d.golden().isEmpty());
    }

    @Test
    void keepsTheBytesItReadAndHandsOutCopies() throws Exception {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(9, Activation.RELU, 4, 3)).write(file);
        OnnxModel model = OnnxModel.read(file);

        byte[] copy = model.toBytes();
        copy[0] ^= 0x7f;

        assertArrayEquals(Files.readAllBytes(file), model.toBytes());
    }

    @Test
    void refusesToExtractAGraphWithAnOperatorOutsideTheFastPathNamingTheNode() {
        byte[] bytes = HandBuiltModels.gemmThenSoftmax(RandomGraphs.dense(10, 12, 5));
        OnnxModel model = OnnxModel.parse(Path.of("softmax.onnx"), bytes);

        UnsupportedGraphException e = assertThrows(UnsupportedGraphException.class, () -> model.toMlpGraph("probs"));

        assertTrue(e.getMessage().contains("'" + HandBuiltModels.SOFTMAX_NODE + "' (Softmax)"), e.getMessage());
    }

    @Test
    void refusesToExtractAValueThatTheInputDoesNotCompute() {
        byte[] bytes = HandBuiltModels.gemmThenSoftmax(RandomGraphs.dense(11, 12, 5));
        OnnxModel model = OnnxModel.parse(Path.of("softmax.onnx"), bytes);

        UnsupportedGraphException e = assertThrows(UnsupportedGraphException.class, () -> model.toMlpGraph("W"));

        assertTrue(e.getMessage().contains("'W'"), e.getMessage());
    }

    /** The graph with every identity activation removed: what a reader of the written model recovers. */
    private static MlpGraph withoutIdentities(MlpGraph g) {
        return new MlpGraph(g.inputWidth(), strip(g.trunk()), strip(g.valueHead()), strip(g.advantageHead()));
    }

    private static List<Layer> strip(List<Layer> layers) {
        return layers.stream()
                .filter(l -> !(l instanceof Activation a && a.kind() == Activation.Kind.IDENTITY))
                .toList();
    }
}
