package io.reflex.compute.cuda;

/**
 * A CUDA driver or cuBLAS call returned an error: the message names the call and the error
 * ({@code cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)}), so a failure on a GPU host says what failed
 * without a debugger.
 */
public final class CudaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;
    private final String errorName;

    public CudaException(String call, int code, String errorName) {
        super(call + ": " + errorName + " (" + code + ")");
        this.call = call;
        this.code = code;
        this.errorName = errorName;
    }

    /** The driver function that failed ({@code cuLaunchKernel}). */
    public String call() {
        return call;
    }

    /** The {@code CUresult} (or {@code cublasStatus_t}) it returned. */
    public int code() {
        return code;
    }

    /** The error's name ({@code CUDA_ERROR_INVALID_VALUE}). */
    public String errorName() {
        return errorName;
    }
}
