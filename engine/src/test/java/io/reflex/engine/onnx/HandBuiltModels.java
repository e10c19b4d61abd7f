package io.reflex.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * ONNX models built node by node with the protobuf builders, for graphs {@link OnnxModelWriter}
 * does not write: valid ONNX that the fast path must refuse.
 */
public final class HandBuiltModels {

    /** The name of the Softmax node in {@link #gemmThenSoftmax}. */
    public static final String SOFTMAX_NODE = "probabilities_softmax";

    private HandBuiltModels() {
    }

    /**
     * {@code probs = Softmax(Gemm(input, W, b, transB = 1), axis = 1)} over a dynamic batch, with
     * {@code dense}'s weights: ONNX Runtime runs it, the fast path has no Softmax.
     */
    public static byte[] gemmThenSoftmax(Dense dense) {
        GraphProto graph = GraphProto.newBuilder().setName("softmax_policy")
                .addInput(floatMatrix("input", dense.inputs()))
                .addOutput(floatMatrix("probs", dense.outputs()))
                .addInitializer(floats("W", dense.weights(), dense.outputs(), dense.inputs()))
                .addInitializer(floats("b", dense.bias(), dense.outputs()))
                .addNode(NodeProto.newBuilder().setName("logits_gemm").setOpType("Gemm")
                        .addInput("input").addInput("W").addInput("b").addOutput("logits")
                        .addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .addNode(NodeProto.newBuilder().setName(SOFTMAX_NODE).setOpType("Softmax")
                        .addInput("logits").addOutput("probs")
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("hand")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModelWriter.OPSET))
                .setGraph(graph).build().toByteArray();
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
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
