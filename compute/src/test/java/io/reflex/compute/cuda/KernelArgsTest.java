package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The argument list cuLaunchKernel reads: entry i points at parameter i's value, in its declared width. */
class KernelArgsTest {

    private static MemorySegment slot(KernelArgs args, int i) {
        return args.pointers().getAtIndex(ValueLayout.ADDRESS, i).reinterpret(8);
    }

    @Test
    void eachEntryPointsAtItsValueInTheParameterOrder() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = new KernelArgs(arena, 4);
            args.u64(0x7f00_1234_5678_9abcL).u32(-3).f32(0.5f).u32(8192);
            assertEquals(4, args.count());
            assertEquals(0x7f00_1234_5678_9abcL, slot(args, 0).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-3, slot(args, 1).get(ValueLayout.JAVA_INT, 0));
            assertEquals(0.5f, slot(args, 2).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(8192, slot(args, 3).get(ValueLayout.JAVA_INT, 0));
            // a 4-byte value leaves the rest of its 8-byte slot zero, whatever the slot held before
            args.clear().u64(-1L).u64(-1L);
            args.clear().u32(7).f32(1f);
            assertEquals(7L, slot(args, 0).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(Float.floatToRawIntBits(1f), slot(args, 1).get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void theEntriesAreDistinctEightByteAlignedSlotsThatSurviveClear() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = new KernelArgs(arena, 3);
            long first = slot(args, 0).address();
            assertEquals(0, first % 8);
            assertEquals(first + 8, slot(args, 1).address());
            assertEquals(first + 16, slot(args, 2).address());
            args.u32(1).clear();
            assertEquals(first, slot(args, 0).address());
            assertEquals(0, args.count());
        }
    }

    @Test
    void refusesMoreArgumentsThanItHasRoomFor() {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = new KernelArgs(arena, 1).u32(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> args.f32(2f));
            assertEquals("more than 1 kernel arguments", e.getMessage());
        }
    }

    @Test
    void hasRoomForTheLongestKernel() {
        int longest = 0;
        for (Kernel k : Kernel.values()) {
            longest = Math.max(longest, k.parameters());
        }
        // CudaBackend allocates 16 slots
        assertEquals(true, longest <= 16, "a kernel takes " + longest + " parameters");
    }
}
