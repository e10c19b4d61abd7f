package io.reflex.compute.cuda;

import io.reflex.compute.ComputeBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.function.Consumer;

/**
 * The CUDA {@link ComputeBackend}: the matrix products by cuBLAS ({@code cublasSgemm}, when
 * {@code libcublas} loads) or by the tiled PTX GEMM, and every element-wise step (bias and ReLU,
 * ReLU's gradient, the Huber and MSE gradients, the bias-gradient sum, Adam, scaling, axpy) by the
 * hand-written PTX kernels in this package's resources ({@link Kernel}), loaded with
 * {@code cuModuleLoadData}; all through {@code java.lang.foreign}, no JNI.
 *
 * <p>The {@link ComputeBackend} contract is on host arrays, so each call uploads its operands, runs on
 * the device and downloads its results (the copies are synchronous, so a call returns with its work
 * done and an asynchronous kernel failure surfaces as a {@link CudaException} of that call). Device
 * scratch buffers are allocated once per role and grown when a bigger batch comes, never per call.
 * The losses' values are summed on the host in double, in the CPU backend's order; their gradients
 * are the device's. {@link #sumOfSquares} (a double reduction feeding gradient clipping) is computed
 * on the host too.
 *
 * <p>Same results within rounding: FP32 throughout with no TF32, the element-wise kernels in the CPU
 * backend's operation order (the {@code .rn} forms, no contraction into fma); only the GEMMs' order
 * of additions differs from the CPU backend's.
 *
 * <p>Lifetime: {@link #open} creates a CUDA context, loads the modules and (maybe) a cuBLAS handle;
 * {@link #close} releases them all, and every device buffer. Not thread-safe: one thread at a time
 * (the context is made current on a thread that calls after another did).
 */
public final class CudaBackend implements ComputeBackend, AutoCloseable {

    /** The device buffers a call may need, one per operand role. */
    private enum Slot { X, W, B, Y, DY, DW, DB, DX, P, G, M, V, T }

    private final int ordinal;
    private final String deviceName;
    private final CudaContext context;
    private final CudaDriver driver;
    private final MemorySegment[] modules;
    private final EnumMap<Kernel, MemorySegment> functions = new EnumMap<>(Kernel.class);
    private final KernelArgs args;
    private final Gemm gemm;
    private final EnumMap<Slot, DeviceBuffer> scratch = new EnumMap<>(Slot.class);
    private boolean closed;

    private CudaBackend(int ordinal, String deviceName, CudaContext context, MemorySegment[] modules, KernelArgs args,
                        Gemm gemm) {
        this.ordinal = ordinal;
        this.deviceName = deviceName;
        this.context = context;
        this.driver = context.driver();
        this.modules = modules;
        this.args = args;
        this.gemm = gemm;
    }

