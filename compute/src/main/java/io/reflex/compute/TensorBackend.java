package io.reflex.compute;

/**
 * {@link ComputeBackend}'s arithmetic on {@link Tensor}s that live where the backend computes, so that a
 * training step keeps a network's parameters, gradients, Adam moments and activations there from the
 * forward pass through the backward pass and the update (on a GPU: no per-layer copies; the batch's
 * inputs go up, the loss comes back). Every operation means what the {@code ComputeBackend} method of
 * the same name means, on the tensors' first elements.
 *
 * <p>{@link HostTensorBackend} implements it over host arrays with no copies, by calling a
 * {@code ComputeBackend}'s array methods on the tensors' storage (the same calls on the same arrays as
 * the array path: the same bits); the CUDA backend implements it on device memory.
 *
 * <p>Reductions ({@link #huber}, {@link #mse}, {@link #sumOfSquares}) return a {@code double} to the
 * host. Each implementation sums in one fixed order, so it decides alike every time (a device sums
 * fixed partial sums, then adds them on the host in index order, which may differ from the CPU's
 * sequential sum in the last bits of the double).
 *
 * <p>Threading and allocation: as the backend's; {@link #allocate} and {@link #wrap} allocate the
 * tensor's storage (owned by the caller, freed by {@link Tensor#close}), nothing else allocates per
 * call that grows with the data.
 */
public interface TensorBackend {

    /** A tensor of {@code length} zeros. */
    Tensor allocate(int length);

    /**
     * A tensor whose host view is {@code host} (not copied) holding its values: on the CPU the array is
     * the storage; on a device the values are copied up once and {@link Tensor#pull} brings later values
     * back into {@code host}.
     */
    Tensor wrap(float[] host);

    /** {@code t[i] = 0} for {@code i < n}. */
    void zero(Tensor t, int n);

    /** {@code dst[i] = src[i]} for {@code i < n}. */
    void copy(Tensor src, Tensor dst, int n);

    /** {@code dst[i] += tau · (src[i] − dst[i])} for {@code i < n} (Polyak averaging; use {@link #copy} for 1). */
    void blend(Tensor src, Tensor dst, int n, float tau);

    /** As {@link ComputeBackend#denseForward}. */
    void denseForward(Tensor x, int rows, int in, Tensor w, Tensor b, int out, Tensor y);

    /** As {@link ComputeBackend#denseBackward} ({@code dx} may be null). */
    void denseBackward(Tensor x, int rows, int in, Tensor w, int out, Tensor dy, Tensor dw, Tensor db, Tensor dx);

    /** As {@link ComputeBackend#reluForward}. */
    void reluForward(Tensor x, int n, Tensor y);

    /** As {@link ComputeBackend#reluBackward}. */
    void reluBackward(Tensor y, int n, Tensor dy);

    /** As {@link ComputeBackend#huber}: the gradient stays in {@code grad}, the loss comes back. */
    double huber(Tensor prediction, Tensor target, Tensor weight, int n, float delta, float divisor, Tensor grad);

    /** As {@link ComputeBackend#mse}: the gradient stays in {@code grad}, the loss comes back. */
    double mse(Tensor prediction, Tensor target, Tensor weight, int n, float divisor, Tensor grad);

    /** As {@link ComputeBackend#adamStep}. */
    void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
                  int step);

    /** {@code Σ g[i]²} in double, in this backend's fixed order (for gradient clipping). */
    double sumOfSquares(Tensor g, int n);

    /** As {@link ComputeBackend#scale}. */
    void scale(Tensor g, int n, float factor);

    /** As {@link ComputeBackend#axpy}. */
    void axpy(float a, Tensor x, Tensor y, int n);
}
