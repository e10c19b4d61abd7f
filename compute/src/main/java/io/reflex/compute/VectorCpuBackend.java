package io.reflex.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The CPU {@link ComputeBackend}: every loop over a layer's width runs in {@code jdk.incubator.vector}
 * lanes (fused multiply-adds into one accumulator, a tail loop for the remainder), and a big enough
 * batch is split over {@link #threads()} threads (all cores by default). Results are deterministic: the
 * order of every sum depends only on the shapes. (Hence no {@code reduceLanes(ADD)}: its order of
 * additions is unspecified and differs between the interpreted code and the C2 intrinsic, so the same
 * call gave different bits before and after the JIT compiled it, and two identical trainings different
 * weights; {@link #sumLanes} adds the lanes in a fixed tree.)
 *
 * <h2>Parallel, and the same bits on any number of threads</h2>
 * Every value is computed by exactly one thread, with the operations, in the order, the one-thread
 * loop used; threads only change who computes it. So any thread count, and any partition, gives the
 * bits one thread gives (and this backend gave before it had threads):
 * <ul>
 *   <li>{@link #denseForward}: rows are split; each output is one row's dot product.</li>
 *   <li>{@link #denseBackward}: {@code dx} rows are split (each row sums over the outputs in order);
 *       the weight and bias gradients are split by <em>output</em>, not by row, so that each
 *       {@code dw[o][i]} still adds the batch's rows in row order. No per-thread partial sums, so no
 *       reduction whose order could depend on the partition.</li>
 *   <li>The element-wise operations ({@link #reluForward}, {@link #reluBackward}, {@link #adamStep},
 *       {@link #scale}, {@link #axpy}) split at multiples of the lane count, so each element takes the
 *       same (vector or tail) path.</li>
 *   <li>The reductions into a {@code double} ({@link #huber}, {@link #mse}, {@link #sumOfSquares}) stay
 *       on the calling thread: they are linear in the batch and cheap beside the dense layers.</li>
 * </ul>
 * A call is split only when it is worth it (about {@value #PARALLEL_WORK} multiply-adds, or
 * {@value #PARALLEL_ELEMENTS} elements); the 12-16-16-2 eviction network at batch 128 stays on the
 * calling thread.
 *
 * <p>Thread-safe (no mutable state of its own). The calling thread computes the first part and waits
 * for the rest, which run on a daemon {@link ForkJoinPool} of {@code threads − 1} workers shared by
 * every backend of that thread count; idle workers exit by themselves, so nothing needs closing.
 * Allocates nothing per call on one thread; a split call allocates one small task per extra part.
 */
public final class VectorCpuBackend implements ComputeBackend {

    /** Multiply-adds below which a dense layer runs on the calling thread (a fork and join costs some microseconds). */
    static final long PARALLEL_WORK = 1L << 17;

    /** Elements below which an element-wise operation runs on the calling thread. */
    static final int PARALLEL_ELEMENTS = 1 << 16;

    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final int LANES = S.length();

    // sumLanes' tree: lane i takes lane i + h (mod the length); constants, so that C2 compiles each
    // level to one shuffle and one add (null where the species has no such level)
    private static final VectorShuffle<Float> FOLD_8 = fold(8);
    private static final VectorShuffle<Float> FOLD_4 = fold(4);
    private static final VectorShuffle<Float> FOLD_2 = fold(2);
    private static final VectorShuffle<Float> FOLD_1 = fold(1);

    private final int threads;
    private final long parallelWork;
    private final int parallelElements;
    private final ForkJoinPool pool;

    /** A backend on all of this machine's cores ({@link Runtime#availableProcessors()}). */
    public VectorCpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend on {@code threads} threads (1: the calling thread only). */
    public VectorCpuBackend(int threads) {
        this(threads, PARALLEL_WORK, PARALLEL_ELEMENTS);
    }

    /** With the split thresholds given (tests: split even the smallest shapes). */
    VectorCpuBackend(int threads, long parallelWork, int parallelElements) {
        if (threads < 1) {
            throw new IllegalArgumentException("the CPU backend needs >= 1 thread, got " + threads);
        }
        this.threads = threads;
        this.parallelWork = parallelWork;
        this.parallelElements = parallelElements;
        this.pool = threads == 1 ? null : POOLS.computeIfAbsent(threads, VectorCpuBackend::newPool);
    }

    private static ForkJoinPool newPool(int threads) {
        // the caller computes one part, so threads − 1 workers; daemon workers that exit when idle
        return new ForkJoinPool(threads - 1, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("reflex-cpu-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    @Override
    public String name() {
        return "cpu-vector";
    }

    /** How many threads a split call uses (the calling thread among them). */
    public int threads() {
        return threads;
    }

    /** Work on the half-open range {@code [from, to)} of some dimension. */
    @FunctionalInterface
    private interface Part {
        void run(int from, int to);
    }

    /** Whether a call over {@code n} units is split (else the caller runs it directly, allocating nothing). */
    private boolean splits(int n, boolean worthIt) {
        return worthIt && threads > 1 && n > 1;
    }

    /**
     * Runs {@code part} over {@code [0, n)} in up to {@link #threads} contiguous pieces, each a multiple of
     * {@code grain} long (but the last), the calling thread taking the first; returns when all are done.
     * Which thread computes a piece never changes what it computes.
     */
    private void split(int n, int grain, Part part) {
        int pieces = Math.min(threads, (n + grain - 1) / grain);
        if (pieces <= 1) {
            part.run(0, n);
            return;
        }
        int units = (n + grain - 1) / grain;
        ForkJoinTask<?>[] rest = new ForkJoinTask<?>[pieces - 1];
        for (int p = 1; p < pieces; p++) {
            int from = Math.min(n, (int) ((long) units * p / pieces) * grain);
            int to = Math.min(n, (int) ((long) units * (p + 1) / pieces) * grain);
            rest[p - 1] = pool.submit(() -> part.run(from, to));
        }
        part.run(0, Math.min(n, (units / pieces) * grain));
        for (ForkJoinTask<?> t : rest) {
            t.join();
        }
    }

    @Override
    public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        if (!splits(rows, (long) rows * in * out >= parallelWork)) {
            denseForwardRows(x, 0, rows, in, w, b, out, y);
            return;
        }
        split(rows, 1, (from, to) -> denseForwardRows(x, from, to, in, w, b, out, y));
    }

    private static void denseForwardRows(float[] x, int from, int to, int in, float[] w, float[] b, int out, float[] y) {
        int bound = S.loopBound(in);
        int r = from;
        // four rows at a time share each load of w; every output still has its own accumulator and
        // the one-row loop's operations in its order, so the bits are the one-row loop's
        for (; r + 4 <= to; r += 4) {
            int x0 = r * in;
            int x1 = x0 + in;
            int x2 = x1 + in;
            int x3 = x2 + in;
            for (int o = 0; o < out; o++) {
                int wo = o * in;
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                int i = 0;
                for (; i < bound; i += LANES) {
                    FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                    a0 = FloatVector.fromArray(S, x, x0 + i).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, x, x1 + i).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, x, x2 + i).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, x, x3 + i).fma(wv, a3);
                }
                float s0 = sumLanes(a0);
                float s1 = sumLanes(a1);
                float s2 = sumLanes(a2);
                float s3 = sumLanes(a3);
                for (int t = i; t < in; t++) {
                    float wt = w[wo + t];
                    s0 += x[x0 + t] * wt;
                    s1 += x[x1 + t] * wt;
                    s2 += x[x2 + t] * wt;
                    s3 += x[x3 + t] * wt;
                }
                int yr = r * out + o;
                y[yr] = s0 + b[o];
                y[yr + out] = s1 + b[o];
                y[yr + 2 * out] = s2 + b[o];
                y[yr + 3 * out] = s3 + b[o];
            }
        }
        for (; r < to; r++) {
            int xr = r * in;
            int yr = r * out;
            for (int o = 0; o < out; o++) {
                int wo = o * in;
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += LANES) {
                    acc = FloatVector.fromArray(S, x, xr + i).fma(FloatVector.fromArray(S, w, wo + i), acc);
                }
                float sum = sumLanes(acc);
                for (; i < in; i++) {
                    sum += x[xr + i] * w[wo + i];
                }
                y[yr + o] = sum + b[o];
            }
        }
    }

    /**
     * The sum of the lanes, always in the same order (a tree of lane-wise additions: halves, then
     * quarters, ...), whether the code runs interpreted or compiled; lane-wise adds and shuffles are
     * exact, so every tier computes the same bits. Species wider than 16 lanes, or not a power of
     * two, add lane by lane.
     */
    static float sumLanes(FloatVector v) {
        if (LANES > 16 || Integer.bitCount(LANES) != 1) {
            float sum = 0f;
            for (int i = 0; i < LANES; i++) {
                sum += v.lane(i);
            }
            return sum;
        }
        if (LANES >= 16) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (LANES >= 8) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (LANES >= 4) {
            v = v.add(v.rearrange(FOLD_2));
        }
        if (LANES >= 2) {
            v = v.add(v.rearrange(FOLD_1));
        }
        return v.lane(0);
    }

    private static VectorShuffle<Float> fold(int h) {
        return h < LANES ? VectorShuffle.iota(S, h, 1, true) : null;
    }

    @Override
    public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db,
                              float[] dx) {
        boolean worthIt = (long) rows * in * out >= parallelWork;
        if (dx != null) {
            if (splits(rows, worthIt)) {
                split(rows, 1, (from, to) -> inputGradientRows(in, w, out, dy, dx, from, to));
            } else {
                inputGradientRows(in, w, out, dy, dx, 0, rows);
            }
        }
        if (splits(out, worthIt)) {
            split(out, 1, (from, to) -> parameterGradientOutputs(x, rows, in, out, dy, dw, db, from, to));
        } else {
            parameterGradientOutputs(x, rows, in, out, dy, dw, db, 0, out);
        }
    }

    /** {@code dx[r] = Σ_o dy[r][o] · w[o]} for rows {@code [from, to)}, over the outputs in order. */
    private static void inputGradientRows(int in, float[] w, int out, float[] dy, float[] dx, int from, int to) {
        int bound = S.loopBound(in);
        java.util.Arrays.fill(dx, from * in, to * in, 0f);
        for (int r = from; r < to; r++) {
            int xr = r * in;
            for (int o = 0; o < out; o++) {
                float g = dy[r * out + o];
                if (g == 0f) {
                    continue;
                }
                int wo = o * in;
                FloatVector gv = FloatVector.broadcast(S, g);
                int i = 0;
                for (; i < bound; i += LANES) {
                    FloatVector.fromArray(S, w, wo + i).fma(gv, FloatVector.fromArray(S, dx, xr + i)).intoArray(dx, xr + i);
                }
                for (; i < in; i++) {
                    dx[xr + i] += g * w[wo + i];
                }
            }
        }
    }

    /**
     * {@code dw[o] += Σ_r dy[r][o] · x[r]} and {@code db[o] += Σ_r dy[r][o]} for outputs {@code [from, to)},
     * over the rows in order. Outputs go in blocks whose weight rows fit in L1 together, each row of
     * {@code x} read once per block.
     */
    private static void parameterGradientOutputs(float[] x, int rows, int in, int out, float[] dy, float[] dw, float[] db,
                                                 int from, int to) {
        int bound = S.loopBound(in);
        int block = Math.max(1, 4096 / in);
        for (int o0 = from; o0 < to; o0 += block) {
            int o1 = Math.min(to, o0 + block);
            for (int r = 0; r < rows; r++) {
                int xr = r * in;
                for (int o = o0; o < o1; o++) {
                    float g = dy[r * out + o];
                    if (g == 0f) {
                        continue;
                    }
                    db[o] += g;
                    int wo = o * in;
                    FloatVector gv = FloatVector.broadcast(S, g);
                    int i = 0;
                    for (; i < bound; i += LANES) {
                        FloatVector.fromArray(S, x, xr + i).fma(gv, FloatVector.fromArray(S, dw, wo + i)).intoArray(dw, wo + i);
                    }
                    for (; i < in; i++) {
                        dw[wo + i] += g * x[xr + i];
                    }
                }
            }
        }
    }

    @Override
    public void reluForward(float[] x, int n, float[] y) {
        if (splits(n, n >= parallelElements)) {
            split(n, LANES, (from, to) -> reluForward(x, from, to, y));
        } else {
            reluForward(x, 0, n, y);
        }
    }

    private static void reluForward(float[] x, int from, int to, float[] y) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = Math.max(0f, x[i]);
        }
    }

    @Override
    public void reluBackward(float[] y, int n, float[] dy) {
        if (splits(n, n >= parallelElements)) {
            split(n, LANES, (from, to) -> reluBackward(y, from, to, dy));
        } else {
            reluBackward(y, 0, n, dy);
        }
    }

    private static void reluBackward(float[] y, int from, int to, float[] dy) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += LANES) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).blend(0f, yv.compare(VectorOperators.LE, 0f)).intoArray(dy, i);
        }
        for (; i < to; i++) {
            if (y[i] <= 0f) {
                dy[i] = 0f;
            }
        }
    }

    @Override
    public double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor,
                        float[] grad) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float wgt = weight[i];
            if (wgt == 0f) {
                grad[i] = 0f;
                continue;
            }
            float e = prediction[i] - target[i];
            float a = Math.abs(e);
            if (a <= delta) {
                loss += wgt * 0.5 * e * e;
                grad[i] = wgt * e / divisor;
            } else {
                loss += wgt * delta * (a - 0.5 * delta);
                grad[i] = wgt * delta * Math.signum(e) / divisor;
            }
        }
        return loss / divisor;
    }

    @Override
    public double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float wgt = weight[i];
            float e = prediction[i] - target[i];
            loss += wgt * 0.5 * e * e;
            grad[i] = wgt == 0f ? 0f : wgt * e / divisor;
        }
        return loss / divisor;
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                         float epsilon, int step) {
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        float stepSize = lr / c1;
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        if (splits(n, n >= parallelElements)) {
            split(n, LANES, (from, to) -> adamStep(p, g, m, v, from, to, beta1, beta2, epsilon, stepSize, invSqrtC2));
        } else {
            adamStep(p, g, m, v, 0, n, beta1, beta2, epsilon, stepSize, invSqrtC2);
        }
    }

    private static void adamStep(float[] p, float[] g, float[] m, float[] v, int from, int to, float beta1, float beta2,
                                 float epsilon, float stepSize, float invSqrtC2) {
        int bound = from + S.loopBound(to - from);
        int i = from;
        for (; i < bound; i += LANES) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(1 - beta1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(1 - beta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.sqrt().mul(invSqrtC2).add(epsilon);
            FloatVector.fromArray(S, p, i).sub(mv.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < to; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) * invSqrtC2 + epsilon);
        }
    }

    @Override
    public void scale(float[] g, int n, float factor) {
        if (splits(n, n >= parallelElements)) {
            split(n, LANES, (from, to) -> scale(g, from, to, factor));
        } else {
            scale(g, 0, n, factor);
        }
    }

    private static void scale(float[] g, int from, int to, float factor) {
        for (int i = from; i < to; i++) {
            g[i] *= factor;
        }
    }

    @Override
    public void axpy(float a, float[] x, float[] y, int n) {
        if (splits(n, n >= parallelElements)) {
            split(n, LANES, (from, to) -> axpy(a, x, y, from, to));
        } else {
            axpy(a, x, y, 0, n);
        }
    }

    private static void axpy(float a, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += a * x[i];
        }
    }
}