    /**
     * A backend on GPU {@code ordinal}: a new context, the PTX modules (the driver JIT-compiles them for
     * the device: a driver older than their PTX ISA fails with {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}),
     * and cuBLAS when it loads, else the PTX GEMM ({@code note} hears which).
     *
     * @throws CudaException      when a driver call fails (everything opened so far is released)
     * @throws IllegalStateException when {@code libcuda.so.1} or a symbol is missing
     */
    public static CudaBackend open(int ordinal, String deviceName, Consumer<String> note) {
        CudaDriver driver = CudaDriver.load();
        CudaContext context = CudaContext.open(driver, ordinal);
        try {
            MemorySegment elementwise = driver.loadModule(Kernel.ptx("elementwise.ptx"));
            MemorySegment gemmModule = driver.loadModule(Kernel.ptx("gemm.ptx"));
            MemorySegment[] modules = {elementwise, gemmModule};
            EnumMap<Kernel, MemorySegment> functions = new EnumMap<>(Kernel.class);
            for (Kernel k : Kernel.values()) {
                functions.put(k, driver.function(k.resource().equals("gemm.ptx") ? gemmModule : elementwise, k.entry()));
            }
            KernelArgs args = new KernelArgs(Arena.ofAuto(), 16);
            StringBuilder why = new StringBuilder();
            Gemm gemm = CublasGemm.load(why::append).map(g -> (Gemm) g)
                    .orElseGet(() -> new PtxGemm(driver, functions.get(Kernel.GEMM_TILED), args));
            note.accept("matrix products by " + (gemm.name().equals("cublas") ? "cuBLAS" : "the PTX GEMM (" + why + ")"));
            CudaBackend backend = new CudaBackend(ordinal, deviceName, context, modules, args, gemm);
            backend.functions.putAll(functions);
            return backend;
        } catch (RuntimeException e) {
            try {
                context.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda-" + gemm.name();
    }

    @Override
    public String device() {
        return "gpu:" + ordinal + " (" + deviceName + ")";
    }

    /** {@code cublas} or {@code ptx}: who computes the matrix products. */
    public String gemmName() {
        return gemm.name();
    }

    /** The scratch buffer for {@code slot}, at least {@code floats} long (grown, never shrunk). */
    private DeviceBuffer buffer(Slot slot, int floats) {
        DeviceBuffer b = scratch.get(slot);
        if (b == null || b.capacity() < floats) {
            if (b != null) {
                b.close();
            }
            // grow by half again so that a slowly growing batch does not reallocate every call
            int size = b == null ? Math.max(floats, 256) : (int) Math.min(Integer.MAX_VALUE - 8, Math.max(floats, b.capacity() * 3L / 2));
            b = context.allocate(size);
            scratch.put(slot, b);
        }
        return b;
    }

    private DeviceBuffer upload(Slot slot, float[] host, int count) {
        DeviceBuffer b = buffer(slot, Math.max(1, count));
        if (count > 0) {
            b.upload(host, count);
        }
        return b;
    }

    private void launch1d(Kernel kernel, int n) {
        int blocks = (n + Kernel.BLOCK - 1) / Kernel.BLOCK;
        driver.launch(kernel.entry(), functions.get(kernel), Math.max(1, blocks), 1, Kernel.BLOCK, 1, args);
    }

    @Override
    public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        context.makeCurrent();
        DeviceBuffer dx = upload(Slot.X, x, rows * in);
        DeviceBuffer dw = upload(Slot.W, w, out * in);
        DeviceBuffer db = upload(Slot.B, b, out);
        DeviceBuffer dy = buffer(Slot.Y, rows * out);
        // y = x · wᵀ: A = x (rows × in, row-major), B(k, j) = w[j][k]
        gemm.gemm(rows, out, in, 1f, dx, in, 1, dw, 1, in, 0f, dy);
        args.clear().pointer(dy).pointer(db).u32(rows * out).u32(out).u32(0);
        launch1d(Kernel.DENSE_BIAS_ACT, rows * out);
        dy.download(y, rows * out);
    }

    @Override
    public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db, float[] dx) {
        context.makeCurrent();
        DeviceBuffer gx = upload(Slot.X, x, rows * in);
        DeviceBuffer gdy = upload(Slot.DY, dy, rows * out);
        DeviceBuffer gdw = upload(Slot.DW, dw, out * in);
        DeviceBuffer gdb = upload(Slot.DB, db, out);
        // dw += dyᵀ · x: A(o, r) = dy[r][o], B(r, i) = x[r][i]
        gemm.gemm(out, in, rows, 1f, gdy, 1, out, gx, in, 1, 1f, gdw);
        args.clear().pointer(gdy).pointer(gdb).u32(rows).u32(out);
        launch1d(Kernel.BIAS_GRAD_SUM, out);
        if (dx != null) {
            DeviceBuffer gw = upload(Slot.W, w, out * in);
            DeviceBuffer gdx = buffer(Slot.DX, rows * in);
            // dx = dy · w: A(r, o) = dy[r][o], B(o, i) = w[o][i]
            gemm.gemm(rows, in, out, 1f, gdy, out, 1, gw, in, 1, 0f, gdx);
            gdx.download(dx, rows * in);
        }
        gdw.download(dw, out * in);
        gdb.download(db, out);
    }

