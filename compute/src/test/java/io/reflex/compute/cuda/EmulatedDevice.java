package io.reflex.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU without a GPU, for the pure-Java side of the CUDA backend: device memory on the heap (byte
 * segments at fake addresses, recording allocations and frees), and every {@link Kernel} and the
 * {@link Gemm} carried out in Java from the argument list exactly as the Java side marshals it (pointer,
 * {@code .u32} and {@code .f32} slots in the PTX entry's parameter order). It checks each launch's
 * argument count against the kernel's declaration and that the grid covers the elements. It does not
 * check the PTX itself ({@code PtxResourcesTest} and ptxas do), only what the host sends it.
 */
final class EmulatedDevice implements DeviceMemory, CudaTensorBackend.Device, Gemm {

    final Map<Long, MemorySegment> live = new HashMap<>();
    final List<Long> freed = new ArrayList<>();
    int launches;
    long floatsIn;
    long floatsOut;
    private long next = 0x1000;

    @Override
    public long allocate(long bytes) {
        long a = next;
        next += bytes + 256;
        live.put(a, Arena.ofAuto().allocate(bytes, 8));
        return a;
    }

    @Override
    public void free(long address) {
        if (live.remove(address) == null) {
            throw new AssertionError("freed " + address + ", which is not live");
        }
        freed.add(address);
    }

    private MemorySegment at(long address) {
        MemorySegment s = live.get(address);
        if (s == null) {
            throw new AssertionError("address " + address + " is not a live allocation");
        }
        return s;
    }

    @Override
    public void copyIn(long address, float[] src, int offset, int count) {
        floatsIn += count;
        MemorySegment.copy(src, offset, at(address), ValueLayout.JAVA_FLOAT, 0, count);
    }

    @Override
    public void copyOut(long address, float[] dst, int offset, int count) {
        floatsOut += count;
        MemorySegment.copy(at(address), ValueLayout.JAVA_FLOAT, 0, dst, offset, count);
    }

    @Override
    public void copyOutDoubles(long address, double[] dst, int count) {
        MemorySegment.copy(at(address), ValueLayout.JAVA_DOUBLE, 0, dst, 0, count);
    }

    @Override
    public DeviceBuffer allocate(int floats) {
        return new DeviceBuffer(this, floats, () -> { });
    }

    @Override
    public void makeCurrent() {
        // one thread, one context
    }

    private float f(long address, long i) {
        return at(address).getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    private void set(long address, long i, float v) {
        at(address).setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs a) {
        launches++;
        assertEquals(kernel.parameters(), a.count(), kernel.entry() + "'s arguments");
        long threads = (long) gridX * blockX;
        switch (kernel) {
            case DENSE_BIAS_ACT -> {
                long y = a.u64At(0), b = a.u64At(1);
                int n = covered(a.u32At(2), threads), out = a.u32At(3);
                boolean relu = a.u32At(4) != 0;
                for (int i = 0; i < n; i++) {
                    float v = f(y, i) + f(b, i % out);
                    set(y, i, relu ? Math.max(0f, v) : v);
                }
            }
            case RELU_FORWARD -> {
                int n = covered(a.u32At(2), threads);
                for (int i = 0; i < n; i++) {
                    set(a.u64At(1), i, Math.max(0f, f(a.u64At(0), i)));
                }
            }
            case RELU_BACKWARD -> {
                int n = covered(a.u32At(2), threads);
                for (int i = 0; i < n; i++) {
                    if (!(f(a.u64At(0), i) > 0f)) {
                        set(a.u64At(1), i, 0f);
                    }
                }
            }
            case MSE_GRAD -> {
                int n = covered(a.u32At(4), threads);
                float divisor = a.f32At(5);
                for (int i = 0; i < n; i++) {
                    float w = f(a.u64At(2), i);
                    set(a.u64At(3), i, w == 0f ? 0f : w * (f(a.u64At(0), i) - f(a.u64At(1), i)) / divisor);
                }
            }
            case HUBER_GRAD -> {
                int n = covered(a.u32At(4), threads);
                float delta = a.f32At(5), divisor = a.f32At(6);
                for (int i = 0; i < n; i++) {
                    float w = f(a.u64At(2), i);
                    float e = f(a.u64At(0), i) - f(a.u64At(1), i);
                    set(a.u64At(3), i, w == 0f ? 0f : Math.abs(e) <= delta ? w * e / divisor : w * delta * Math.signum(e) / divisor);
                }
            }
            case ADAM_UPDATE -> {
                long p = a.u64At(0), g = a.u64At(1), m = a.u64At(2), v = a.u64At(3);
                int n = covered(a.u32At(4), threads);
                float b1 = a.f32At(5), omb1 = a.f32At(6), b2 = a.f32At(7), omb2 = a.f32At(8), eps = a.f32At(9);
                float stepSize = a.f32At(10), invSqrtC2 = a.f32At(11);
                for (int i = 0; i < n; i++) {
                    float gi = f(g, i);
                    float mi = b1 * f(m, i) + omb1 * gi;
                    float vi = b2 * f(v, i) + omb2 * gi * gi;
                    set(m, i, mi);
                    set(v, i, vi);
                    set(p, i, f(p, i) - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtC2 + eps));
                }
            }
            case BIAS_GRAD_SUM -> {
                long dy = a.u64At(0), db = a.u64At(1);
                int rows = a.u32At(2), out = covered(a.u32At(3), threads);
                for (int o = 0; o < out; o++) {
                    float s = f(db, o);
                    for (int r = 0; r < rows; r++) {
                        s += f(dy, (long) r * out + o);
                    }
                    set(db, o, s);
                }
            }
            case SCALE -> {
                int n = covered(a.u32At(1), threads);
                for (int i = 0; i < n; i++) {
                    set(a.u64At(0), i, f(a.u64At(0), i) * a.f32At(2));
                }
            }
            case AXPY -> {
                int n = covered(a.u32At(3), threads);
                for (int i = 0; i < n; i++) {
                    set(a.u64At(2), i, f(a.u64At(2), i) + a.f32At(0) * f(a.u64At(1), i));
                }
            }
            case ZERO -> {
                int n = covered(a.u32At(1), threads);
                for (int i = 0; i < n; i++) {
                    set(a.u64At(0), i, 0f);
                }
            }
            case COPY -> {
                int n = covered(a.u32At(2), threads);
                for (int i = 0; i < n; i++) {
                    set(a.u64At(1), i, f(a.u64At(0), i));
                }
            }
            case BLEND -> {
                int n = covered(a.u32At(2), threads);
                float tau = a.f32At(3);
                for (int i = 0; i < n; i++) {
                    float d = f(a.u64At(1), i);
                    set(a.u64At(1), i, d + tau * (f(a.u64At(0), i) - d));
                }
            }
            case SUM_SQUARES_PARTIAL -> partials(a, 3, 2, threads, (i, unused) -> {
                double g = f(a.u64At(0), i);
                return g * g;
            });
            case MSE_LOSS_PARTIAL -> partials(a, 5, 4, threads, (i, unused) -> {
                float e = f(a.u64At(0), i) - f(a.u64At(1), i);
                return f(a.u64At(2), i) * 0.5 * e * e;
            });
            case HUBER_LOSS_PARTIAL -> partials(a, 6, 4, threads, (i, unused) -> {
                float w = f(a.u64At(2), i);
                float delta = a.f32At(5);
                float e = f(a.u64At(0), i) - f(a.u64At(1), i);
                float abs = Math.abs(e);
                return w == 0f ? 0 : abs <= delta ? w * 0.5 * e * e : w * delta * (abs - 0.5 * delta);
            });
            case GEMM_TILED -> throw new AssertionError("the tensor backend reaches the GEMM through Gemm, not a launch");
        }
    }

    private interface Term {
        double at(long i, int unused);
    }

    /** Thread t sums term(i) for i = t, t + T, ... < n into partial[t] (the PTX's order). */
    private void partials(KernelArgs a, int threadsArg, int nArg, long launched, Term term) {
        int t = covered(a.u32At(threadsArg), launched);
        int n = a.u32At(nArg);
        long partial = threadsArg == 3 ? a.u64At(1) : a.u64At(3);
        for (int thread = 0; thread < t; thread++) {
            double s = 0;
            for (long i = thread; i < n; i += t) {
                s += term.at(i, 0);
            }
            at(partial).setAtIndex(ValueLayout.JAVA_DOUBLE, thread, s);
        }
    }

    private static int covered(int n, long threads) {
        assertTrue(threads >= n, "a launch of " + threads + " threads for " + n + " elements");
        return n;
    }

    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public void gemm(int m, int n, int k, float alpha, DeviceBuffer a, int asi, int ask, DeviceBuffer b, int bsk, int bsj,
                     float beta, DeviceBuffer c) {
        long pa = a.address(), pb = b.address(), pc = c.address();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int kk = 0; kk < k; kk++) {
                    s += f(pa, (long) i * asi + (long) kk * ask) * f(pb, (long) kk * bsk + (long) j * bsj);
                }
                long ci = (long) i * n + j;
                set(pc, ci, alpha * s + (beta == 0f ? 0f : beta * f(pc, ci)));
            }
        }
    }

    @Override
    public void close() {
    }
}
