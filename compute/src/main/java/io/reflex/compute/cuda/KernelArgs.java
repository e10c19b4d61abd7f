package io.reflex.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A kernel's argument list in the form {@code cuLaunchKernel} takes it: {@code void** kernelParams},
 * an array whose entry {@code i} points at the value of parameter {@code i}. Values sit in 8-byte
 * slots (a {@code .u64} pointer, or a {@code .u32} / {@code .f32} in the slot's first 4 bytes,
 * little-endian, as the driver reads them by the kernel's declared parameter sizes).
 *
 * <p>Reused across launches: {@link #clear}, add the arguments in the kernel's parameter order, pass
 * {@link #pointers()}. Lifetime: the segments live as long as the arena given at construction. Not
 * thread-safe; allocates only at construction.
 */
public final class KernelArgs {

    private final int maxArgs;
    private final MemorySegment values;
    private final MemorySegment pointers;
    private int count;

    /** Room for {@code maxArgs} arguments, allocated in {@code arena}. */
    public KernelArgs(Arena arena, int maxArgs) {
        if (maxArgs < 1) {
            throw new IllegalArgumentException("maxArgs must be >= 1, got " + maxArgs);
        }
        this.maxArgs = maxArgs;
        values = arena.allocate(8L * maxArgs, 8);
        pointers = arena.allocate(ValueLayout.ADDRESS, maxArgs);
        for (int i = 0; i < maxArgs; i++) {
            pointers.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    /** Forgets the arguments. */
    public KernelArgs clear() {
        count = 0;
        return this;
    }

    /** A device pointer ({@code .u64}): a buffer's address. */
    public KernelArgs pointer(DeviceBuffer buffer) {
        return u64(buffer.address());
    }

    /** A {@code .u64}. */
    public KernelArgs u64(long value) {
        values.set(ValueLayout.JAVA_LONG, 8L * next(), value);
        return this;
    }

    /** A {@code .u32} (or {@code .s32}). */
    public KernelArgs u32(int value) {
        int i = next();
        values.set(ValueLayout.JAVA_LONG, 8L * i, 0L);
        values.set(ValueLayout.JAVA_INT, 8L * i, value);
        return this;
    }

    /** A {@code .f32}. */
    public KernelArgs f32(float value) {
        int i = next();
        values.set(ValueLayout.JAVA_LONG, 8L * i, 0L);
        values.set(ValueLayout.JAVA_FLOAT, 8L * i, value);
        return this;
    }

    private int next() {
        if (count == maxArgs) {
            throw new IllegalStateException("more than " + maxArgs + " kernel arguments");
        }
        return count++;
    }

    /** Argument {@code i} read back as a {@code .u64} (tests that emulate a kernel). */
    long u64At(int i) {
        return values.get(ValueLayout.JAVA_LONG, 8L * i);
    }

    /** Argument {@code i} read back as a {@code .u32}. */
    int u32At(int i) {
        return values.get(ValueLayout.JAVA_INT, 8L * i);
    }

    /** Argument {@code i} read back as a {@code .f32}. */
    float f32At(int i) {
        return values.get(ValueLayout.JAVA_FLOAT, 8L * i);
    }

    /** Arguments added since {@link #clear}. */
    public int count() {
        return count;
    }

    /** The {@code void**} to pass as {@code kernelParams}. */
    public MemorySegment pointers() {
        return pointers;
    }
}
