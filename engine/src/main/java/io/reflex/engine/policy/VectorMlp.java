package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link MlpGraph} compiled for the Vector API: the program is immutable and shared, and each
 * thread evaluates it with its own {@link Scratch}.
 *
 * <p>Dense layers use the "axpy" form: weights are stored transposed, {@code [in][outPadded]}, and
 * for each input element the kernel broadcasts it and fuses a multiply-add into up to eight vector
 * accumulators that cover a block of outputs. That keeps a whole block of the output row in
 * registers and needs no horizontal reduction per output neuron, which is what limits the simpler
 * dot-product form. Output widths are padded to a whole number of vectors with zero weights, so the
 * kernels have no scalar tails; padded lanes are never read as real values. The activation that
 * follows a dense layer is fused into the store. A dueling head whose streams are single dense
 * layers is folded into one equivalent layer of width A (see {@link #foldDueling}).
 */
final class VectorMlp {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private static final int IDENTITY = 0;
    private static final int RELU = 1;
    private static final int LEAKY_RELU = 2;
    private static final int TANH = 3;
    private static final int SIGMOID = 4;

    /** One compiled step: a dense layer with a fused activation, or a standalone activation. */
    static final class Stage {
        final boolean dense;
        final int in;
        final int out;
        final int outPadded;
        final float[] weightsT;
        final float[] bias;
        /** The weights of a single-output layer as one contiguous row, for {@link #dot}. */
        final float[] row;
        final int activation;
        final float alpha;

        Stage(boolean dense, int in, int out, float[] weightsT, float[] bias, float[] row, int activation, float alpha) {
            this.dense = dense;
            this.in = in;
            this.out = out;
            this.outPadded = padded(out);
            this.weightsT = weightsT;
            this.bias = bias;
            this.row = row;
            this.activation = activation;
            this.alpha = alpha;
        }
    }

    private final int inputWidth;
    private final int outputWidth;
    private final Stage[] trunk;
    private final Stage[] valueHead;
    private final Stage[] advantageHead;
    private final boolean dueling;
    private final boolean foldedHead;
    private final int maxWidth;
    private final String description;

    private VectorMlp(MlpGraph g) {
        this.inputWidth = g.inputWidth();
        this.outputWidth = g.outputWidth();
        this.dueling = g.isDueling();
        this.trunk = compile(g.trunk(), g.inputWidth());
        int trunkWidth = g.trunkWidth();
        if (dueling && g.valueHead().size() == 1 && g.advantageHead().size() == 1
                && g.valueHead().getFirst() instanceof Dense v && g.advantageHead().getFirst() instanceof Dense a) {
            this.foldedHead = true;
            this.valueHead = new Stage[] {denseStage(foldDueling(v, a), IDENTITY, 0f)};
            this.advantageHead = new Stage[0];
        } else {
            this.foldedHead = false;
            this.valueHead = compile(g.valueHead(), trunkWidth);
            this.advantageHead = compile(g.advantageHead(), trunkWidth);
        }
        int max = padded(inputWidth);
        for (Stage[] stages : List.of(trunk, valueHead, advantageHead)) {
            for (Stage s : stages) {
                max = Math.max(max, Math.max(s.outPadded, padded(s.in)));
            }
        }
        this.maxWidth = max;
        long denseLayers = g.trunk().stream().filter(l -> l instanceof Dense).count()
                + g.valueHead().stream().filter(l -> l instanceof Dense).count()
                + g.advantageHead().stream().filter(l -> l instanceof Dense).count();
        this.description = "compiled to the Vector API (" + SPECIES.vectorBitSize() + "-bit, " + L + " lanes): "
                + denseLayers + " dense layers" + (dueling ? ", dueling head" + (foldedHead ? " (folded into one layer)" : "") : "");
    }

    static VectorMlp compile(MlpGraph g) {
        return new VectorMlp(g);
    }

    String description() {
        return description;
    }

    int inputWidth() {
        return inputWidth;
    }

    int outputWidth() {
        return outputWidth;
    }

    /** Per-thread buffers: two for the trunk and two for each head. */
    final class Scratch {
        final float[] a = new float[maxWidth];
        final float[] b = new float[maxWidth];
        final float[] c = new float[maxWidth];
        final float[] d = new float[maxWidth];
        final float[] e = new float[maxWidth];
        final float[] f = new float[maxWidth];
    }

    Scratch newScratch() {
        return new Scratch();
    }

    /** Evaluates one row: {@code inputWidth} floats at {@code inOff} to {@code outputWidth} at {@code outOff}. */
    void evaluate(float[] in, int inOff, float[] out, int outOff, Scratch s) {
        float[] h = run(trunk, in, inOff, s.a, s.b);
        if (!dueling) {
            System.arraycopy(h, h == in ? inOff : 0, out, outOff, outputWidth);
            return;
        }
        int hOff = h == in ? inOff : 0;
        if (foldedHead) {
            float[] q = run(valueHead, h, hOff, s.c, s.d);
            System.arraycopy(q, 0, out, outOff, outputWidth);
        } else {
            float[] v = run(valueHead, h, hOff, s.c, s.d);
            float[] adv = run(advantageHead, h, hOff, s.e, s.f);
            combine(v[v == h ? hOff : 0], adv, adv == h ? hOff : 0, out, outOff);
        }
    }

    private void combine(float value, float[] adv, int advOff, float[] out, int outOff) {
        int n = outputWidth;
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += adv[advOff + j];
        }
        float mean = sum / n;
        for (int j = 0; j < n; j++) {
            out[outOff + j] = value + (adv[advOff + j] - mean);
        }
    }

    /** Runs a chain, ping-ponging between {@code p} and {@code q}; returns the array holding the result. */
    private static float[] run(Stage[] stages, float[] src, int srcOff, float[] p, float[] q) {
        float[] x = src;
        int off = srcOff;
        float[] y = p;
        for (Stage st : stages) {
            if (st.dense) {
                dense(st, x, off, y);
            } else {
                activate(st, x, off, y);
            }
            x = y;
            off = 0;
            y = (y == p) ? q : p;
        }
        return x;
    }

    private static void dense(Stage st, float[] x, int xOff, float[] y) {
        if (st.out == 1) {
            dot(st, x, xOff, y);
            return;
        }
        int ob = 0;
        int outPadded = st.outPadded;
        for (; ob + 8 * L <= outPadded; ob += 8 * L) {
            block8(st, x, xOff, y, ob);
        }
        for (; ob + 4 * L <= outPadded; ob += 4 * L) {
            block4(st, x, xOff, y, ob);
        }
        for (; ob < outPadded; ob += L) {
            block1(st, x, xOff, y, ob);
        }
    }

    private static void block8(Stage st, float[] x, int xOff, float[] y, int ob) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        FloatVector a0 = FloatVector.fromArray(SPECIES, st.bias, ob);
        FloatVector a1 = FloatVector.fromArray(SPECIES, st.bias, ob + L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, st.bias, ob + 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, st.bias, ob + 3 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, st.bias, ob + 4 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, st.bias, ob + 5 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, st.bias, ob + 6 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, st.bias, ob + 7 * L);
        for (int i = 0, wi = ob; i < st.in; i++, wi += stride) {
            FloatVector xi = FloatVector.broadcast(SPECIES, x[xOff + i]);
            a0 = FloatVector.fromArray(SPECIES, w, wi).fma(xi, a0);
            a1 = FloatVector.fromArray(SPECIES, w, wi + L).fma(xi, a1);
            a2 = FloatVector.fromArray(SPECIES, w, wi + 2 * L).fma(xi, a2);
            a3 = FloatVector.fromArray(SPECIES, w, wi + 3 * L).fma(xi, a3);
            a4 = FloatVector.fromArray(SPECIES, w, wi + 4 * L).fma(xi, a4);
            a5 = FloatVector.fromArray(SPECIES, w, wi + 5 * L).fma(xi, a5);
            a6 = FloatVector.fromArray(SPECIES, w, wi + 6 * L).fma(xi, a6);
            a7 = FloatVector.fromArray(SPECIES, w, wi + 7 * L).fma(xi, a7);
        }
        int act = st.activation;
        float alpha = st.alpha;
        a0.intoArray(y, ob);
        a1.intoArray(y, ob + L);
        a2.intoArray(y, ob + 2 * L);
        a3.intoArray(y, ob + 3 * L);
        a4.intoArray(y, ob + 4 * L);
        a5.intoArray(y, ob + 5 * L);
        a6.intoArray(y, ob + 6 * L);
        a7.intoArray(y, ob + 7 * L);
        activateVectors(y, ob, y, ob, 8 * L, act, alpha);
    }

    private static void block4(Stage st, float[] x, int xOff, float[] y, int ob) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        FloatVector a0 = FloatVector.fromArray(SPECIES, st.bias, ob);
        FloatVector a1 = FloatVector.fromArray(SPECIES, st.bias, ob + L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, st.bias, ob + 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, st.bias, ob + 3 * L);
        for (int i = 0, wi = ob; i < st.in; i++, wi += stride) {
            FloatVector xi = FloatVector.broadcast(SPECIES, x[xOff + i]);
            a0 = FloatVector.fromArray(SPECIES, w, wi).fma(xi, a0);
            a1 = FloatVector.fromArray(SPECIES, w, wi + L).fma(xi, a1);
            a2 = FloatVector.fromArray(SPECIES, w, wi + 2 * L).fma(xi, a2);
            a3 = FloatVector.fromArray(SPECIES, w, wi + 3 * L).fma(xi, a3);
        }
        int act = st.activation;
        float alpha = st.alpha;
        a0.intoArray(y, ob);
        a1.intoArray(y, ob + L);
        a2.intoArray(y, ob + 2 * L);
        a3.intoArray(y, ob + 3 * L);
        activateVectors(y, ob, y, ob, 4 * L, act, alpha);
    }

    /** One vector of outputs; four partial sums over the inputs hide the FMA latency. */
    private static void block1(Stage st, float[] x, int xOff, float[] y, int ob) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        final int in = st.in;
        FloatVector a0 = FloatVector.fromArray(SPECIES, st.bias, ob);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        int wi = ob;
        for (; i + 3 < in; i += 4, wi += 4 * stride) {
            a0 = FloatVector.fromArray(SPECIES, w, wi).fma(FloatVector.broadcast(SPECIES, x[xOff + i]), a0);
            a1 = FloatVector.fromArray(SPECIES, w, wi + stride).fma(FloatVector.broadcast(SPECIES, x[xOff + i + 1]), a1);
            a2 = FloatVector.fromArray(SPECIES, w, wi + 2 * stride).fma(FloatVector.broadcast(SPECIES, x[xOff + i + 2]), a2);
            a3 = FloatVector.fromArray(SPECIES, w, wi + 3 * stride).fma(FloatVector.broadcast(SPECIES, x[xOff + i + 3]), a3);
        }
        for (; i < in; i++, wi += stride) {
            a0 = FloatVector.fromArray(SPECIES, w, wi).fma(FloatVector.broadcast(SPECIES, x[xOff + i]), a0);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(y, ob);
        activateVectors(y, ob, y, ob, L, st.activation, st.alpha);
    }

    /**
     * A single output (a dueling value stream): a dot product over the weight row and one horizontal
     * reduction, rather than a whole padded vector of outputs of which one is real.
     */
    private static void dot(Stage st, float[] x, int xOff, float[] y) {
        final float[] w = st.row;
        final int in = st.in;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i + 2 * L <= in; i += 2 * L) {
            acc0 = FloatVector.fromArray(SPECIES, w, i).fma(FloatVector.fromArray(SPECIES, x, xOff + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, w, i + L).fma(FloatVector.fromArray(SPECIES, x, xOff + i + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < in; i++) {
            sum += w[i] * x[xOff + i];
        }
        y[0] = scalarActivation(sum + st.bias[0], st.activation, st.alpha);
    }

    private static void activate(Stage st, float[] x, int xOff, float[] y) {
        int n = st.in;
        int whole = n - n % L;
        activateVectors(x, xOff, y, 0, whole, st.activation, st.alpha);
        for (int i = whole; i < n; i++) {
            y[i] = scalarActivation(x[xOff + i], st.activation, st.alpha);
        }
    }

    // No FloatVector crosses a call between this class's methods: a vector that does is boxed unless C2
    // inlines the callee, and whether it does depends on what was compiled first (a callee already
    // compiled alone into a big method is not inlined). Once, an activation taking and returning a
    // vector was left out of the dense blocks and every evaluation allocated 480 bytes. The dense
    // blocks store their sums and these apply the activation in place: arrays and ints cross, so no
    // inlining decision can make an evaluation allocate (VectorMlpAllocationTest runs it with
    // this class's inlining switched off).

    /**
     * {@code y[yOff + i] = activation(x[xOff + i])} for {@code i < n}, {@code n} a multiple of the
     * lanes; {@code x} may be {@code y} at the same offset.
     */
    private static void activateVectors(float[] x, int xOff, float[] y, int yOff, int n, int kind, float alpha) {
        if (kind == IDENTITY && x == y && xOff == yOff) {
            return;
        }
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xOff + i);
            switch (kind) {
                case RELU -> v.lanewise(VectorOperators.MAX, 0f).intoArray(y, yOff + i);
                case LEAKY_RELU -> v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff + i);
                case TANH -> v.lanewise(VectorOperators.TANH).intoArray(y, yOff + i);
                case SIGMOID -> FloatVector.broadcast(SPECIES, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f))
                        .intoArray(y, yOff + i);
                default -> v.intoArray(y, yOff + i);
            }
        }
    }

    /**
     * The last {@code n < L} values, read lane-masked (so nothing past them is read) and written as a
     * whole vector: {@code y} has room for {@code yOff + L} floats, and the lanes past {@code n}
     * hold the activation of 0.
     */
    private static void activateLastVector(float[] x, int xOff, float[] y, int yOff, int n, int kind, float alpha) {
        FloatVector v = FloatVector.fromArray(SPECIES, x, xOff, SPECIES.indexInRange(0, n));
        switch (kind) {
            case RELU -> v.lanewise(VectorOperators.MAX, 0f).intoArray(y, yOff);
            case LEAKY_RELU -> v.blend(v.mul(alpha), v.lt(0f)).intoArray(y, yOff);
            case TANH -> v.lanewise(VectorOperators.TANH).intoArray(y, yOff);
            case SIGMOID -> FloatVector.broadcast(SPECIES, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f))
                    .intoArray(y, yOff);
            default -> v.intoArray(y, yOff);
        }
    }

    private static float scalarActivation(float x, int kind, float alpha) {
        return switch (kind) {
            case RELU -> Math.max(0f, x);
            case LEAKY_RELU -> x < 0f ? alpha * x : x;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            default -> x;
        };
    }

    /** Floats per vector: rows per lane block in {@link #evaluateRows}. */
    static int lanes() {
        return L;
    }

    /** Whether {@link #evaluateRows} may run this program with rows in vector lanes (plain chains). */
    boolean supportsRowLanes() {
        return !dueling;
    }

    /** Per-thread buffers for {@link #evaluateRows}: activations laid out {@code [feature][lane]}. */
    final class LaneScratch {
        final float[] a = new float[Math.max(maxWidth, padded(inputWidth)) * L];
        final float[] b = new float[Math.max(maxWidth, padded(inputWidth)) * L];
        /** The first layer's bias with the shared columns folded in. */
        final float[] firstBias = new float[maxWidth];
    }

    LaneScratch newLaneScratch() {
        return new LaneScratch();
    }

    /**
     * Evaluates {@code rows} independent rows, {@code L} at a time with one row per vector lane: each
     * fused multiply-add then serves L rows, which beats row-at-a-time evaluation when rows are many
     * and layers narrow (a shared per-candidate scorer). Only for plain chains. Columns
     * {@code [sharedFrom, sharedTo)} hold row 0's values in every row (the caller's promise): when the
     * first stage is dense they are folded into its bias once, so each lane block multiplies only the
     * columns that differ between rows.
     */
    void evaluateRows(float[] in, int rows, float[] out, LaneScratch s, int sharedFrom, int sharedTo) {
        Stage first = trunk.length > 0 && trunk[0].dense ? trunk[0] : null;
        boolean fold = first != null && sharedTo > sharedFrom && rows > 0;
        int skipFrom = fold ? sharedFrom : 0;
        int skipTo = fold ? sharedTo : 0;
        if (fold) {
            foldSharedColumns(first, in, sharedFrom, sharedTo, s.firstBias);
        }
        for (int r0 = 0; r0 < rows; r0 += L) {
            int n = Math.min(L, rows - r0);
            if (!fold && n <= L / 8) {
                // A tail of one or two rows (the incoming object's row after K = 64 candidates) would
                // cost a whole lane block; a row by itself takes about a tenth of that, same bits.
                for (int r = r0; r < r0 + n; r++) {
                    evaluateInLaneOrder(in, r * inputWidth, out, r * outputWidth, s.a, s.b);
                }
                continue;
            }
            float[] x = s.a;
            transposeBlock(in, r0, n, x, skipFrom, skipTo);
            float[] y = s.b;
            for (int k = 0; k < trunk.length; k++) {
                Stage st = trunk[k];
                if (st.dense) {
                    boolean folded = k == 0 && fold;
                    laneDense(st, x, y, folded ? s.firstBias : st.bias, folded ? skipFrom : 0, folded ? skipTo : 0);
                } else {
                    activateVectors(x, 0, y, 0, st.in * L, st.activation, st.alpha);
                }
                float[] t = x;
                x = y;
                y = t;
            }
            for (int lane = 0; lane < n; lane++) {
                int o0 = (r0 + lane) * outputWidth;
                for (int o = 0; o < outputWidth; o++) {
                    out[o0 + o] = x[o * L + lane];
                }
            }
        }
    }

    /**
     * One row of a plain chain with exactly the arithmetic a lane of {@link #laneDense} gives it: each
     * output starts from its bias and takes one fused multiply-add per input, inputs in order. The
     * outputs run in vector lanes instead of the rows ({@code p} and {@code q} need
     * {@code maxWidth} floats), so a row scored alone and a row scored in a block get the same bits.
     */
    private void evaluateInLaneOrder(float[] in, int inOff, float[] out, int outOff, float[] p, float[] q) {
        float[] x = in;
        int off = inOff;
        float[] y = p;
        for (Stage st : trunk) {
            if (st.dense) {
                for (int ob = 0; ob < st.outPadded; ob += L) {
                    denseVectorInLaneOrder(st, x, off, y, ob);
                }
            } else {
                int whole = st.in - st.in % L;
                activateVectors(x, off, y, 0, whole, st.activation, st.alpha);
                if (whole < st.in) {
                    activateLastVector(x, off + whole, y, whole, st.in - whole, st.activation, st.alpha);
                }
            }
            x = y;
            off = 0;
            y = y == p ? q : p;
        }
        System.arraycopy(x, off, out, outOff, outputWidth);
    }

    /** Outputs {@code ob .. ob+L} of a dense stage for one row: one accumulator, inputs in order. */
    private static void denseVectorInLaneOrder(Stage st, float[] x, int xOff, float[] y, int ob) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        FloatVector a = FloatVector.fromArray(SPECIES, st.bias, ob);
        for (int i = 0, wi = ob; i < st.in; i++, wi += stride) {
            a = FloatVector.broadcast(SPECIES, x[xOff + i]).fma(FloatVector.fromArray(SPECIES, w, wi), a);
        }
        a.intoArray(y, ob);
        activateVectors(y, ob, y, ob, L, st.activation, st.alpha);
    }

    /** {@code bias + W[from..to) · row0[from..to)}: the shared columns' part of the first layer, once per call. */
    private static void foldSharedColumns(Stage st, float[] in, int from, int to, float[] bias) {
        System.arraycopy(st.bias, 0, bias, 0, st.out);
        float[] w = st.weightsT;
        for (int i = from; i < to; i++) {
            float xi = in[i];
            for (int o = 0, wi = i * st.outPadded; o < st.out; o++) {
                bias[o] += w[wi + o] * xi;
            }
        }
    }

    /** Rows {@code r0 .. r0+n} of {@code in} into {@code x} as {@code [column][lane]}, skipping {@code [skipFrom, skipTo)}. */
    private void transposeBlock(float[] in, int r0, int n, float[] x, int skipFrom, int skipTo) {
        int width = inputWidth;
        int base = r0 * width;
        // Column by column with the lane innermost: both indices are then linear in the loop variable,
        // so the JIT hoists the bounds checks and unrolls (row by row, the inner loops were a few columns
        // long and checked every store; the transposition was a quarter of a 100-row call).
        for (int i = 0; i < skipFrom; i++) {
            copyColumn(in, base + i, width, x, i * L, n);
        }
        for (int i = skipTo; i < width; i++) {
            copyColumn(in, base + i, width, x, i * L, n);
        }
        // Idle lanes of the last block compute on zeros; their results are never read.
        if (n < L) {
            for (int i = 0; i < width; i++) {
                for (int lane = n; lane < L; lane++) {
                    x[i * L + lane] = 0f;
                }
            }
        }
    }

    /** {@code x[to + lane] = in[from + lane · stride]} for the first {@code n} lanes. */
    private static void copyColumn(float[] in, int from, int stride, float[] x, int to, int n) {
        for (int lane = 0; lane < n; lane++) {
            x[to + lane] = in[from + lane * stride];
        }
    }

    /**
     * One dense stage over a block of lanes, input columns {@code [skipFrom, skipTo)} left out (their
     * part is already in {@code bias}).
     */
    private static void laneDense(Stage st, float[] x, float[] y, float[] bias, int skipFrom, int skipTo) {
        // One method per accumulator count: a single method holding all three loops outgrew C2's inlining
        // budget once a layer needed two of them (12 outputs: 8 + 4), and the vectors crossing the calls
        // it then left out were boxed, about 860 bytes per lane block. Each block method is small enough
        // to be compiled with every vector operation inlined; only arrays and ints cross these calls.
        int o = 0;
        for (; o + 7 < st.out; o += 8) {
            laneDense8(st, x, y, bias, skipFrom, skipTo, o);
        }
        for (; o + 3 < st.out; o += 4) {
            laneDense4(st, x, y, bias, skipFrom, skipTo, o);
        }
        for (; o < st.out; o++) {
            laneDense1(st, x, y, bias, skipFrom, skipTo, o);
        }
    }

    /** Outputs {@code o .. o+7} of a dense stage over a lane block, eight independent accumulators (enough FMAs in flight to hide the FMA latency). */
    private static void laneDense8(Stage st, float[] x, float[] y, float[] bias, int skipFrom, int skipTo, int o) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        final int in = st.in;
        FloatVector a0 = FloatVector.broadcast(SPECIES, bias[o]);
        FloatVector a1 = FloatVector.broadcast(SPECIES, bias[o + 1]);
        FloatVector a2 = FloatVector.broadcast(SPECIES, bias[o + 2]);
        FloatVector a3 = FloatVector.broadcast(SPECIES, bias[o + 3]);
        FloatVector a4 = FloatVector.broadcast(SPECIES, bias[o + 4]);
        FloatVector a5 = FloatVector.broadcast(SPECIES, bias[o + 5]);
        FloatVector a6 = FloatVector.broadcast(SPECIES, bias[o + 6]);
        FloatVector a7 = FloatVector.broadcast(SPECIES, bias[o + 7]);
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? 0 : skipTo;
            int to = part == 0 ? skipFrom : in;
            for (int i = from, wi = o + from * stride; i < to; i++, wi += stride) {
                FloatVector xi = FloatVector.fromArray(SPECIES, x, i * L);
                a0 = xi.fma(FloatVector.broadcast(SPECIES, w[wi]), a0);
                a1 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 1]), a1);
                a2 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 2]), a2);
                a3 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 3]), a3);
                a4 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 4]), a4);
                a5 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 5]), a5);
                a6 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 6]), a6);
                a7 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 7]), a7);
            }
        }
        a0.intoArray(y, o * L);
        a1.intoArray(y, (o + 1) * L);
        a2.intoArray(y, (o + 2) * L);
        a3.intoArray(y, (o + 3) * L);
        a4.intoArray(y, (o + 4) * L);
        a5.intoArray(y, (o + 5) * L);
        a6.intoArray(y, (o + 6) * L);
        a7.intoArray(y, (o + 7) * L);
        activateVectors(y, o * L, y, o * L, 8 * L, st.activation, st.alpha);
    }

    /** Outputs {@code o .. o+3} of a dense stage over a lane block. */
    private static void laneDense4(Stage st, float[] x, float[] y, float[] bias, int skipFrom, int skipTo, int o) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        final int in = st.in;
        FloatVector a0 = FloatVector.broadcast(SPECIES, bias[o]);
        FloatVector a1 = FloatVector.broadcast(SPECIES, bias[o + 1]);
        FloatVector a2 = FloatVector.broadcast(SPECIES, bias[o + 2]);
        FloatVector a3 = FloatVector.broadcast(SPECIES, bias[o + 3]);
        // Two column ranges: before the skipped columns and after them.
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? 0 : skipTo;
            int to = part == 0 ? skipFrom : in;
            for (int i = from, wi = o + from * stride; i < to; i++, wi += stride) {
                FloatVector xi = FloatVector.fromArray(SPECIES, x, i * L);
                a0 = xi.fma(FloatVector.broadcast(SPECIES, w[wi]), a0);
                a1 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 1]), a1);
                a2 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 2]), a2);
                a3 = xi.fma(FloatVector.broadcast(SPECIES, w[wi + 3]), a3);
            }
        }
        a0.intoArray(y, o * L);
        a1.intoArray(y, (o + 1) * L);
        a2.intoArray(y, (o + 2) * L);
        a3.intoArray(y, (o + 3) * L);
        activateVectors(y, o * L, y, o * L, 4 * L, st.activation, st.alpha);
    }

    /** Output {@code o} of a dense stage over a lane block. */
    private static void laneDense1(Stage st, float[] x, float[] y, float[] bias, int skipFrom, int skipTo, int o) {
        final float[] w = st.weightsT;
        final int stride = st.outPadded;
        final int in = st.in;
        FloatVector a0 = FloatVector.broadcast(SPECIES, bias[o]);
        for (int part = 0; part < 2; part++) {
            int from = part == 0 ? 0 : skipTo;
            int to = part == 0 ? skipFrom : in;
            for (int i = from, wi = o + from * stride; i < to; i++, wi += stride) {
                a0 = FloatVector.fromArray(SPECIES, x, i * L).fma(FloatVector.broadcast(SPECIES, w[wi]), a0);
            }
        }
        a0.intoArray(y, o * L);
        activateVectors(y, o * L, y, o * L, L, st.activation, st.alpha);
    }

    // ---- compilation ----

    private static Stage[] compile(List<Layer> layers, int width) {
        List<Stage> stages = new ArrayList<>();
        int w = width;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Dense d) {
                int act = IDENTITY;
                float alpha = 0f;
                // Fuse the activation that directly follows (at most one).
                if (i + 1 < layers.size() && layers.get(i + 1) instanceof Activation a) {
                    act = code(a);
                    alpha = a.alpha();
                    i++;
                }
                stages.add(denseStage(d, act, alpha));
                w = d.outputs();
            } else if (layer instanceof Activation a) {
                if (a.kind() != Activation.Kind.IDENTITY) {
                    stages.add(new Stage(false, w, w, null, null, null, code(a), a.alpha()));
                }
            }
        }
        return stages.toArray(Stage[]::new);
    }

    private static Stage denseStage(Dense d, int act, float alpha) {
        int outPadded = padded(d.outputs());
        float[] wt = new float[d.inputs() * outPadded];
        for (int o = 0; o < d.outputs(); o++) {
            for (int i = 0; i < d.inputs(); i++) {
                wt[i * outPadded + o] = d.weight(o, i);
            }
        }
        float[] bias = new float[outPadded];
        System.arraycopy(d.bias(), 0, bias, 0, d.outputs());
        float[] row = d.outputs() == 1 ? d.weights() : null;
        return new Stage(true, d.inputs(), d.outputs(), wt, bias, row, act, alpha);
    }

    /**
     * A dueling head whose streams are single dense layers is linear in the trunk's output h:
     * {@code Q_j = (w_v + W_a[j] - mean_k W_a[k]) . h + (b_v + b_a[j] - mean_k b_a[k])}. Folding it
     * into one layer halves the head's weights and removes the combination step; the loader's
     * agreement check against ONNX Runtime covers the different rounding.
     */
    private static Dense foldDueling(Dense v, Dense a) {
        int in = a.inputs();
        int n = a.outputs();
        double[] meanW = new double[in];
        double meanB = 0;
        float[] ab = a.bias();
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < in; i++) {
                meanW[i] += a.weight(k, i);
            }
            meanB += ab[k];
        }
        float[] w = new float[n * in];
        float[] b = new float[n];
        float vb = v.bias()[0];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < in; i++) {
                w[j * in + i] = (float) ((double) v.weight(0, i) + a.weight(j, i) - meanW[i] / n);
            }
            b[j] = (float) ((double) vb + ab[j] - meanB / n);
        }
        return new Dense(in, n, w, b);
    }

    private static int code(Activation a) {
        return switch (a.kind()) {
            case IDENTITY -> IDENTITY;
            case RELU -> RELU;
            case LEAKY_RELU -> LEAKY_RELU;
            case TANH -> TANH;
            case SIGMOID -> SIGMOID;
        };
    }

    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }
}
