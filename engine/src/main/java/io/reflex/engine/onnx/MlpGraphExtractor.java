package io.reflex.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers an {@link MlpGraph} from an ONNX graph by walking back from the requested output.
 *
 * <p>Accepted: {@code Gemm} (transA = 0, either transB), {@code MatMul} by a constant followed by an
 * {@code Add} of a constant bias, {@code Relu}, {@code LeakyRelu}, {@code Tanh}, {@code Sigmoid},
 * {@code Identity}, {@code Dropout} (inference is the identity), batch-preserving {@code Flatten}
 * (axis 1) and {@code Reshape} (to {@code [batch, width]}), and the dueling combination
 * {@code Add(V, Sub(A, ReduceMean(A, axes=[1], keepdims=1)))} as the last operation. Anything else
 * raises {@link UnsupportedGraphException} naming the node. Single use; not thread-safe.
 */
final class MlpGraphExtractor {

    private final long opset;
    private final TensorSpec input;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();

    MlpGraphExtractor(GraphProto graph, long opset, TensorSpec input) {
        this.opset = opset;
        this.input = input;
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            if (n.getOpType().equals("Constant")) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        constants.put(n.getOutput(0), a.getT());
                    }
                }
            }
        }
    }

    /** A traced path from the graph input: its steps (each tagged with the node that made it). */
    private record Step(NodeProto node, Layer layer) {
    }

    private static final class Path {
        final List<Step> steps = new ArrayList<>();
        int width;
        boolean flat;
        boolean dueling;

        Path copy() {
            Path p = new Path();
            p.steps.addAll(steps);
            p.width = width;
            p.flat = flat;
            return p;
        }
    }

    MlpGraph extract(String output) throws UnsupportedGraphException {
        if (!input.elementType().equals("float")) {
            throw new UnsupportedGraphException("input '" + input.name() + "' is " + input.elementType() + ", not float");
        }
        if (input.rank() < 2 || input.rowWidth() < 1) {
            throw new UnsupportedGraphException("input '" + input.name() + "' has shape " + input.shapeString()
                    + "; the fast path needs [batch, features...] with known feature dimensions");
        }
        try {
            Path p = trace(output);
            if (!p.flat) {
                throw new UnsupportedGraphException("output '" + output + "' is not a [batch, width] tensor");
            }
            if (p.dueling) {
                return duelingGraph;
            }
            return MlpGraph.chain((int) input.rowWidth(), layers(p.steps));
        } catch (IllegalArgumentException e) {
            // The layers check the values they are built from (a finite LeakyRelu alpha, widths of at
            // least 1); read from a file, a value they refuse makes a graph the fast path cannot serve.
            throw new UnsupportedGraphException("the graph's values do not make a valid network: " + e.getMessage());
        }
    }

    private MlpGraph duelingGraph;

    private Path trace(String value) throws UnsupportedGraphException {
        if (value.equals(input.name())) {
            Path p = new Path();
            p.width = (int) input.rowWidth();
            p.flat = input.rank() == 2;
            return p;
        }
        NodeProto n = producers.get(value);
        if (n == null) {
            throw new UnsupportedGraphException("value '" + value + "' is a constant or unknown, not computed from the input");
        }
        String op = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw new UnsupportedGraphException(where(n) + " is in domain '" + n.getDomain() + "'");
        }
        return switch (op) {
            case "Identity" -> trace(n.getInput(0));
            case "Dropout" -> {
                if (!value.equals(n.getOutput(0))) {
                    throw new UnsupportedGraphException(where(n) + ": the dropout mask output is used");
                }
                yield trace(n.getInput(0));
            }
            case "Flatten" -> {
                if (intAttr(n, "axis", 1) != 1) {
                    throw new UnsupportedGraphException(where(n) + " flattens at axis " + intAttr(n, "axis", 1)
                            + "; only axis 1 keeps the batch");
                }
                Path p = open(n);
                p.flat = true;
                yield p;
            }
            case "Reshape" -> reshape(n);
            case "Relu" -> activation(n, Activation.RELU);
            case "Tanh" -> activation(n, Activation.TANH);
            case "Sigmoid" -> activation(n, Activation.SIGMOID);
            case "LeakyRelu" -> activation(n, Activation.leakyRelu(floatAttr(n, "alpha", 0.01f)));
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Add" -> add(n);
            default -> throw new UnsupportedGraphException(where(n) + " is not in the fast path's operator set");
        };
    }

    /** Traces the node's first input, refusing to extend a path that already ended in a dueling head. */
    private Path open(NodeProto n) throws UnsupportedGraphException {
        Path p = trace(n.getInput(0));
        if (p.dueling) {
            throw new UnsupportedGraphException(where(n) + " follows the dueling combination, which must come last");
        }
        return p;
    }

    private Path activation(NodeProto n, Activation a) throws UnsupportedGraphException {
        Path p = open(n);
        p.steps.add(new Step(n, a));
        return p;
    }

    private Path reshape(NodeProto n) throws UnsupportedGraphException {
        Path p = open(n);
        TensorProto shape = constants.get(n.getInput(1));
        if (shape == null || shape.getDataType() != TensorProto.DataType.INT64.getNumber()) {
            throw new UnsupportedGraphException(where(n) + " takes a computed shape; the fast path needs a constant one");
        }
        long[] s = longs(shape);
        boolean batchKept = s.length == 2 && (s[0] == 0 || s[0] == -1 || s[0] == input.dim(0) && s[0] > 0);
        boolean widthKept = s.length == 2 && (s[1] == -1 || s[1] == p.width);
        if (!batchKept || !widthKept || (s[0] == -1 && s[1] == -1)) {
            throw new UnsupportedGraphException(where(n) + " reshapes to " + java.util.Arrays.toString(s)
                    + ", not [batch, " + p.width + "]");
        }
        p.flat = true;
        return p;
    }

    private Path gemm(NodeProto n) throws UnsupportedGraphException {
        if (intAttr(n, "transA", 0) != 0) {
            throw new UnsupportedGraphException(where(n) + " transposes its input (transA = 1)");
        }
        Path p = open(n);
        requireFlat(n, p);
        TensorProto b = constant(n, 1);
        if (b.getDimsCount() != 2) {
            throw new UnsupportedGraphException(where(n) + " has a weight of rank " + b.getDimsCount());
        }
        boolean transB = intAttr(n, "transB", 0) == 1;
        int in = (int) (transB ? b.getDims(1) : b.getDims(0));
        int out = (int) (transB ? b.getDims(0) : b.getDims(1));
        if (in != p.width) {
            throw new UnsupportedGraphException(where(n) + " expects width " + in + " but receives " + p.width);
        }
        float alpha = floatAttr(n, "alpha", 1f);
        float beta = floatAttr(n, "beta", 1f);
        float[] bv = OnnxModel.floats(b);
        float[] w = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = alpha * (transB ? bv[o * in + i] : bv[i * out + o]);
            }
        }
        float[] bias = new float[out];
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            float[] c = broadcastRow(n, constant(n, 2), out);
            for (int o = 0; o < out; o++) {
                bias[o] = beta * c[o];
            }
        }
        p.steps.add(new Step(n, new Dense(in, out, w, bias)));
        p.width = out;
        return p;
    }

    private Path matMul(NodeProto n) throws UnsupportedGraphException {
        Path p = open(n);
        requireFlat(n, p);
        TensorProto b = constant(n, 1);
        if (b.getDimsCount() != 2 || b.getDims(0) != p.width) {
            throw new UnsupportedGraphException(where(n) + " multiplies width " + p.width + " by a weight of dims "
                    + b.getDimsList());
        }
        int in = p.width;
        int out = (int) b.getDims(1);
        float[] bv = OnnxModel.floats(b);
        float[] w = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = bv[i * out + o];
            }
        }
        p.steps.add(new Step(n, new Dense(in, out, w, new float[out])));
        p.width = out;
        return p;
    }

    private Path add(NodeProto n) throws UnsupportedGraphException {
        String a = n.getInput(0);
        String b = n.getInput(1);
        boolean aConst = constants.containsKey(a);
        boolean bConst = constants.containsKey(b);
        if (aConst && bConst) {
            throw new UnsupportedGraphException(where(n) + " adds two constants");
        }
        if (aConst || bConst) {
            Path p = trace(aConst ? b : a);
            if (p.dueling) {
                throw new UnsupportedGraphException(where(n) + " follows the dueling combination, which must come last");
            }
            Step last = p.steps.isEmpty() ? null : p.steps.getLast();
            if (last == null || !(last.layer() instanceof Dense d)) {
                throw new UnsupportedGraphException(where(n) + " adds a constant that is not the bias of a dense layer");
            }
            float[] c = broadcastRow(n, constants.get(aConst ? a : b), d.outputs());
            float[] bias = d.bias();
            for (int o = 0; o < bias.length; o++) {
                bias[o] += c[o];
            }
            p.steps.set(p.steps.size() - 1, new Step(last.node(), new Dense(d.inputs(), d.outputs(), d.weights(), bias)));
            return p;
        }
        return dueling(n);
    }

    /** {@code Add(V, Sub(A, ReduceMean(A)))}, operands in either order. */
    private Path dueling(NodeProto add) throws UnsupportedGraphException {
        for (int side = 0; side < 2; side++) {
            NodeProto sub = producers.get(add.getInput(side));
            if (sub == null || !sub.getOpType().equals("Sub")) {
                continue;
            }
            NodeProto mean = producers.get(sub.getInput(1));
            String adv = sub.getInput(0);
            if (mean == null || !mean.getOpType().equals("ReduceMean") || !mean.getInput(0).equals(adv)) {
                continue;
            }
            checkMeanOverFeatures(mean);
            String value = add.getInput(1 - side);
            Path v = trace(value);
            Path a = trace(adv);
            if (v.dueling || a.dueling) {
                throw new UnsupportedGraphException(where(add) + " nests one dueling combination in another");
            }
            requireFlat(add, v);
            requireFlat(add, a);
            if (v.width != 1) {
                throw new UnsupportedGraphException(where(add) + " combines a value stream of width " + v.width + ", not 1");
            }
            int shared = 0;
            while (shared < v.steps.size() && shared < a.steps.size()
                    && v.steps.get(shared).node() == a.steps.get(shared).node()) {
                shared++;
            }
            List<Layer> valueHead = layers(v.steps.subList(shared, v.steps.size()));
            List<Layer> advHead = layers(a.steps.subList(shared, a.steps.size()));
            if (valueHead.isEmpty() || advHead.isEmpty()) {
                throw new UnsupportedGraphException(where(add) + ": the value and advantage streams do not branch");
            }
            duelingGraph = MlpGraph.dueling((int) input.rowWidth(), layers(v.steps.subList(0, shared)), valueHead, advHead);
            Path p = a.copy();
            p.dueling = true;
            return p;
        }
        throw new UnsupportedGraphException(where(add) + " adds two computed tensors that are not a dueling combination");
    }

    private void checkMeanOverFeatures(NodeProto mean) throws UnsupportedGraphException {
        long[] axes = null;
        for (AttributeProto at : mean.getAttributeList()) {
            if (at.getName().equals("axes")) {
                axes = at.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        if (axes == null && mean.getInputCount() > 1 && opset >= 18) {
            TensorProto t = constants.get(mean.getInput(1));
            if (t == null) {
                throw new UnsupportedGraphException(where(mean) + " takes computed axes");
            }
            axes = longs(t);
        }
        boolean overFeatures = axes != null && axes.length == 1 && (axes[0] == 1 || axes[0] == -1);
        if (!overFeatures || intAttr(mean, "keepdims", 1) != 1) {
            throw new UnsupportedGraphException(where(mean) + " must average over axis 1 with keepdims = 1");
        }
    }

    private static List<Layer> layers(List<Step> steps) {
        return steps.stream().map(Step::layer).toList();
    }

    private void requireFlat(NodeProto n, Path p) throws UnsupportedGraphException {
        if (!p.flat) {
            throw new UnsupportedGraphException(where(n) + " receives a tensor of rank > 2; flatten it to [batch, width] first");
        }
    }

    private TensorProto constant(NodeProto n, int index) throws UnsupportedGraphException {
        TensorProto t = index < n.getInputCount() ? constants.get(n.getInput(index)) : null;
        if (t == null) {
            throw new UnsupportedGraphException(where(n) + " input " + index + " is computed, not a constant weight");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new UnsupportedGraphException(where(n) + " has a non-float weight '" + t.getName() + "'");
        }
        return t;
    }

    /** A bias of shape [], [1], [width] or [1, width] as a row of {@code width} values. */
    private static float[] broadcastRow(NodeProto n, TensorProto t, int width) throws UnsupportedGraphException {
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new UnsupportedGraphException(where(n) + " adds a non-float constant");
        }
        float[] v = OnnxModel.floats(t);
        long leading = 1;
        for (int i = 0; i < t.getDimsCount() - 1; i++) {
            leading *= t.getDims(i);
        }
        if (leading != 1 || (v.length != 1 && v.length != width)) {
            throw new UnsupportedGraphException(where(n) + " adds a constant of dims " + t.getDimsList()
                    + " that does not broadcast over a row of width " + width);
        }
        if (v.length == width) {
            return v;
        }
        float[] row = new float[width];
        java.util.Arrays.fill(row, v[0]);
        return row;
    }

    private static long[] longs(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            var buf = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            long[] v = new long[buf.remaining()];
            buf.get(v);
            return v;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    private static long intAttr(NodeProto n, String name, long dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static float floatAttr(NodeProto n, String name, float dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return dflt;
    }

    private static String where(NodeProto n) {
        return "node '" + n.getName() + "' (" + n.getOpType() + ")";
    }
}
