package io.reflex.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model file read into memory and checked for structure: its graph, inputs, outputs,
 * metadata and weights, as the loader and {@code reflex model check} need them.
 *
 * <p>Reading never executes the model. Immutable after {@link #read(Path)}; safe to share.
 */
public final class OnnxModel {

    private final Path file;
    private final byte[] bytes;
    private final ModelProto proto;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, String> metadata;

    private OnnxModel(Path file, byte[] bytes, ModelProto proto) {
        this.file = file;
        this.bytes = bytes;
        this.proto = proto;
        GraphProto g = proto.getGraph();
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<TensorSpec> in = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            // IR < 4 lists initializers among the inputs; they are weights, not inputs.
            if (!initializers.contains(v.getName())) {
                in.add(spec(v));
            }
        }
        this.inputs = List.copyOf(in);
        this.outputs = g.getOutputList().stream().map(OnnxModel::spec).toList();
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        this.metadata = Map.copyOf(meta);
    }

    /**
     * Reads and structurally checks {@code file}, refusing a file over
     * {@link ModelFiles#DEFAULT_MAX_BYTES} without reading it.
     *
     * @throws ModelLoadException if the file is missing, not a regular file, too large, unreadable,
     *                            not an ONNX model, or its graph is malformed (no graph, a node
     *                            reading a value nobody produces)
     */
    public static OnnxModel read(Path file) {
        return read(file, ModelFiles.DEFAULT_MAX_BYTES);
    }

    /** As {@link #read(Path)}, refusing a file over {@code maxBytes} (see {@link ModelFiles#read}). */
    public static OnnxModel read(Path file, long maxBytes) {
        return parse(file, ModelFiles.read(file, maxBytes));
    }

    /** As {@link #read(Path)}, over bytes already in memory; {@code file} only names them in errors. */
    public static OnnxModel parse(Path file, byte[] bytes) {
        if (bytes.length == 0) {
            throw new ModelLoadException(file, "model file is empty");
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(file, "not a valid ONNX model (corrupt or truncated protobuf: "
                    + e.getMessage() + ")", e);
        }
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw new ModelLoadException(file, "not a valid ONNX model (no graph, or a graph without nodes)");
        }
        if (proto.getIrVersion() <= 0) {
            throw new ModelLoadException(file, "not a valid ONNX model (no IR version)");
        }
        checkWiring(file, proto.getGraph());
        OnnxModel model = new OnnxModel(file, bytes, proto);
        if (model.inputs.isEmpty() || model.outputs.isEmpty()) {
            throw new ModelLoadException(file, "model declares no graph input or no graph output");
        }
        return model;
    }

    private static void checkWiring(Path file, GraphProto g) {
        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getInitializerList().forEach(t -> defined.add(t.getName()));
        for (var node : g.getNodeList()) {
            for (String in : node.getInputList()) {
                // An empty name marks an omitted optional input.
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new ModelLoadException(file, "node '" + node.getName() + "' (" + node.getOpType()
                            + ") reads '" + in + "', which no input, initializer or earlier node defines");
                }
            }
            defined.addAll(node.getOutputList());
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (!defined.contains(out.getName())) {
                throw new ModelLoadException(file, "graph output '" + out.getName() + "' is never produced");
            }
        }
    }

    private static TensorSpec spec(ValueInfoProto v) {
        String type = "unknown";
        List<Long> shape = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (v.getType().hasTensorType()) {
            var t = v.getType().getTensorType();
            type = elementTypeName(t.getElemType());
            for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
                if (d.hasDimValue() && d.getDimValue() > 0) {
                    shape.add(d.getDimValue());
                    names.add(Long.toString(d.getDimValue()));
                } else {
                    shape.add(-1L);
                    names.add(d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?");
                }
            }
        }
        return new TensorSpec(v.getName(), type, shape.stream().mapToLong(Long::longValue).toArray(), names);
    }

    private static String elementTypeName(int t) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(t);
        return dt == null ? "type" + t : dt.name().toLowerCase(java.util.Locale.ROOT);
    }

    public Path file() {
        return file;
    }

    /** The serialised model, as read (not a copy: callers must not modify it). */
    byte[] bytes() {
        return bytes;
    }

    /** The serialised model, a copy. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The default-domain opset the model imports. */
    public long opset() {
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 1;
    }

    /**
     * Golden pairs from the metadata, if present.
     *
     * @throws ModelLoadException if the metadata entry is malformed
     */
    public Optional<GoldenPairs> golden() {
        String text = metadata.get(GoldenPairs.METADATA_KEY);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(GoldenPairs.decode(text));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file, "metadata '" + GoldenPairs.METADATA_KEY + "' is malformed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that every floating-point weight is finite: the initializers, and the float attributes
     * of the nodes (a LeakyRelu's alpha, a Gemm's alpha and beta), which scale the computation as
     * much as a weight does.
     *
     * @throws ModelLoadException naming the first initializer and element, or node and attribute,
     *                            that is NaN or infinite
     */
    public void requireFiniteWeights() {
        for (ai.onnx.proto.OnnxMl.NodeProto n : proto.getGraph().getNodeList()) {
            for (ai.onnx.proto.OnnxMl.AttributeProto a : n.getAttributeList()) {
                boolean finite = a.getType() != ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOAT
                        || Float.isFinite(a.getF());
                for (int i = 0; finite && i < a.getFloatsCount(); i++) {
                    finite = Float.isFinite(a.getFloats(i));
                }
                if (!finite) {
                    throw new ModelLoadException(file, "node '" + n.getName() + "' (" + n.getOpType() + ") has a non-finite "
                            + "attribute '" + a.getName() + "' (" + (a.getFloatsCount() > 0 ? a.getFloatsList() : a.getF()) + ")");
                }
            }
        }
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
                continue;
            }
            float[] v;
            try {
                v = floats(t);
            } catch (UnsupportedGraphException e) {
                throw new ModelLoadException(file, e.getMessage());
            }
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new ModelLoadException(file, "initializer '" + t.getName() + "' holds a non-finite weight ("
                            + v[i] + ") at element " + i);
                }
            }
        }
    }

    /**
     * The MLP-like network computing {@code output}, for the fast path.
     *
     * @throws UnsupportedGraphException with the reason when the graph is not such a network
     */
    public MlpGraph toMlpGraph(String output) throws UnsupportedGraphException {
        TensorSpec in = inputs.getFirst();
        if (inputs.size() != 1) {
            throw new UnsupportedGraphException("the fast path takes one input; the model has " + inputs.size());
        }
        return new MlpGraphExtractor(proto.getGraph(), opset(), in).extract(output);
    }

    /** The values of a float tensor, from {@code raw_data} (little-endian) or {@code float_data}. */
    static float[] floats(TensorProto t) throws UnsupportedGraphException {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedGraphException("initializer '" + t.getName() + "' keeps its data in an external file");
        }
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        float[] v;
        if (!t.getRawData().isEmpty()) {
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            v = new float[fb.remaining()];
            fb.get(v);
        } else {
            v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
        }
        if (v.length != count) {
            throw new UnsupportedGraphException("initializer '" + t.getName() + "' holds " + v.length
                    + " values but its dimensions " + t.getDimsList() + " need " + count);
        }
        return v;
    }
}
