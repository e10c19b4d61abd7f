package io.reflex.compute.cuda;

/**
 * A block of device memory holding {@link #capacity()} floats, owned by this object.
 *
 * <p>Lifetime: allocated by {@link CudaContext#allocate}, valid until {@link #close} (which frees it)
 * or until its context closes (which frees every buffer still open, so closing the context releases
 * everything). Closing twice is harmless; any use after close throws {@link IllegalStateException}
 * rather than handing a freed address to the driver. The address may be passed to kernels only
 * while the buffer is open.
 *
 * <p>Not thread-safe: used by the one thread its context is current on. Allocates nothing after
 * construction.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final DeviceMemory memory;
    private final int capacity;
    private final Runnable onClose;
    private long address;

    DeviceBuffer(DeviceMemory memory, int capacity, Runnable onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a device buffer holds >= 1 float, got " + capacity);
        }
        this.memory = memory;
        this.capacity = capacity;
        this.onClose = onClose;
        this.address = memory.allocate(4L * capacity);
    }

    /** Floats it holds. */
    public int capacity() {
        return capacity;
    }

    /** The {@code CUdeviceptr}, for a kernel's argument list. */
    public long address() {
        requireOpen();
        return address;
    }

    public boolean isOpen() {
        return address != 0;
    }

    /** Copies {@code count} floats of {@code src} (from 0) to the start of this buffer. */
    public void upload(float[] src, int count) {
        check(count, src.length);
        memory.copyIn(address, src, 0, count);
    }

    /** Copies the first {@code count} floats of this buffer into {@code dst} (from 0). */
    public void download(float[] dst, int count) {
        check(count, dst.length);
        memory.copyOut(address, dst, 0, count);
    }

    /** Copies the first {@code count} doubles of this buffer (its first {@code 2·count} floats' bytes) into {@code dst}. */
    public void downloadDoubles(double[] dst, int count) {
        requireOpen();
        if (count < 0 || 2L * count > capacity || count > dst.length) {
            throw new IndexOutOfBoundsException("copying " + count + " doubles: the device buffer holds " + capacity
                    + " floats, the host array " + dst.length + " doubles");
        }
        memory.copyOutDoubles(address, dst, count);
    }

    private void check(int count, int hostLength) {
        requireOpen();
        if (count < 0 || count > capacity || count > hostLength) {
            throw new IndexOutOfBoundsException("copying " + count + " floats: the device buffer holds " + capacity
                    + ", the host array " + hostLength);
        }
    }

    private void requireOpen() {
        if (address == 0) {
            throw new IllegalStateException("device buffer of " + capacity + " floats used after close");
        }
    }

    /** Frees the memory; later calls do nothing. */
    @Override
    public void close() {
        if (address == 0) {
            return;
        }
        long a = address;
        address = 0;
        memory.free(a);
        onClose.run();
    }
}
