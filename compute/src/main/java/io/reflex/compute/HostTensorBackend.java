package io.reflex.compute;

import java.util.Arrays;

/**
 * {@link TensorBackend} over host arrays: a tensor is a {@code float[]} (its own host view, so
 * {@link Tensor#push} and {@link Tensor#pull} copy nothing), and each operation is the given
 * {@link ComputeBackend}'s array method on those arrays. A network trained through it therefore makes
 * exactly the calls, on exactly the arrays, that the array path made: the same bits.
 *
 * <p>It is the {@link ComputeBackend#tensors()} of every CPU backend; over a GPU backend's array methods
 * it gives that backend's per-call path (each call copying its operands), which the joint dueling
 * network still uses.
 *
 * <p>Threading and allocation as the wrapped backend's; {@link #allocate} allocates the array, closing
 * a tensor only drops it.
 */
public final class HostTensorBackend implements TensorBackend {

    private final ComputeBackend backend;

    /** Host tensors computed on by {@code backend}'s array methods. */
    public HostTensorBackend(ComputeBackend backend) {
        this.backend = backend;
    }

    /** A host tensor: the array is the storage. */
    private static final class HostTensor implements Tensor {
        private final float[] array;

        HostTensor(float[] array) {
            this.array = array;
        }

        @Override
        public int length() {
            return array.length;
        }

        @Override
        public float[] host() {
            return array;
        }

        @Override
        public void push(int count) {
            check(count);
        }

        @Override
        public void pull(int count) {
            check(count);
        }

        private void check(int count) {
            if (count < 0 || count > array.length) {
                throw new IndexOutOfBoundsException("moving " + count + " floats of a host tensor of " + array.length);
            }
        }

        @Override
        public void close() {
            // the array is the garbage collector's
        }
    }

    private static float[] a(Tensor t) {
        if (t instanceof HostTensor h) {
            return h.array;
        }
        throw new IllegalArgumentException("a " + t.getClass().getSimpleName() + " given to the host tensor backend: "
                + "tensors belong to the backend that allocated them");
    }

    private static float[] orNull(Tensor t) {
        return t == null ? null : a(t);
    }

    @Override
    public Tensor allocate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a tensor holds >= 1 float, got " + length);
        }
        return new HostTensor(new float[length]);
    }

    @Override
    public Tensor wrap(float[] host) {
        return new HostTensor(host);
    }

    @Override
    public void zero(Tensor t, int n) {
        Arrays.fill(a(t), 0, n, 0f);
    }

    @Override
    public void copy(Tensor src, Tensor dst, int n) {
        System.arraycopy(a(src), 0, a(dst), 0, n);
    }

    @Override
    public void blend(Tensor src, Tensor dst, int n, float tau) {
        blend(a(src), a(dst), n, tau);
    }

    /** {@code dst[i] += tau · (src[i] − dst[i])}: the one Polyak average, in float, index order. */
    private static void blend(float[] src, float[] dst, int n, float tau) {
        for (int j = 0; j < n; j++) {
            dst[j] += tau * (src[j] - dst[j]);
        }
    }

    @Override
    public void denseForward(Tensor x, int rows, int in, Tensor w, Tensor b, int out, Tensor y) {
        backend.denseForward(a(x), rows, in, a(w), a(b), out, a(y));
    }

    @Override
    public void denseBackward(Tensor x, int rows, int in, Tensor w, int out, Tensor dy, Tensor dw, Tensor db, Tensor dx) {
        backend.denseBackward(a(x), rows, in, a(w), out, a(dy), a(dw), a(db), orNull(dx));
    }

    @Override
    public void reluForward(Tensor x, int n, Tensor y) {
        backend.reluForward(a(x), n, a(y));
    }

    @Override
    public void reluBackward(Tensor y, int n, Tensor dy) {
        backend.reluBackward(a(y), n, a(dy));
    }

    @Override
    public double huber(Tensor prediction, Tensor target, Tensor weight, int n, float delta, float divisor, Tensor grad) {
        return backend.huber(a(prediction), a(target), a(weight), n, delta, divisor, a(grad));
    }

    @Override
    public double mse(Tensor prediction, Tensor target, Tensor weight, int n, float divisor, Tensor grad) {
        return backend.mse(a(prediction), a(target), a(weight), n, divisor, a(grad));
    }

    @Override
    public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
                         int step) {
        backend.adamStep(a(p), a(g), a(m), a(v), n, lr, beta1, beta2, epsilon, step);
    }

    @Override
    public double sumOfSquares(Tensor g, int n) {
        return backend.sumOfSquares(a(g), n);
    }

    @Override
    public void scale(Tensor g, int n, float factor) {
        backend.scale(a(g), n, factor);
    }

    @Override
    public void axpy(float a, Tensor x, Tensor y, int n) {
        backend.axpy(a, a(x), a(y), n);
    }
}
