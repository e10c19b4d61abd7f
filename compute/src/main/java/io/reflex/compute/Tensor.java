package io.reflex.compute;

/**
 * A float array owned by a {@link TensorBackend}, where that backend computes: host memory for a CPU
 * backend, device memory for a GPU. Training keeps a network's parameters, gradients, Adam moments and
 * activations in tensors, so that a step's arithmetic never copies them; what crosses between the host
 * and the backend crosses only through {@link #push} and {@link #pull}, explicitly.
 *
 * <p>{@link #host()} is the tensor's host view: on the CPU it <em>is</em> the storage, so that
 * {@link #push} and {@link #pull} copy nothing; on a device it is a host mirror, allocated at the
 * first {@code host()} (or given by {@link TensorBackend#wrap}), that {@code push} copies to the device
 * and {@code pull} refreshes from it. Write the host view, {@code push}; {@code pull}, read it.
 *
 * <p>Lifetime: the tensor owns its storage until {@link #close} (closing twice is harmless; a closed
 * device tensor refuses further use with an {@link IllegalStateException}); a backend that closes
 * frees the tensors it still holds. Not thread-safe: the thread that trains with it.
 */
public interface Tensor extends AutoCloseable {

    /** Floats it holds. */
    int length();

    /** The host view ({@link #length()} floats): the storage on the CPU, a mirror on a device. */
    float[] host();

    /** Copies the first {@code count} floats of {@link #host()} to the storage (nothing to do on the CPU). */
    void push(int count);

    /** Copies the first {@code count} floats of the storage to {@link #host()} (nothing to do on the CPU). */
    void pull(int count);

    /** Frees the storage (device memory; on the CPU the garbage collector's array). */
    @Override
    void close();
}
