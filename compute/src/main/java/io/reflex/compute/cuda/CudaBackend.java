package io.reflex.compute.cuda;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.Tensor;
import io.reflex.compute.TensorBackend;

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
 * <p>Two paths, one set of device operations ({@link CudaTensorBackend}). {@link #tensors()} is the
 * resident one: tensors in device memory that a training step keeps there from the forward pass to the
 * Adam update ({@link io.reflex.compute.Mlp}), with only the batch, the output-side values the host
 * needs and the reductions' partial sums crossing. The array methods are the per-call path (the joint
 * dueling network's): each uploads its operands into scratch tensors (one per operand role, allocated
 * once and grown), runs the same device operations and downloads its results; the copies are
 * synchronous, so a call returns with its work done and an asynchronous kernel failure surfaces as a
 * {@link CudaException} of that call. Losses' values and {@link #sumOfSquares} of host arrays: the
 * losses from the device's fixed-order partial sums, the sum of squares on the host.
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
    private final Gemm gemm;
    private final CudaTensorBackend tensors;
    private final EnumMap<Slot, Tensor> scratch = new EnumMap<>(Slot.class);
    private boolean closed;

    private CudaBackend(int ordinal, String deviceName, CudaContext context, MemorySegment[] modules, KernelArgs args,
                        Gemm gemm) {
        this.ordinal = ordinal;
        this.deviceName = deviceName;
        this.context = context;
        this.driver = context.driver();
        this.modules = modules;
        this.gemm = gemm;
        this.tensors = new CudaTensorBackend(new CudaTensorBackend.Device() {
            @Override
            public DeviceBuffer allocate(int floats) {
                return context.allocate(floats);
            }

            @Override
            public void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs launchArgs) {
                driver.launch(kernel.entry(), functions.get(kernel), gridX, gridY, blockX, blockY, launchArgs);
            }

            @Override
            public void makeCurrent() {
                context.makeCurrent();
            }
        }, gemm, args);
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

    /** The array path's operand {@code slot}, at least {@code floats} long (grown by half again, never shrunk). */
    private Tensor scratch(Slot slot, int floats) {
        Tensor t = scratch.get(slot);
        if (t == null || t.length() < floats) {
            int size = t == null ? Math.max(floats, 256)
                    : (int) Math.min(Integer.MAX_VALUE - 8, Math.max(floats, t.length() * 3L / 2));
            if (t != null) {
                t.close();
            }
            t = tensors.allocate(size);
            scratch.put(slot, t);
        }
        return t;
    }

    private Tensor up(Slot slot, float[] host, int count) {
        Tensor t = scratch(slot, Math.max(1, count));
        if (count > 0) {
            tensors.upload(t, host, count);
        }
        return t;
    }

    private void down(Tensor t, float[] host, int count) {
        if (count > 0) {
            tensors.download(t, host, count);
        }
    }

    /** Device-resident tensors on this backend's context: what {@link io.reflex.compute.Mlp} trains on. */
    @Override
    public TensorBackend tensors() {
        return tensors;
    }

    @Override
    public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        Tensor gy = scratch(Slot.Y, rows * out);
        tensors.denseForward(up(Slot.X, x, rows * in), rows, in, up(Slot.W, w, out * in), up(Slot.B, b, out), out, gy);
        down(gy, y, rows * out);
    }

    @Override
    public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db, float[] dx) {
        Tensor gdw = up(Slot.DW, dw, out * in);
        Tensor gdb = up(Slot.DB, db, out);
        Tensor gdx = dx == null ? null : scratch(Slot.DX, rows * in);
        Tensor gw = dx == null ? null : up(Slot.W, w, out * in);
        tensors.denseBackward(up(Slot.X, x, rows * in), rows, in, gw, out, up(Slot.DY, dy, rows * out), gdw, gdb, gdx);
        if (dx != null) {
            down(gdx, dx, rows * in);
        }
        down(gdw, dw, out * in);
        down(gdb, db, out);
    }

    @Override
    public void reluForward(float[] x, int n, float[] y) {
        Tensor g = up(Slot.X, x, n);
        tensors.reluForward(g, n, g);
        down(g, y, n);
    }

    @Override
    public void reluBackward(float[] y, int n, float[] dy) {
        Tensor gdy = up(Slot.DY, dy, n);
        tensors.reluBackward(up(Slot.Y, y, n), n, gdy);
        down(gdy, dy, n);
    }

    @Override
    public double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor, float[] grad) {
        Tensor g = scratch(Slot.DY, Math.max(1, n));
        double loss = tensors.huber(up(Slot.Y, prediction, n), up(Slot.T, target, n), up(Slot.W, weight, n), n, delta,
                divisor, g);
        down(g, grad, n);
        return loss;
    }

    @Override
    public double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad) {
        Tensor g = scratch(Slot.DY, Math.max(1, n));
        double loss = tensors.mse(up(Slot.Y, prediction, n), up(Slot.T, target, n), up(Slot.W, weight, n), n, divisor, g);
        down(g, grad, n);
        return loss;
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float epsilon,
                         int step) {
        Tensor gp = up(Slot.P, p, n);
        Tensor gm = up(Slot.M, m, n);
        Tensor gv = up(Slot.V, v, n);
        tensors.adamStep(gp, up(Slot.G, g, n), gm, gv, n, lr, beta1, beta2, epsilon, step);
        down(gp, p, n);
        down(gm, m, n);
        down(gv, v, n);
    }

    @Override
    public void scale(float[] g, int n, float factor) {
        Tensor t = up(Slot.G, g, n);
        tensors.scale(t, n, factor);
        down(t, g, n);
    }

    @Override
    public void axpy(float a, float[] x, float[] y, int n) {
        Tensor gy = up(Slot.Y, y, n);
        tensors.axpy(a, up(Slot.X, x, n), gy, n);
        down(gy, y, n);
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
