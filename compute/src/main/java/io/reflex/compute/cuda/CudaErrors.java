package io.reflex.compute.cuda;

import java.util.Map;

/**
 * Names of the {@code CUresult} codes Reflex is likely to meet, for when the driver's own
 * {@code cuGetErrorName} cannot answer (it failed, or the code is a cuBLAS status), and the check
 * that turns a non-zero result into a {@link CudaException}. Stateless.
 */
public final class CudaErrors {

    /** CUDA_SUCCESS. */
    public static final int SUCCESS = 0;

    /** CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the driver is older than the PTX ISA the kernels declare. */
    public static final int UNSUPPORTED_PTX_VERSION = 222;

    /** CUDA_ERROR_INVALID_PTX. */
    public static final int INVALID_PTX = 218;

    private static final Map<Integer, String> DRIVER = Map.ofEntries(
            Map.entry(0, "CUDA_SUCCESS"),
            Map.entry(1, "CUDA_ERROR_INVALID_VALUE"),
            Map.entry(2, "CUDA_ERROR_OUT_OF_MEMORY"),
            Map.entry(3, "CUDA_ERROR_NOT_INITIALIZED"),
            Map.entry(4, "CUDA_ERROR_DEINITIALIZED"),
            Map.entry(100, "CUDA_ERROR_NO_DEVICE"),
            Map.entry(101, "CUDA_ERROR_INVALID_DEVICE"),
            Map.entry(200, "CUDA_ERROR_INVALID_IMAGE"),
            Map.entry(201, "CUDA_ERROR_INVALID_CONTEXT"),
            Map.entry(209, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
            Map.entry(218, "CUDA_ERROR_INVALID_PTX"),
            Map.entry(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
            Map.entry(400, "CUDA_ERROR_INVALID_HANDLE"),
            Map.entry(500, "CUDA_ERROR_NOT_FOUND"),
            Map.entry(700, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
            Map.entry(702, "CUDA_ERROR_LAUNCH_TIMEOUT"),
            Map.entry(719, "CUDA_ERROR_LAUNCH_FAILED"),
            Map.entry(999, "CUDA_ERROR_UNKNOWN"));

    private static final Map<Integer, String> CUBLAS = Map.of(
            1, "CUBLAS_STATUS_NOT_INITIALIZED",
            3, "CUBLAS_STATUS_ALLOC_FAILED",
            7, "CUBLAS_STATUS_INVALID_VALUE",
            8, "CUBLAS_STATUS_ARCH_MISMATCH",
            11, "CUBLAS_STATUS_MAPPING_ERROR",
            13, "CUBLAS_STATUS_EXECUTION_FAILED",
            14, "CUBLAS_STATUS_INTERNAL_ERROR",
            15, "CUBLAS_STATUS_NOT_SUPPORTED");

    private CudaErrors() {
    }

    /** A driver result's name from the table ({@code CUDA_ERROR_7}-style for one it lacks). */
    public static String driverName(int code) {
        return DRIVER.getOrDefault(code, "CUDA_ERROR_" + code);
    }

    /** A cuBLAS status's name. */
    public static String cublasName(int status) {
        return CUBLAS.getOrDefault(status, "CUBLAS_STATUS_" + status);
    }

    /** Throws {@link CudaException} naming {@code call} unless {@code code} is success; {@code names} names it. */
    public static void check(String call, int code, java.util.function.IntFunction<String> names) {
        if (code != SUCCESS) {
            throw new CudaException(call, code, names.apply(code));
        }
    }
}
