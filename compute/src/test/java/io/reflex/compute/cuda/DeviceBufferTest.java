package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A device buffer's lifetime, on heap "device memory": freed exactly once, never used after. */
class DeviceBufferTest {

    /** Device memory on the heap, recording allocations and frees. */
    private static final class HeapMemory implements DeviceMemory {
        final Map<Long, float[]> live = new HashMap<>();
        final List<Long> freed = new ArrayList<>();
        long next = 0x1000;

        @Override
        public long allocate(long bytes) {
            long a = next;
            next += bytes + 256;
            live.put(a, new float[(int) (bytes / 4)]);
            return a;
        }

        @Override
        public void free(long address) {
            if (live.remove(address) == null) {
                throw new AssertionError("freed " + address + ", which is not live");
            }
            freed.add(address);
        }

        @Override
        public void copyIn(long address, float[] src, int offset, int count) {
            System.arraycopy(src, offset, live.get(address), 0, count);
        }

        @Override
        public void copyOut(long address, float[] dst, int offset, int count) {
            System.arraycopy(live.get(address), 0, dst, offset, count);
        }
    }

    @Test
    void uploadsAndDownloadsTheFloatsItHolds() {
        HeapMemory memory = new HeapMemory();
        try (DeviceBuffer b = new DeviceBuffer(memory, 4, () -> { })) {
            b.upload(new float[] {1, 2, 3, 4, 5}, 4);
            float[] back = new float[4];
            b.download(back, 3);
            assertArrayEquals(new float[] {1, 2, 3, 0}, back);
            assertEquals(4, b.capacity());
            assertTrue(b.address() != 0);
        }
    }

    @Test
    void closingTwiceFreesOnceAndTellsTheOwnerOnce() {
        HeapMemory memory = new HeapMemory();
        int[] told = new int[1];
        DeviceBuffer b = new DeviceBuffer(memory, 8, () -> told[0]++);
        long address = b.address();
        b.close();
        b.close();
        assertEquals(List.of(address), memory.freed);
        assertEquals(1, told[0]);
        assertFalse(b.isOpen());
    }

    @Test
    void useAfterCloseThrowsInsteadOfReachingTheDriver() {
        HeapMemory memory = new HeapMemory();
        DeviceBuffer b = new DeviceBuffer(memory, 2, () -> { });
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::address);
        assertEquals("device buffer of 2 floats used after close", e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.upload(new float[2], 2));
        assertThrows(IllegalStateException.class, () -> b.download(new float[2], 2));
    }

    @Test
    void refusesCopiesLongerThanTheBufferOrTheArray() {
        HeapMemory memory = new HeapMemory();
        try (DeviceBuffer b = new DeviceBuffer(memory, 3, () -> { })) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> b.upload(new float[8], 4));
            assertEquals("copying 4 floats: the device buffer holds 3, the host array 8", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> b.download(new float[2], 3));
        }
        assertThrows(IllegalArgumentException.class, () -> new DeviceBuffer(memory, 0, () -> { }));
    }
}
