package io.reflex.engine.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real ONNX models for the runtime tests, each drawn from a seed: well-behaved MLPs written by
 * {@link OnnxModelWriter}, and hand-built graphs (ONNX Runtime serves them, the fast path has none of
 * their operators) that misbehave on demand: one that always outputs NaN, one that throws when its
 * first feature is 2 or more in magnitude, and a large MLP that is slow on purpose.
 */
public final class TestModels {

    private TestModels() {
    }

    /** A ReLU MLP {@code widths[0] -> ... -> widths[last]} written to {@code file}. */
    public static Path mlp(Path file, long seed, int... widths) {
        OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, widths)).write(file);
        return file;
    }

    /**
     * {@code y = Sqrt(-|Gemm(x)| - 1)}: NaN for every input, although every weight is finite, so the
     * loader accepts it and only an evaluation shows the problem.
     */
    public static Path alwaysNaN(Path file, long seed, int in, int out) {
        Dense d = RandomGraphs.dense(seed, in, out);
        GraphProto graph = GraphProto.newBuilder().setName("nan_policy")
                .addInput(floatMatrix("input", in))
                .addOutput(floatMatrix("scores", out))
                .addInitializer(floats("W", d.weights(), out, in))
                .addInitializer(floats("b", d.bias(), out))
                .addInitializer(floats("one", new float[] {1f}, 1))
                .addNode(gemm("input", "h"))
                .addNode(node("Abs", "abs", List.of("h"), "a"))
                .addNode(node("Neg", "neg", List.of("a"), "n"))
                .addNode(node("Sub", "minus_one", List.of("n", "one"), "s"))
                .addNode(node("Sqrt", "sqrt", List.of("s"), "scores"))
                .build();
        return write(file, graph);
    }

    /**
     * {@code y = Gemm(x) + Gather([0, 0], int64(x[:, 0]))}: the output of the Gemm while
     * {@code |x[0]| < 2}, and an ONNX Runtime error ("indices element out of data bounds") when
     * {@code |x[0]| >= 2}, so the same loaded model decides or throws depending on its input.
     */
    static Path throwsOnLargeFirstFeature(Path file, long seed, int in, int out) {
        Dense d = RandomGraphs.dense(seed, in, out);
        GraphProto graph = GraphProto.newBuilder().setName("throwing_policy")
                .addInput(floatMatrix("input", in))
                .addOutput(floatMatrix("scores", out))
                .addInitializer(floats("W", d.weights(), out, in))
                .addInitializer(floats("b", d.bias(), out))
                .addInitializer(floats("table", new float[] {0f, 0f}, 2))
                .addInitializer(longs("starts", 0))
                .addInitializer(longs("ends", 1))
                .addInitializer(longs("axes", 1))
                .addNode(gemm("input", "h"))
                .addNode(node("Slice", "first_feature", List.of("input", "starts", "ends", "axes"), "first"))
                .addNode(node("Cast", "to_index", List.of("first"), "index")
                        .addAttribute(AttributeProto.newBuilder().setName("to")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(TensorProto.DataType.INT64.getNumber())))
                .addNode(node("Gather", "lookup", List.of("table", "index"), "zero")
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("Add", "plus_zero", List.of("h", "zero"), "scores"))
                .build();
        return write(file, graph);
    }

    /**
     * {@code y = Gemm(x) + Gather([0, 0], int64(x[:, 0]) + 7)}: an ONNX Runtime error ("indices
     * element out of data bounds") for every input whose first feature is below 5 in magnitude
     * (zeros included), so a store with no canary inputs meets the error first in its warm-up.
     */
    static Path throwsOnCalmInputs(Path file, long seed, int in, int out) {
        Dense d = RandomGraphs.dense(seed, in, out);
        GraphProto graph = GraphProto.newBuilder().setName("throwing_policy")
                .addInput(floatMatrix("input", in))
                .addOutput(floatMatrix("scores", out))
                .addInitializer(floats("W", d.weights(), out, in))
                .addInitializer(floats("b", d.bias(), out))
                .addInitializer(floats("table", new float[] {0f, 0f}, 2))
                .addInitializer(longs("starts", 0))
                .addInitializer(longs("ends", 1))
                .addInitializer(longs("axes", 1))
                .addInitializer(longs("offset", 7))
                .addNode(gemm("input", "h"))
                .addNode(node("Slice", "first_feature", List.of("input", "starts", "ends", "axes"), "first"))
                .addNode(node("Cast", "to_index", List.of("first"), "raw_index")
                        .addAttribute(AttributeProto.newBuilder().setName("to")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(TensorProto.DataType.INT64.getNumber())))
                .addNode(node("Add", "out_of_bounds", List.of("raw_index", "offset"), "index"))
                .addNode(node("Gather", "lookup", List.of("table", "index"), "zero")
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("Add", "plus_zero", List.of("h", "zero"), "scores"))
                .build();
        return write(file, graph);
    }

    /** Width of {@link #slowModel()}'s input and output rows. */
    static final int SLOW_IN = 1024;
    static final int SLOW_OUT = 16;
    private static Path slowModel;

    /**
     * A 1024-2048-2048-16 ReLU MLP (6.3 million multiply-adds a row, about 1 ms a row on ONNX
     * Runtime with one thread, far more on a loaded machine), written once per JVM: slow on purpose,
     * with no trick, so that deadlines can be tiny and still be missed every time.
     */
    static synchronized Path slowModel() {
        if (slowModel == null) {
            try {
                Path dir = Files.createTempDirectory("reflex-slow-model");
                dir.toFile().deleteOnExit();
                slowModel = mlp(dir.resolve("slow.onnx"), 0x510E, SLOW_IN, 2048, 2048, SLOW_OUT);
                slowModel.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return slowModel;
    }

    /** A loader forced onto ONNX Runtime (hand-built graphs and the slow model). */
    static PolicyLoader ortLoader() {
        return PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).build();
    }

    /** What {@code file} computes for each input, evaluated with {@code loader} (the store's loader). */
    static List<float[]> outputs(PolicyLoader loader, Path file, List<float[]> inputs) {
        List<float[]> out = new ArrayList<>();
        try (Policy p = loader.load(file); Policy.Evaluator e = p.newEvaluator()) {
            for (float[] x : inputs) {
                float[] y = new float[p.outputSize()];
                e.evaluate(x, y);
                out.add(y);
            }
        }
        return out;
    }

    /** {@code count} seeded Gaussian inputs of {@code width}. */
    static List<float[]> inputs(long seed, int count, int width) {
        float[] all = RandomGraphs.inputs(seed, count, width);
        List<float[]> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            float[] row = new float[width];
            System.arraycopy(all, r * width, row, 0, width);
            rows.add(row);
        }
        return rows;
    }

    /** {@code count} seeded inputs whose first feature is below 1 in magnitude (the throwing model decides). */
    static List<float[]> calmInputs(long seed, int count, int width) {
        List<float[]> rows = inputs(seed, count, width);
        for (float[] r : rows) {
            r[0] = (float) Math.tanh(r[0]) * 0.9f;
        }
        return rows;
    }

    private static Path write(Path file, GraphProto graph) {
        byte[] bytes = ModelProto.newBuilder().setIrVersion(8).setProducerName("reflex-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModelWriter.OPSET))
                .setGraph(graph).build().toByteArray();
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static NodeProto.Builder gemm(String in, String out) {
        return node("Gemm", "dense", List.of(in, "W", "b"), out)
                .addAttribute(AttributeProto.newBuilder().setName("transB")
                        .setType(AttributeProto.AttributeType.INT).setI(1));
    }

    private static NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addOutput(output);
        inputs.forEach(n::addInput);
        return n;
    }

    private static ValueInfoProto floatMatrix(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (float v : values) {
            t.addFloatData(v);
        }
        for (long dim : dims) {
            t.addDims(dim);
        }
        return t.build();
    }

    private static TensorProto longs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber());
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.addDims(values.length).build();
    }
}
