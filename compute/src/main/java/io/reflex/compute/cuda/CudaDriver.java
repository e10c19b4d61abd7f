package io.reflex.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API ({@code libcuda.so.1}, shipped with the NVIDIA driver) bound through
 * {@code java.lang.foreign}: one downcall handle per function Reflex calls, each wrapped so that a
 * non-zero {@code CUresult} becomes a {@link CudaException} naming the call and the error (by
 * {@code cuGetErrorName}). Sizes are {@code size_t} and {@code CUdeviceptr} 64-bit (Linux x86-64 and
 * aarch64); handles ({@code CUcontext}, {@code CUmodule}, {@code CUfunction}) are addresses.
 * The {@code _v2} symbols are the ones the CUDA headers have mapped these names to since CUDA 4.0.
 *
 * <p>The host-device copies are bound as {@linkplain Linker.Option#critical(boolean) critical with heap
 * access}, so a {@code float[]} is copied straight from the Java heap (pinned for the call) instead of
 * through a native staging buffer.
 *
 * <p>Thread-safe (the handles are immutable; the driver API is), but most calls need a current
 * context on the calling thread: {@link CudaContext} arranges that. Each wrapper allocates at most a
 * few bytes in a confined arena for out-parameters.
 */
public final class CudaDriver {

    /** The driver library's soname. */
    public static final String LIBRARY = "libcuda.so.1";

    private final MethodHandle cuInit;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuCtxCreate;
    private final MethodHandle cuCtxDestroy;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuGetErrorName;

    private CudaDriver(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        cuInit = bind(linker, lib, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDeviceGet = bind(linker, lib, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuCtxCreate = bind(linker, lib, "cuCtxCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuCtxDestroy = bind(linker, lib, "cuCtxDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSetCurrent = bind(linker, lib, "cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSynchronize = bind(linker, lib, "cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = bind(linker, lib, "cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = bind(linker, lib, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = bind(linker, lib, "cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
        cuMemcpyDtoH = bind(linker, lib, "cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
                Linker.Option.critical(true));
        cuModuleLoadData = bind(linker, lib, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleUnload = bind(linker, lib, "cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuModuleGetFunction = bind(linker, lib, "cuModuleGetFunction",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLaunchKernel = bind(linker, lib, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuGetErrorName = bind(linker, lib, "cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /**
     * Loads the system's driver library and binds it.
     *
     * @throws IllegalStateException with one line when the library or a symbol is missing
     */
    public static CudaDriver load() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(LIBRARY + " not found (no NVIDIA driver on this machine)");
        }
        return new CudaDriver(lib);
    }

    static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor d, Linker.Option... options) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new IllegalStateException("the CUDA library lacks " + name + " (driver too old?)"));
        return linker.downcallHandle(symbol, d, options);
    }

    /** The driver's name for {@code code}, or the table's when the driver cannot say. */
    public String errorName(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) cuGetErrorName.invokeExact(code, out);
            if (rc == 0) {
                MemorySegment s = out.get(ADDRESS, 0);
                if (!s.equals(MemorySegment.NULL)) {
                    return s.reinterpret(256).getString(0);
                }
            }
        } catch (Throwable e) {
            // fall through to the table
        }
        return CudaErrors.driverName(code);
    }

    private void check(String call, int rc) {
        CudaErrors.check(call, rc, this::errorName);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public void init() {
        try {
            check("cuInit", (int) cuInit.invokeExact(0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code CUdevice} of ordinal {@code ordinal}. */
    public int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGet", (int) cuDeviceGet.invokeExact(out, ordinal));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A new context on {@code device}, current on the calling thread. */
    public MemorySegment createContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuCtxCreate_v2", (int) cuCtxCreate.invokeExact(out, 0, device));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void destroyContext(MemorySegment context) {
        try {
            check("cuCtxDestroy_v2", (int) cuCtxDestroy.invokeExact(context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void setCurrent(MemorySegment context) {
        try {
            check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits for every launch and copy of the current context; reports a kernel's asynchronous failure. */
    public void synchronize() {
        try {
            check("cuCtxSynchronize", (int) cuCtxSynchronize.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuMemAlloc_v2", (int) cuMemAlloc.invokeExact(out, bytes));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void free(long address) {
        try {
            check("cuMemFree_v2", (int) cuMemFree.invokeExact(address));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies {@code count} floats of {@code src} from {@code offset} to device address {@code dst} (synchronous). */
    public void copyIn(long dst, float[] src, int offset, int count) {
        try {
            MemorySegment heap = MemorySegment.ofArray(src).asSlice(4L * offset, 4L * count);
            check("cuMemcpyHtoD_v2", (int) cuMemcpyHtoD.invokeExact(dst, heap, 4L * count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies {@code count} floats from device address {@code src} into {@code dst} from {@code offset} (synchronous). */
    public void copyOut(long src, float[] dst, int offset, int count) {
        try {
            MemorySegment heap = MemorySegment.ofArray(dst).asSlice(4L * offset, 4L * count);
            check("cuMemcpyDtoH_v2", (int) cuMemcpyDtoH.invokeExact(heap, src, 4L * count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies {@code count} doubles from device address {@code src} into {@code dst} from 0 (synchronous): partial sums. */
    public void copyOut(long src, double[] dst, int count) {
        try {
            MemorySegment heap = MemorySegment.ofArray(dst).asSlice(0, 8L * count);
            check("cuMemcpyDtoH_v2", (int) cuMemcpyDtoH.invokeExact(heap, src, 8L * count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Loads a NUL-terminated PTX (or cubin) image into the current context. */
    public MemorySegment loadModule(byte[] image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, image);
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleLoadData", (int) cuModuleLoadData.invokeExact(out, data));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void unloadModule(MemorySegment module) {
        try {
            check("cuModuleUnload", (int) cuModuleUnload.invokeExact(module));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) cuModuleGetFunction.invokeExact(out, module, arena.allocateFrom(name));
            if (rc != 0) {
                check("cuModuleGetFunction(" + name + ")", rc);
            }
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Launches {@code function} on the current context's default stream, asynchronously. */
    public void launch(String name, MemorySegment function, int gridX, int gridY, int blockX, int blockY, KernelArgs args) {
        try {
            int rc = (int) cuLaunchKernel.invokeExact(function, gridX, gridY, 1, blockX, blockY, 1, 0, MemorySegment.NULL,
                    args.pointers(), MemorySegment.NULL);
            if (rc != 0) {
                // the name is concatenated only on failure: a launch allocates nothing
                check("cuLaunchKernel(" + name + ")", rc);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
