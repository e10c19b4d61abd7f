package io.reflex.compute.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One CUDA context on one device, and the device memory allocated in it.
 *
 * <p>Lifetime: {@link #open} creates the context; {@link #close} frees every {@link DeviceBuffer}
 * still open, then destroys the context (after which its buffers, modules and functions are invalid).
 * Closing twice is harmless.
 *
 * <p>Threading: a CUDA context is current per thread. The context is made current on the thread that
 * opens it; a call from another thread must first {@link #makeCurrent()} (the backend does so when the
 * calling thread changes). Not thread-safe: one thread at a time.
 */
public final class CudaContext implements DeviceMemory, AutoCloseable {

    private final CudaDriver driver;
    private final MemorySegment context;
    private final Set<DeviceBuffer> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private Thread current;
    private boolean closed;

    private CudaContext(CudaDriver driver, MemorySegment context) {
        this.driver = driver;
        this.context = context;
        this.current = Thread.currentThread();
    }

    /** {@code cuInit}, {@code cuDeviceGet(ordinal)}, {@code cuCtxCreate}: a context current on this thread. */
    public static CudaContext open(CudaDriver driver, int ordinal) {
        driver.init();
        int device = driver.device(ordinal);
        return new CudaContext(driver, driver.createContext(device));
    }

    public CudaDriver driver() {
        return driver;
    }

    /** Makes this context current on the calling thread when it is not already (cheap when it is). */
    public void makeCurrent() {
        requireOpen();
        Thread t = Thread.currentThread();
        if (t != current) {
            driver.setCurrent(context);
            current = t;
        }
    }

    /** A new buffer of {@code floats} floats in this context, owned by the caller (and freed at the latest by {@link #close}). */
    public DeviceBuffer allocate(int floats) {
        requireOpen();
        DeviceBuffer[] self = new DeviceBuffer[1];
        DeviceBuffer b = new DeviceBuffer(this, floats, () -> open.remove(self[0]));
        self[0] = b;
        open.add(b);
        return b;
    }

    /** Buffers allocated and not yet closed. */
    public int openBuffers() {
        return open.size();
    }

    @Override
    public long allocate(long bytes) {
        return driver.malloc(bytes);
    }

    @Override
    public void free(long address) {
        driver.free(address);
    }

    @Override
    public void copyIn(long address, float[] src, int offset, int count) {
        driver.copyIn(address, src, offset, count);
    }

    @Override
    public void copyOut(long address, float[] dst, int offset, int count) {
        driver.copyOut(address, dst, offset, count);
    }

    @Override
    public void copyOutDoubles(long address, double[] dst, int count) {
        driver.copyOut(address, dst, count);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA context is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        makeCurrent();
        for (DeviceBuffer b : open.toArray(DeviceBuffer[]::new)) {
            b.close();
        }
        closed = true;
        driver.destroyContext(context);
    }
}
