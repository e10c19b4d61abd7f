package io.reflex.adapters.caffeine;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Real ONNX eviction policies for the adapter's tests, drawn from seeds: an untrained dueling DQN
 * ({@code 6K -> 32 -> 32 -> V + K advantages}) written by {@link OnnxModelWriter}, and a hand-built
 * graph {@code Sqrt(-|Gemm(x)| - 1)} whose weights are all finite (so the engine accepts it) but
 * whose every output is NaN, and a graph whose scores are fixed constants.
 */
final class TestPolicies {

    private TestPolicies() {
    }

    /** An untrained dueling policy for K candidates. */
    static Path dueling(Path file, long seed, int k) {
        OnnxModelWriter.of(MlpGraph.randomDueling(seed, 6 * k, 32, 32, k + 1)).fixedBatch(1).write(file);
        return file;
    }

    /**
     * A joint policy for {@code scores.length} candidates whose scores are {@code scores} whatever the
     * features ({@code Gemm} with zero weights and the scores as its bias): its victim mask and its
     * order are known in advance.
     */
    static Path fixedScores(Path file, float... scores) {
        int k = scores.length;
        int in = 6 * k;
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(k).addDims(in);
        for (int i = 0; i < k * in; i++) {
            w.addFloatData(0f);
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(k);
        for (float s : scores) {
            b.addFloatData(s);
        }
        GraphProto graph = GraphProto.newBuilder().setName("fixed_scores")
                .addInput(matrix("input", in)).addOutput(matrix("scores", k))
                .addInitializer(w).addInitializer(b)
                .addNode(NodeProto.newBuilder().setName("dense").setOpType("Gemm").addInput("input").addInput("W")
                        .addInput("b").addOutput("scores").addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .build();
        return write(file, graph);
    }

    /**
     * A {@code history-1} model whose prediction is {@code weight} times one encoded column of the
     * row (weights 0 elsewhere, so every backend computes the same bits), with {@code contract} in
     * its metadata.
     */
    static Path history(Path file, int column, float weight, EvictionModel contract) {
        float[] w = new float[HistoryFeatures.WIDTH];
        w[column] = weight;
        return history(file, MlpGraph.chain(HistoryFeatures.WIDTH, List.of(new Dense(HistoryFeatures.WIDTH, 1, w,
                new float[1]))), contract.toMetadata());
    }

    /** The history-1 contract of 64 sampled candidates without admission, the tests' usual. */
    static final EvictionModel SAMPLED_64 = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 64,
            false);

    /** Keys 0 … n−1 drawn with probability ∝ (rank + 1)^−s, from a seed. */
    static int[] zipf(int n, double s, int length, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.pow(i + 1, -s);
            cdf[i] = sum;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] keys = new int[length];
        for (int i = 0; i < length; i++) {
            int j = java.util.Arrays.binarySearch(cdf, r.nextDouble() * sum);
            keys[i] = j < 0 ? -j - 1 : j;
        }
        return keys;
    }

    /** An untrained history-1 network (11 -> 16 -> 1) with {@code contract} in its metadata. */
    static Path randomHistory(Path file, long seed, EvictionModel contract) {
        return history(file, MlpGraph.randomChain(seed, io.reflex.engine.onnx.Activation.RELU, HistoryFeatures.WIDTH, 16, 1),
                contract.toMetadata());
    }

    /** Writes {@code graph} with {@code metadata}. */
    static Path history(Path file, MlpGraph graph, Map<String, String> metadata) {
        OnnxModelWriter w = OnnxModelWriter.of(graph).fixedBatch(1);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
            w = w.metadata(e.getKey(), e.getValue());
        }
        w.write(file);
        return file;
    }

    /** A policy whose every score is NaN, for K candidates. */
    static Path alwaysNaN(Path file, long seed, int k) {
        int in = 6 * k;
        SplittableRandom r = new SplittableRandom(seed);
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(k).addDims(in);
        for (int i = 0; i < k * in; i++) {
            w.addFloatData((float) r.nextGaussian() * 0.1f);
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(k);
        for (int i = 0; i < k; i++) {
            b.addFloatData(0f);
        }
        TensorProto one = TensorProto.newBuilder().setName("one").setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(1).addFloatData(1f).build();
        GraphProto graph = GraphProto.newBuilder().setName("nan_policy")
                .addInput(matrix("input", in)).addOutput(matrix("scores", k))
                .addInitializer(w).addInitializer(b).addInitializer(one)
                .addNode(NodeProto.newBuilder().setName("dense").setOpType("Gemm").addInput("input").addInput("W")
                        .addInput("b").addOutput("h").addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .addNode(NodeProto.newBuilder().setName("abs").setOpType("Abs").addInput("h").addOutput("a"))
                .addNode(NodeProto.newBuilder().setName("neg").setOpType("Neg").addInput("a").addOutput("n"))
                .addNode(NodeProto.newBuilder().setName("minus_one").setOpType("Sub").addInput("n").addInput("one")
                        .addOutput("s"))
                .addNode(NodeProto.newBuilder().setName("sqrt").setOpType("Sqrt").addInput("s").addOutput("scores"))
                .build();
        return write(file, graph);
    }

    private static Path write(Path file, GraphProto graph) {
        byte[] bytes = ModelProto.newBuilder().setIrVersion(8).setProducerName("reflex-adapter-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModelWriter.OPSET))
                .setGraph(graph).build().toByteArray();
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static ValueInfoProto matrix(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