    @Override
    public void reluForward(float[] x, int n, float[] y) {
        context.makeCurrent();
        DeviceBuffer g = upload(Slot.X, x, n);
        args.clear().pointer(g).pointer(g).u32(n);
        launch1d(Kernel.RELU_FORWARD, n);
        g.download(y, n);
    }

    @Override
    public void reluBackward(float[] y, int n, float[] dy) {
        context.makeCurrent();
        DeviceBuffer gy = upload(Slot.Y, y, n);
        DeviceBuffer gdy = upload(Slot.DY, dy, n);
        args.clear().pointer(gy).pointer(gdy).u32(n);
        launch1d(Kernel.RELU_BACKWARD, n);
        gdy.download(dy, n);
    }

    @Override
    public double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor, float[] grad) {
        context.makeCurrent();
        DeviceBuffer p = upload(Slot.Y, prediction, n);
        DeviceBuffer t = upload(Slot.T, target, n);
        DeviceBuffer wt = upload(Slot.W, weight, n);
        DeviceBuffer g = buffer(Slot.DY, n);
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(g).u32(n).f32(delta).f32(divisor);
        launch1d(Kernel.HUBER_GRAD, n);
        g.download(grad, n);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float wgt = weight[i];
            if (wgt == 0f) {
                continue;
            }
            float e = prediction[i] - target[i];
            float a = Math.abs(e);
            loss += a <= delta ? wgt * 0.5 * e * e : wgt * delta * (a - 0.5 * delta);
        }
        return loss / divisor;
    }

    @Override
    public double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad) {
        context.makeCurrent();
        DeviceBuffer p = upload(Slot.Y, prediction, n);
        DeviceBuffer t = upload(Slot.T, target, n);
        DeviceBuffer wt = upload(Slot.W, weight, n);
        DeviceBuffer g = buffer(Slot.DY, n);
        args.clear().pointer(p).pointer(t).pointer(wt).pointer(g).u32(n).f32(divisor);
        launch1d(Kernel.MSE_GRAD, n);
        g.download(grad, n);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float e = prediction[i] - target[i];
            loss += weight[i] * 0.5 * e * e;
        }
        return loss / divisor;
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float epsilon,
                         int step) {
        context.makeCurrent();
        // the bias corrections exactly as the CPU backend computes them
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        float stepSize = lr / c1;
        float invSqrtC2 = (float) (1 / Math.sqrt(c2));
        DeviceBuffer gp = upload(Slot.P, p, n);
        DeviceBuffer gg = upload(Slot.G, g, n);
        DeviceBuffer gm = upload(Slot.M, m, n);
        DeviceBuffer gv = upload(Slot.V, v, n);
        args.clear().pointer(gp).pointer(gg).pointer(gm).pointer(gv).u32(n).f32(beta1).f32(1 - beta1).f32(beta2)
                .f32(1 - beta2).f32(epsilon).f32(stepSize).f32(invSqrtC2);
        launch1d(Kernel.ADAM_UPDATE, n);
        gp.download(p, n);
        gm.download(m, n);
        gv.download(v, n);
    }

    @Override
    public void scale(float[] g, int n, float factor) {
        context.makeCurrent();
        DeviceBuffer b = upload(Slot.G, g, n);
        args.clear().pointer(b).u32(n).f32(factor);
        launch1d(Kernel.SCALE, n);
        b.download(g, n);
    }

    @Override
    public void axpy(float a, float[] x, float[] y, int n) {
        context.makeCurrent();
        DeviceBuffer gx = upload(Slot.X, x, n);
        DeviceBuffer gy = upload(Slot.Y, y, n);
        args.clear().f32(a).pointer(gx).pointer(gy).u32(n);
        launch1d(Kernel.AXPY, n);
        gy.download(y, n);
    }

    /** Releases cuBLAS, the modules, every device buffer and the context. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.makeCurrent();
        gemm.close();
        scratch.clear();
        functions.clear();
        for (MemorySegment m : modules) {
            driver.unloadModule(m);
        }
        context.close();
    }
}
