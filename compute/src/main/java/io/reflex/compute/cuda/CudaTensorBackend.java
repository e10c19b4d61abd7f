package io.reflex.compute.cuda;

import io.reflex.compute.Tensor;
import io.reflex.compute.TensorBackend;

/**
 * The CUDA {@link TensorBackend}: tensors are {@link DeviceBuffer}s, and every operation is kernels
 * and GEMMs on device pointers, queued on the context's default stream with no host copy. What crosses
 * to the host is what a {@link Tensor#push} or {@link Tensor#pull} moves, and the partial sums of a
 * reduction ({@link #huber}, {@link #mse}, {@link #sumOfSquares}): {@link Kernel#PARTIAL_THREADS}
 * threads at most each sum a fixed stride of the elements in double, in order (no atomics), and the
 * host adds the partials in index order, so a reduction gives the same bits every time on a device
 * (and the CPU's value within the rounding of a differently ordered double sum: clipping decides as the
 * CPU does unless the norm is within about 1e-15 relative of the bound). The losses' gradients stay on
 * the device; their values come back as one {@code double}.
 *
 * <p>Lifetime: a tensor's device memory is allocated by {@link #allocate} or {@link #wrap} and freed by
 * its {@link Tensor#close}, or at the latest when the backend's context closes (a tensor used after
 * that throws {@link IllegalStateException}). The partial-sum buffer is allocated once and grown.
 *
 * <p>Not thread-safe: the thread the context is current on ({@link Device#makeCurrent} is called
 * before every operation and copy). Allocates per call only what {@link Kernel#PARTIAL_THREADS} partial
 * sums need, once.
 */
final class CudaTensorBackend implements TensorBackend {

    /** What the tensors need of the device: memory, launches, and its context current on this thread. */
    interface Device {

        /** A new buffer of {@code floats} floats, owned by the caller. */
        DeviceBuffer allocate(int floats);

        /** Launches {@code kernel} with {@code args} (asynchronous, on the default stream). */
        void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs args);

