package io.reflex.compute;

/**
 * The training arithmetic the learning algorithms are allowed to use: dense layers forward and
 * backward over a batch, ReLU, Huber and MSE losses, and Adam steps. Everything is on flat
 * {@code float[]} arrays, row-major: a batch of activations is {@code [rows][width]}, a dense
 * layer's weights are {@code [outputs][inputs]} (the layout of ONNX {@code Gemm} with
 * {@code transB = 1}, and of the engine's {@code io.reflex.engine.onnx.Dense}).
 *
 * <p>Every trainer (the eviction DQN and next-access regression, LOMAR's REINFORCE scorer, TPGR's
 * level policies) reaches arithmetic only through this interface, by way of {@link DenseLayer},
 * {@link Mlp} and {@link Adam}, so a GPU backend can be added by implementing it (and owning where the
 * arrays live) without touching them.
 *
 * <p>Contract for implementations: deterministic (the same inputs give bit-identical outputs on the
 * same machine: no data-dependent reduction order, no threads racing on a sum); no allocation per
 * call that grows with the data (a backend that splits a call over threads may allocate its few
 * task objects; a GPU backend allocates device memory once per role and grows it). Threading: an
 * instance may hold scratch space and is then confined to one thread ({@code CudaBackend});
 * {@code VectorCpuBackend} is thread-safe.
 */
public interface ComputeBackend {

    /**
     * This backend's arithmetic on tensors that live where it computes, for a training step that keeps
     * a network there ({@link Mlp}): host arrays with no copies ({@link HostTensorBackend}) unless the
     * backend owns other memory (the CUDA backend: device memory). One instance per call; the tensors
     * it makes belong to their caller.
     */
    default TensorBackend tensors() {
        return new HostTensorBackend(this);
    }

    /** A short name for logs ({@code cpu-vector}). */
    String name();

    /** {@link #device()} of every CPU backend. */
    String CPU = "cpu";

    /**
     * Where the arithmetic runs, as an exported model's {@code reflex.device} metadata names it:
     * {@value #CPU}, or {@code gpu:N (NAME)} for a GPU. Models trained on the CPU carry no such entry,
     * so their bytes are what they were before devices existed.
     */
    default String device() {
        return CPU;
    }

    /**
     * {@code y[r][o] = b[o] + Σ_i x[r][i] · w[o][i]} for {@code rows} rows.
     *
     * @param x {@code rows × in}
     * @param w {@code out × in}
     * @param b {@code out}
     * @param y {@code rows × out}, overwritten
     */
    void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y);

    /**
     * Back-propagates {@code dy} through {@code y = x·wᵀ + b}: accumulates {@code dw += dyᵀ·x} and
     * {@code db += Σ_r dy[r]}, and writes {@code dx = dy·w} when {@code dx} is not null.
     */
    void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db, float[] dx);

    /** {@code y[i] = max(0, x[i])} for the first {@code n} values ({@code y} may be {@code x}). */
    void reluForward(float[] x, int n, float[] y);

    /** {@code dy[i] = 0} wherever the ReLU output {@code y[i]} is not positive, in place. */
    void reluBackward(float[] y, int n, float[] dy);

    /**
     * Mean Huber loss over the entries where {@code weight[i] != 0} (weighted by it), divided by
     * {@code divisor}; writes its gradient with respect to {@code prediction} into {@code grad}
     * (zero where the weight is zero).
     *
     * @return the loss
     */
    double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor, float[] grad);

    /** As {@link #huber} with the squared error {@code ½(p − t)²}. */
    double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad);

    /**
     * One Adam step (Kingma and Ba, with bias correction) on {@code n} parameters:
     * {@code m = β1·m + (1−β1)·g}, {@code v = β2·v + (1−β2)·g²},
     * {@code p −= lr · m̂ / (√v̂ + ε)}, where {@code step} counts from 1.
     */
    void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float epsilon,
                  int step);

    /**
     * {@code Σ g[i]²} over the first {@code n} values (for gradient clipping), in double, in index
     * order: every backend sums host arrays on the host. (Device tensors are summed by
     * {@link TensorBackend#sumOfSquares} in the device's own fixed order.)
     */
    default double sumOfSquares(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) g[i] * g[i];
        }
        return s;
    }

    /** {@code g[i] *= factor} over the first {@code n} values. */
    void scale(float[] g, int n, float factor);

    /** {@code y[i] += a · x[i]} over the first {@code n} values (an L2 penalty's gradient, for one). */
    void axpy(float a, float[] x, float[] y, int n);
}
