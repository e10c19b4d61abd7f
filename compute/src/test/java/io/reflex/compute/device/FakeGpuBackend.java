package io.reflex.compute.device;

import io.reflex.compute.ComputeBackend;

/** A backend that only names a device: what the selection returns is checked without a GPU. */
final class FakeGpuBackend implements ComputeBackend {

    private final String device;

    FakeGpuBackend(String device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "fake-gpu";
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public void denseForward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void denseBackward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dw, float[] db, float[] dx) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void reluForward(float[] x, int n, float[] y) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void reluBackward(float[] y, int n, float[] dy) {
        throw new UnsupportedOperationException();
    }

    @Override
    public double huber(float[] prediction, float[] target, float[] weight, int n, float delta, float divisor, float[] grad) {
        throw new UnsupportedOperationException();
    }

    @Override
    public double mse(float[] prediction, float[] target, float[] weight, int n, float divisor, float[] grad) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2, float epsilon,
                         int step) {
        throw new UnsupportedOperationException();
    }

    @Override
    public double sumOfSquares(float[] g, int n) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void scale(float[] g, int n, float factor) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void axpy(float a, float[] x, float[] y, int n) {
        throw new UnsupportedOperationException();
    }
}
