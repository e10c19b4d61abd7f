package io.reflex.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link Gemm} by cuBLAS's {@code cublasSgemm_v2}, bound through {@code java.lang.foreign} like the
 * driver. cuBLAS is column-major; a row-major {@code m × n} matrix is its column-major transpose, so
 * {@code C = A·B} is computed as {@code Cᵀ = Bᵀ·Aᵀ} with the operands swapped ({@link #call}). Full FP32
 * (the handle's default math mode: no TF32), so results agree with the CPU within rounding.
 *
 * <p>Lifetime: the handle is created in the context current at {@link #load} and destroyed by
 * {@link #close}, which must come before the context's. Not thread-safe; alpha and beta go through a
 * segment allocated once (a call allocates at most its small {@link Call} record).
 */
final class CublasGemm implements Gemm {

    /** cuBLAS's sonames, newest first; the unversioned name is what a CUDA toolkit's devel package adds. */
    static final List<String> LIBRARIES = List.of("libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11");

    static final int OP_N = 0;
    static final int OP_T = 1;

    /**
     * The column-major {@code cublasSgemm} arguments for the row-major, strided product of {@link Gemm}:
     * the first cuBLAS operand is our {@code B}, the second our {@code A}.
     */
    record Call(int transFirst, int transSecond, int m, int n, int k, int ldFirst, int ldSecond, int ldc) {
    }

    /** Maps {@link Gemm#gemm}'s shape and strides to cuBLAS's arguments. */
    static Call call(int m, int n, int k, int asi, int ask, int bsk, int bsj) {
        // Cᵀ (n × m, column-major, ld n) = Bᵀ (n × k) · Aᵀ (k × m).
        // Bᵀ(j, k) = b[k·bsk + j·bsj]: column-major with ld bsk when bsj = 1, else the transpose of a
        // column-major k × n matrix with ld bsj (bsk = 1). Likewise Aᵀ(k, i) = a[i·asi + k·ask].
        int transB;
        int ldB;
        if (bsj == 1) {
            transB = OP_N;
            ldB = Math.max(1, bsk);
        } else if (bsk == 1) {
            transB = OP_T;
            ldB = Math.max(1, bsj);
        } else {
            throw new IllegalArgumentException("B needs a unit stride, got " + bsk + " and " + bsj);
        }
        int transA;
        int ldA;
        if (ask == 1) {
            transA = OP_N;
            ldA = Math.max(1, asi);
        } else if (asi == 1) {
            transA = OP_T;
            ldA = Math.max(1, ask);
        } else {
            throw new IllegalArgumentException("A needs a unit stride, got " + asi + " and " + ask);
        }
        return new Call(transB, transA, n, m, k, ldB, ldA, n);
    }

    private final MethodHandle sgemm;
    private final MethodHandle destroy;
    private final MemorySegment handle;
    private final MemorySegment alphaSlot;
    private final MemorySegment betaSlot;
    private boolean closed;

    private CublasGemm(MethodHandle sgemm, MethodHandle destroy, MemorySegment handle) {
        this.sgemm = sgemm;
        this.destroy = destroy;
        this.handle = handle;
        MemorySegment scalars = Arena.ofAuto().allocate(JAVA_FLOAT, 2);
        this.alphaSlot = scalars.asSlice(0, 4);
        this.betaSlot = scalars.asSlice(4, 4);
    }

    /**
     * cuBLAS on the current context, or empty (with the reason passed to {@code why}) when no
     * {@code libcublas} loads or its handle cannot be created.
     */
    static Optional<CublasGemm> load(java.util.function.Consumer<String> why) {
        SymbolLookup lib = null;
        for (String name : LIBRARIES) {
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException e) {
                // try the next soname
            }
        }
        if (lib == null) {
            why.accept("no libcublas.so on this host");
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle create = CudaDriver.bind(linker, lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MethodHandle destroy = CudaDriver.bind(linker, lib, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MethodHandle sgemm = CudaDriver.bind(linker, lib, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT,
                    ADDRESS, JAVA_LONG, JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                int status = (int) create.invokeExact(out);
                if (status != 0) {
                    why.accept("cublasCreate_v2: " + CudaErrors.cublasName(status));
                    return Optional.empty();
                }
                return Optional.of(new CublasGemm(sgemm, destroy, out.get(ADDRESS, 0)));
            }
        } catch (Throwable e) {
            why.accept("cuBLAS could not be bound: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "cublas";
    }

    @Override
    public void gemm(int m, int n, int k, float alpha, DeviceBuffer a, int asi, int ask, DeviceBuffer b, int bsk, int bsj,
                     float beta, DeviceBuffer c) {
        Call call = call(m, n, k, asi, ask, bsk, bsj);
        alphaSlot.set(JAVA_FLOAT, 0, alpha);
        betaSlot.set(JAVA_FLOAT, 0, beta);
        int status;
        try {
            status = (int) sgemm.invokeExact(handle, call.transFirst(), call.transSecond(), call.m(), call.n(), call.k(),
                    alphaSlot, b.address(), call.ldFirst(), a.address(), call.ldSecond(), betaSlot,
                    c.address(), call.ldc());
        } catch (Throwable t) {
            throw new IllegalStateException("cublasSgemm_v2 could not be called", t);
        }
        if (status != 0) {
            throw new CudaException("cublasSgemm_v2", status, CudaErrors.cublasName(status));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int status = (int) destroy.invokeExact(handle);
            if (status != 0) {
                throw new CudaException("cublasDestroy_v2", status, CudaErrors.cublasName(status));
            }
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasDestroy_v2 could not be called", t);
        }
    }
}
