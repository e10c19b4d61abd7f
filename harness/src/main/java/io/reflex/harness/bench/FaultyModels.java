package io.reflex.harness.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Real ONNX models that misbehave on purpose, for the runtime benchmark: they load and pass a
 * canary of non-negative inputs, then produce NaN in production, as a model with an unguarded
 * {@code Sqrt} or {@code Log} of a feature does when that feature goes negative.
 *
 * <p>Stateless.
 */
public final class FaultyModels {

    private FaultyModels() {
    }

    /**
     * {@code Gemm(Sqrt(x))}: finite for non-negative inputs, NaN wherever a feature is negative.
     * Served by ONNX Runtime (the fast path does not compile {@code Sqrt}).
     */
    public static void writeSqrtOfInput(Path file, int inputs, int outputs, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[inputs * outputs];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() - 0.5);
        }
        ByteBuffer raw = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(w);
        GraphProto graph = GraphProto.newBuilder().setName("sqrt_of_input")
                .addInput(floatInput("input", inputs))
                .addOutput(floatInput("output", outputs))
                .addInitializer(TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT.getNumber())
                        .addDims(outputs).addDims(inputs).setRawData(ByteString.copyFrom(raw.array())))
                .addNode(NodeProto.newBuilder().setOpType("Sqrt").setName("root").addInput("input").addOutput("rooted"))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("dense").addInput("rooted").addInput("W")
                        .addOutput("output").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("transB")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(1)))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("reflex-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Files.write(file, model.toByteArray());
    }

    private static ValueInfoProto floatInput(String name, int width) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))))).build();
    }
}
