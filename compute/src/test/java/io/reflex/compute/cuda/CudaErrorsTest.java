package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A CUresult that is not success becomes an exception naming the call and the error. */
class CudaErrorsTest {

    @Test
    void aFailedCallNamesTheCallTheErrorAndItsCode() {
        CudaException e = assertThrows(CudaException.class,
                () -> CudaErrors.check("cuMemAlloc_v2", 2, CudaErrors::driverName));
        assertEquals("cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
        assertEquals("cuMemAlloc_v2", e.call());
        assertEquals(2, e.code());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
    }

    @Test
    void successIsSilent() {
        assertDoesNotThrow(() -> CudaErrors.check("cuInit", 0, code -> {
            throw new AssertionError("named a success");
        }));
    }

    @Test
    void theDriversOwnNameIsUsedWhenItHasOne() {
        CudaException e = assertThrows(CudaException.class,
                () -> CudaErrors.check("cuLaunchKernel(reflex_scale)", 719, code -> "CUDA_ERROR_LAUNCH_FAILED"));
        assertEquals("cuLaunchKernel(reflex_scale): CUDA_ERROR_LAUNCH_FAILED (719)", e.getMessage());
    }

    @Test
    void theTableNamesThePtxFailuresAndFallsBackToTheNumber() {
        assertEquals("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", CudaErrors.driverName(CudaErrors.UNSUPPORTED_PTX_VERSION));
        assertEquals("CUDA_ERROR_INVALID_PTX", CudaErrors.driverName(CudaErrors.INVALID_PTX));
        assertEquals("CUDA_ERROR_12345", CudaErrors.driverName(12345));
        assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", CudaErrors.cublasName(13));
        assertEquals("CUBLAS_STATUS_99", CudaErrors.cublasName(99));
    }

    @Test
    void loadingTheDriverWhereThereIsNoneIsOneLine() {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.reflex.compute.device.CudaProbe.probe().available(), "a GPU is here");
        IllegalStateException e = assertThrows(IllegalStateException.class, CudaDriver::load);
        assertEquals("libcuda.so.1 not found (no NVIDIA driver on this machine)", e.getMessage());
    }
}
