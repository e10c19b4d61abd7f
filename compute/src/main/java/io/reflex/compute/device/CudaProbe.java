package io.reflex.compute.device;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Whether this machine can run CUDA, asked of the CUDA driver itself through the foreign function &
 * memory API (no JNI, no native jar): load {@code libcuda.so.1} (which ships with the NVIDIA driver,
 * not with the CUDA toolkit), {@code cuInit(0)}, {@code cuDeviceGetCount}, and each device's name.
 * Anything missing is a one-line reason, never an exception.
 *
 * <p>Needs native access ({@code --enable-native-access=ALL-UNNAMED}, which the launcher passes).
 * Stateless; each {@link #probe} loads the library (the driver stays loaded, as a loaded driver
 * should) and allocates a few bytes in a confined arena.
 */
public final class CudaProbe {

    /** The driver library's name on Linux: the versioned soname, which the driver package always installs. */
    public static final String DRIVER_LIBRARY = "libcuda.so.1";

    /** CUDA_ERROR_NO_DEVICE: the driver loaded but sees no CUDA-capable device. */
    static final int CUDA_ERROR_NO_DEVICE = 100;

    private CudaProbe() {
    }

    /**
     * What the driver reports: the devices' names, or why there are none.
     *
     * @param devices the devices' names by ordinal (empty when unavailable)
     * @param missing why CUDA is unavailable (null when at least one device exists)
     */
    public record Result(List<String> devices, String missing) {

        public Result {
            devices = List.copyOf(devices);
        }

        static Result missing(String reason) {
            return new Result(List.of(), reason);
        }

        public boolean available() {
            return missing == null;
        }
    }

    /** Probes the system's CUDA driver. */
    public static Result probe() {
        return probe(DRIVER_LIBRARY);
    }

    /** Probes the driver library {@code library} (a name the dynamic linker resolves, or a path). */
    static Result probe(String library) {
        SymbolLookup cuda;
        try {
            cuda = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            return Result.missing(library + " not found (no NVIDIA driver on this machine)");
        } catch (IllegalCallerException e) {
            return Result.missing("native access is disabled (run with --enable-native-access=ALL-UNNAMED)");
        }
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle cuInit = downcall(linker, cuda, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            int rc = (int) cuInit.invokeExact(0);
            if (rc == CUDA_ERROR_NO_DEVICE) {
                return Result.missing("no CUDA device (the driver loaded, cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            if (rc != 0) {
                return Result.missing("the CUDA driver failed to start (cuInit returned CUDA error " + rc + ")");
            }
            MethodHandle getCount = downcall(linker, cuda, "cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MemorySegment count = arena.allocate(JAVA_INT);
            rc = (int) getCount.invokeExact(count);
            int n = rc == 0 ? count.get(JAVA_INT, 0) : 0;
            if (n == 0) {
                return Result.missing("no CUDA device (cuDeviceGetCount: " + (rc == 0 ? "0" : "CUDA error " + rc) + ")");
            }
            MethodHandle getDevice = downcall(linker, cuda, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            MethodHandle getName = downcall(linker, cuda, "cuDeviceGetName",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            List<String> names = new ArrayList<>(n);
            MemorySegment device = arena.allocate(JAVA_INT);
            MemorySegment name = arena.allocate(JAVA_BYTE, 256);
            for (int i = 0; i < n; i++) {
                String described = "CUDA device " + i;
                if ((int) getDevice.invokeExact(device, i) == 0
                        && (int) getName.invokeExact(name, 256, device.get(JAVA_INT, 0)) == 0) {
                    described = name.getString(0);
                }
                names.add(described);
            }
            return new Result(names, null);
        } catch (MissingSymbolException e) {
            return Result.missing(library + " lacks " + e.getMessage() + " (driver too old?)");
        } catch (Throwable e) {
            return Result.missing("the CUDA driver could not be called: " + e);
        }
    }

    private static MethodHandle downcall(Linker linker, SymbolLookup lookup, String symbol, FunctionDescriptor descriptor) {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new MissingSymbolException(symbol));
        return linker.downcallHandle(address, descriptor);
    }

    private static final class MissingSymbolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingSymbolException(String symbol) {
            super(symbol, null, false, false);
        }
    }
}
