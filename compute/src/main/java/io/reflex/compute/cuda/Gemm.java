package io.reflex.compute.cuda;

/**
 * The matrix product every dense layer needs, on device buffers:
 * {@code C = alpha · A·B + beta · C}, {@code C} row-major {@code m × n}, and {@code A}, {@code B}
 * read through strides so that transposes cost nothing:
 * {@code A(i, k) = a[i·asi + k·ask]}, {@code B(k, j) = b[k·bsk + j·bsj]}, one stride of each pair 1.
 * Implemented by cuBLAS ({@link CublasGemm}) where {@code libcublas} loads, else by the PTX kernel
 * {@link Kernel#GEMM_TILED} ({@link PtxGemm}). Both run on the context's default stream,
 * asynchronously, in order with the backend's kernels.
 *
 * <p>Not thread-safe: the thread the context is current on. Allocates nothing per call.
 */
public interface Gemm extends AutoCloseable {

    /** {@code cublas} or {@code ptx}. */
    String name();

    void gemm(int m, int n, int k, float alpha, DeviceBuffer a, int asi, int ask, DeviceBuffer b, int bsk, int bsj,
              float beta, DeviceBuffer c);

    /** Releases the library's handle, if any. */
    @Override
    void close();
}
