package io.reflex.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes an {@link MlpGraph} as an ONNX model (IR 8, opset 13) that ONNX Runtime and Reflex's fast
 * path both load: dense layers as {@code Gemm} (or {@code MatMul}+{@code Add} on request),
 * activations as their ONNX operators, and a dueling head as {@code ReduceMean}, {@code Sub} and
 * {@code Add}. Metadata, including {@link GoldenPairs}, goes into the model's
 * {@code metadata_props}.
 *
 * <p>A writer is a mutable builder: configure it on one thread, then call {@link #toBytes()} or
 * {@link #write(Path)}. Writing to a path goes through a temporary file and an atomic move, so a
 * reader never sees a half-written model. The file is readable by every user
 * ({@code rw-r--r--}, {@link #DEFAULT_PERMISSIONS}) unless {@link #filePermissions} says otherwise.
 */
public final class OnnxModelWriter {

    /** The opset the writer targets; ReduceMean still takes {@code axes} as an attribute there. */
    public static final int OPSET = 13;

    /**
     * The permissions of a written model: {@code rw-r--r--}. Models are often trained by one user
     * and served by another (the NGINX sidecar runs as NGINX's user), and a model holds weights,
     * not secrets; the temporary file it is written through would otherwise leave it
     * {@code rw-------}, which no other user can load.
     */
    public static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private final MlpGraph graph;
    private String inputName = "input";
    private String outputName = "output";
    private long batch = -1;
    private boolean matMulAdd;
    private String producer = "reflex";
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private Set<PosixFilePermission> permissions = DEFAULT_PERMISSIONS;

    private OnnxModelWriter(MlpGraph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /** Starts a writer for {@code graph}. */
    public static OnnxModelWriter of(MlpGraph graph) {
        return new OnnxModelWriter(graph);
    }

    public OnnxModelWriter inputName(String name) {
        this.inputName = requireName(name, "input name");
        return this;
    }

    public OnnxModelWriter outputName(String name) {
        this.outputName = requireName(name, "output name");
        return this;
    }

    /** Fixes the batch dimension; by default it is symbolic ({@code "batch"}). */
    public OnnxModelWriter fixedBatch(long rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + rows);
        }
        this.batch = rows;
        return this;
    }

    /** Emits dense layers as {@code MatMul} + {@code Add} (as many exporters do) instead of {@code Gemm}. */
    public OnnxModelWriter matMulAdd(boolean enabled) {
        this.matMulAdd = enabled;
        return this;
    }

    public OnnxModelWriter producer(String name) {
        this.producer = requireName(name, "producer");
        return this;
    }

    /** Adds a {@code metadata_props} entry. */
    public OnnxModelWriter metadata(String key, String value) {
        metadata.put(requireName(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
        return this;
    }

    /** Stores input/output pairs a loader must reproduce (see {@link GoldenPairs}). */
    public OnnxModelWriter golden(GoldenPairs pairs) {
        return metadata(GoldenPairs.METADATA_KEY, pairs.encode());
    }

    /**
     * The permissions {@link #write(Path)} gives the file (default {@link #DEFAULT_PERMISSIONS});
     * ignored on a file system without POSIX permissions.
     */
    public OnnxModelWriter filePermissions(Set<PosixFilePermission> permissions) {
        this.permissions = Set.copyOf(Objects.requireNonNull(permissions, "permissions"));
        return this;
    }

    /** Serialises the model. */
    public byte[] toBytes() {
        return build().toByteArray();
    }

    /**
     * Writes the model to {@code file} atomically (temporary file, then rename), with
     * {@link #filePermissions}.
     */
    public void write(Path file) {
        try {
            ModelFiles.writeAtomically(file, toBytes(), permissions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    ModelProto build() {
        GraphBuilder g = new GraphBuilder();
        String trunkOut = g.layers(inputName, graph.trunk(), "trunk");
        String out;
        if (graph.isDueling()) {
            String v = g.layers(trunkOut, graph.valueHead(), "value");
            String a = g.layers(trunkOut, graph.advantageHead(), "advantage");
            String mean = g.node("ReduceMean", List.of(a), "advantage_mean",
                    List.of(ints("axes", List.of(1L)), intAttr("keepdims", 1)));
            String centred = g.node("Sub", List.of(a, mean), "advantage_centred", List.of());
            out = g.node("Add", List.of(v, centred), outputName, List.of());
        } else {
            out = g.node("Identity", List.of(trunkOut), outputName, List.of());
        }
        assert out.equals(outputName);

        GraphProto.Builder gp = g.graph.setName("reflex_mlp")
                .addInput(valueInfo(inputName, graph.inputWidth()))
                .addOutput(valueInfo(outputName, graph.outputWidth()));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName(producer)
                .setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(gp);
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private ValueInfoProto valueInfo(String name, int width) {
        TensorShapeProto.Dimension b = batch > 0
                ? TensorShapeProto.Dimension.newBuilder().setDimValue(batch).build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
        TensorShapeProto shape = TensorShapeProto.newBuilder().addDim(b)
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    /** Accumulates nodes and initializers with unique names. */
    private final class GraphBuilder {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        int counter;

        String layers(String in, List<Layer> layers, String prefix) {
            String x = in;
            for (Layer layer : layers) {
                int id = counter++;
                x = switch (layer) {
                    case Dense d -> dense(x, d, prefix + "_dense" + id);
                    case Activation a -> node(a.kind().onnxOp(), List.of(x), prefix + "_act" + id,
                            a.kind() == Activation.Kind.LEAKY_RELU ? List.of(floatAttr("alpha", a.alpha())) : List.of());
                };
            }
            return x;
        }

        String dense(String x, Dense d, String name) {
            if (matMulAdd) {
                // MatMul wants B as [in][out]: the transpose of Dense's [out][in].
                float[] t = new float[d.inputs() * d.outputs()];
                for (int o = 0; o < d.outputs(); o++) {
                    for (int i = 0; i < d.inputs(); i++) {
                        t[i * d.outputs() + o] = d.weight(o, i);
                    }
                }
                initializer(name + "_W", t, d.inputs(), d.outputs());
                initializer(name + "_b", d.bias(), d.outputs());
                String mm = node("MatMul", List.of(x, name + "_W"), name + "_mm", List.of());
                return node("Add", List.of(mm, name + "_b"), name, List.of());
            }
            initializer(name + "_W", d.weights(), d.outputs(), d.inputs());
            initializer(name + "_b", d.bias(), d.outputs());
            return node("Gemm", List.of(x, name + "_W", name + "_b"), name, List.of(intAttr("transB", 1)));
        }

        void initializer(String name, float[] values, long... dims) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                    .setDataType(TensorProto.DataType.FLOAT.getNumber())
                    .setRawData(ByteString.copyFrom(raw.array()));
            for (long d : dims) {
                t.addDims(d);
            }
            graph.addInitializer(t);
        }

        String node(String op, List<String> inputs, String output, List<AttributeProto> attributes) {
            graph.addNode(NodeProto.newBuilder().setOpType(op).setName(output + "_" + op)
                    .addAllInput(inputs).addOutput(output).addAllAttribute(attributes));
            return output;
        }
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto ints(String name, List<Long> v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS).addAllInts(v).build();
    }

    private static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static String requireName(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }
}