        /** Makes the context current on the calling thread (cheap when it is). */
        void makeCurrent();
    }

    private final Device device;
    private final Gemm gemm;
    private final KernelArgs args;
    private DeviceBuffer partials;
    private final double[] partialSums = new double[Kernel.PARTIAL_THREADS];

    CudaTensorBackend(Device device, Gemm gemm, KernelArgs args) {
        this.device = device;
        this.gemm = gemm;
        this.args = args;
    }

    /** A tensor in device memory; its host view is a mirror that push and pull move. */
    final class DeviceTensor implements Tensor {
        private final DeviceBuffer buffer;
        private final int length;
        private float[] host;

        DeviceTensor(DeviceBuffer buffer, int length, float[] host) {
            this.buffer = buffer;
            this.length = length;
            this.host = host;
        }

        CudaTensorBackend owner() {
            return CudaTensorBackend.this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public float[] host() {
            if (host == null) {
                // the mirror is allocated when first asked for: most tensors (moments, hidden
                // activations) never cross to the host
                host = new float[length];
            }
            return host;
        }

        @Override
        public void push(int count) {
            check(count);
            device.makeCurrent();
            buffer.upload(host(), count);
        }

        @Override
        public void pull(int count) {
            check(count);
            device.makeCurrent();
            buffer.download(host(), count);
        }

        private void check(int count) {
            if (count < 0 || count > length) {
                throw new IndexOutOfBoundsException("moving " + count + " floats of a device tensor of " + length);
            }
        }

        @Override
        public void close() {
            if (buffer.isOpen()) {
                device.makeCurrent();
                buffer.close();
            }
        }
    }

    private DeviceBuffer b(Tensor t) {
        if (t instanceof DeviceTensor d && d.owner() == this) {
            return d.buffer;
        }
        throw new IllegalArgumentException("a " + (t == null ? "null" : t.getClass().getSimpleName())
                + " given to the CUDA tensor backend: tensors belong to the backend that allocated them");
    }

    @Override
    public Tensor allocate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a tensor holds >= 1 float, got " + length);
        }
        device.makeCurrent();
        DeviceTensor t = new DeviceTensor(device.allocate(length), length, null);
        zero(t, length);
        return t;
    }

    @Override
    public Tensor wrap(float[] host) {
        if (host.length < 1) {
            throw new IllegalArgumentException("a tensor holds >= 1 float, got 0");
        }
        device.makeCurrent();
        DeviceTensor t = new DeviceTensor(device.allocate(host.length), host.length, host);
        t.push(host.length);
        return t;
    }

    /** Copies {@code count} floats of {@code src} straight into {@code t} (the array path's operands). */
    void upload(Tensor t, float[] src, int count) {
        device.makeCurrent();
        b(t).upload(src, count);
    }

    /** Copies {@code count} floats of {@code t} straight into {@code dst} (the array path's results). */
    void download(Tensor t, float[] dst, int count) {
        device.makeCurrent();
        b(t).download(dst, count);
    }

    /** Launches a 1-D kernel over {@code n} threads with the arguments given, checked against the kernel's declaration. */
    private void launch1d(Kernel kernel, int n) {
        if (args.count() != kernel.parameters()) {
            throw new IllegalStateException(kernel.entry() + " declares " + kernel.parameters() + " parameters, "
                    + args.count() + " given");
        }
        int blocks = (n + Kernel.BLOCK - 1) / Kernel.BLOCK;
        device.launch(kernel, Math.max(1, blocks), 1, Kernel.BLOCK, 1, args);
    }

    @Override
    public void zero(Tensor t, int n) {
        device.makeCurrent();
        args.clear().pointer(b(t)).u32(n);
        launch1d(Kernel.ZERO, n);
    }

    @Override
    public void copy(Tensor src, Tensor dst, int n) {
        device.makeCurrent();
        args.clear().pointer(b(src)).pointer(b(dst)).u32(n);
        launch1d(Kernel.COPY, n);
    }

    @Override
    public void blend(Tensor src, Tensor dst, int n, float tau) {
        device.makeCurrent();
        args.clear().pointer(b(src)).pointer(b(dst)).u32(n).f32(tau);
        launch1d(Kernel.BLEND, n);
    }

    @Override
    public void denseForward(Tensor x, int rows, int in, Tensor w, Tensor b, int out, Tensor y) {
        device.makeCurrent();
        DeviceBuffer gy = b(y);
        // y = x · wᵀ: A = x (rows × in, row-major), B(k, j) = w[j][k]
        gemm.gemm(rows, out, in, 1f, b(x), in, 1, b(w), 1, in, 0f, gy);
        args.clear().pointer(gy).pointer(b(b)).u32(rows * out).u32(out).u32(0);
        launch1d(Kernel.DENSE_BIAS_ACT, rows * out);
    }

    @Override
    public void denseBackward(Tensor x, int rows, int in, Tensor w, int out, Tensor dy, Tensor dw, Tensor db, Tensor dx) {
        device.makeCurrent();
        DeviceBuffer gdy = b(dy);
        // dw += dyᵀ · x: A(o, r) = dy[r][o], B(r, i) = x[r][i]
        gemm.gemm(out, in, rows, 1f, gdy, 1, out, b(x), in, 1, 1f, b(dw));
        args.clear().pointer(gdy).pointer(b(db)).u32(rows).u32(out);
        launch1d(Kernel.BIAS_GRAD_SUM, out);
        if (dx != null) {
            // dx = dy · w: A(r, o) = dy[r][o], B(o, i) = w[o][i]
            gemm.gemm(rows, in, out, 1f, gdy, out, 1, b(w), in, 1, 0f, b(dx));
        }
    }

    @Override
    public void reluForward(Tensor x, int n, Tensor y) {
        device.makeCurrent();
        args.clear().pointer(b(x)).pointer(b(y)).u32(n);
        launch1d(Kernel.RELU_FORWARD, n);
    }

    @Override
    public void reluBackward(Tensor y, int n, Tensor dy) {
        device.makeCurrent();
        args.clear().pointer(b(y)).pointer(b(dy)).u32(n);
        launch1d(Kernel.RELU_BACKWARD, n);
    }

    @Override
    public double huber(Tensor prediction, Tensor target, Tensor weight, int n, float delta, float divisor, Tensor grad) {
        device.makeCurrent();
        DeviceBuffer p = b(prediction);
        DeviceBuffer t = b(target);
        DeviceBuffer wt = b(weight);
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(b(grad)).u32(n).f32(delta).f32(divisor);
        launch1d(Kernel.HUBER_GRAD, n);
        int threads = partialThreads(n);
        if (threads == 0) {
            return 0;
        }
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(partials()).u32(n).f32(delta).u32(threads);
        launch1d(Kernel.HUBER_LOSS_PARTIAL, threads);
        return sumPartials(threads) / divisor;
    }

    @Override
    public double mse(Tensor prediction, Tensor target, Tensor weight, int n, float divisor, Tensor grad) {
        device.makeCurrent();
        DeviceBuffer p = b(prediction);
        DeviceBuffer t = b(target);
        DeviceBuffer wt = b(weight);
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(b(grad)).u32(n).f32(divisor);
        launch1d(Kernel.MSE_GRAD, n);
        int threads = partialThreads(n);
        if (threads == 0) {
            return 0;
        }
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(partials()).u32(n).u32(threads);
        launch1d(Kernel.MSE_LOSS_PARTIAL, threads);
        return sumPartials(threads) / divisor;
    }

    @Override
    public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
                         int step) {
        device.makeCurrent();
        // the bias corrections exactly as the CPU backend computes them
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        float stepSize = lr / c1;
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        args.clear().pointer(b(p)).pointer(b(g)).pointer(b(m)).pointer(b(v)).u32(n).f32(beta1).f32(1 - beta1).f32(beta2)
                .f32(1 - beta2).f32(epsilon).f32(stepSize).f32(invSqrtC2);
        launch1d(Kernel.ADAM_UPDATE, n);
    }

    @Override
    public double sumOfSquares(Tensor g, int n) {
        device.makeCurrent();
        int threads = partialThreads(n);
        if (threads == 0) {
            return 0;
        }
        args.clear().pointer(b(g)).pointer(partials()).u32(n).u32(threads);
        launch1d(Kernel.SUM_SQUARES_PARTIAL, threads);
        return sumPartials(threads);
    }

    @Override
    public void scale(Tensor g, int n, float factor) {
        device.makeCurrent();
        args.clear().pointer(b(g)).u32(n).f32(factor);
        launch1d(Kernel.SCALE, n);
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y, int n) {
        device.makeCurrent();
        args.clear().f32(a).pointer(b(x)).pointer(b(y)).u32(n);
        launch1d(Kernel.AXPY, n);
    }

    /** How many partial sums a reduction over {@code n} elements has: one per element up to {@link Kernel#PARTIAL_THREADS}. */
    static int partialThreads(int n) {
        return Math.min(Math.max(0, n), Kernel.PARTIAL_THREADS);
    }

    /** The partial sums' buffer, {@link Kernel#PARTIAL_THREADS} doubles (allocated at the first reduction). */
    private DeviceBuffer partials() {
        if (partials == null) {
            partials = device.allocate(2 * Kernel.PARTIAL_THREADS);
        }
        return partials;
    }

    /** Brings the partial sums back (the one synchronising copy of a reduction) and adds them in index order. */
    private double sumPartials(int threads) {
        partials.downloadDoubles(partialSums, threads);
        double s = 0;
        for (int t = 0; t < threads; t++) {
            s += partialSums[t];
        }
        return s;
    }
}
