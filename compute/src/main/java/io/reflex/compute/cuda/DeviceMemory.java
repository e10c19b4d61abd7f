package io.reflex.compute.cuda;

/**
 * Raw device memory as a {@link DeviceBuffer} needs it: allocate, free, and copy floats in and out.
 * {@link CudaContext} implements it on the driver; tests implement it on the heap to check buffers'
 * lifetime without a GPU. Addresses are {@code CUdeviceptr} values; 0 is never a live allocation.
 *
 * <p>Threading is the implementation's: the context's must be called on a thread where it is current.
 */
interface DeviceMemory {

    /** Allocates {@code bytes} (> 0) and returns the address. */
    long allocate(long bytes);

    /** Frees an address {@link #allocate} returned. */
    void free(long address);

    /** Copies {@code count} floats from {@code src[offset...]} to {@code address}. */
    void copyIn(long address, float[] src, int offset, int count);

    /** Copies {@code count} floats from {@code address} to {@code dst[offset...]}. */
    void copyOut(long address, float[] dst, int offset, int count);

    /** Copies {@code count} doubles from {@code address} to {@code dst[0...]} (a kernel's partial sums). */
    void copyOutDoubles(long address, double[] dst, int count);
}
