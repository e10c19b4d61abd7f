package io.reflex.compute.cuda;

import java.lang.foreign.MemorySegment;

/**
 * {@link Gemm} by the hand-written, 16 × 16-tiled PTX kernel {@link Kernel#GEMM_TILED}: the fallback
 * when cuBLAS is not on the host. Far from cuBLAS's speed, but every GPU has it.
 *
 * <p>Not thread-safe; allocates nothing per call (its argument list is reused). Lives as long as the
 * module it was looked up in.
 */
final class PtxGemm implements Gemm {

    private final CudaDriver driver;
    private final MemorySegment function;
    private final KernelArgs args;

    PtxGemm(CudaDriver driver, MemorySegment function, KernelArgs args) {
        this.driver = driver;
        this.function = function;
        this.args = args;
    }

    @Override
    public String name() {
        return "ptx";
    }

    @Override
    public void gemm(int m, int n, int k, float alpha, DeviceBuffer a, int asi, int ask, DeviceBuffer b, int bsk, int bsj,
                     float beta, DeviceBuffer c) {
        args.clear().u32(m).u32(n).u32(k).f32(alpha).pointer(a).u32(asi).u32(ask).pointer(b).u32(bsk).u32(bsj).f32(beta)
                .pointer(c);
        int t = Kernel.TILE;
        driver.launch(Kernel.GEMM_TILED.entry(), function, (n + t - 1) / t, (m + t - 1) / t, t, t, args);
    }

    @Override
    public void close() {
        // nothing of its own: the function belongs to the module
    }
}
