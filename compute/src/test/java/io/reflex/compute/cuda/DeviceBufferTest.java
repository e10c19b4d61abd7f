package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A device buffer's lifetime, on heap "device memory": freed exactly once, never used after. */
class DeviceBufferTest {

    @Test
    void uploadsAndDownloadsTheFloatsItHolds() {
        EmulatedDevice memory = new EmulatedDevice();
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
        EmulatedDevice memory = new EmulatedDevice();
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
        EmulatedDevice memory = new EmulatedDevice();
        DeviceBuffer b = new DeviceBuffer(memory, 2, () -> { });
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::address);
        assertEquals("device buffer of 2 floats used after close", e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.upload(new float[2], 2));
        assertThrows(IllegalStateException.class, () -> b.download(new float[2], 2));
    }

    @Test
    void refusesCopiesLongerThanTheBufferOrTheArray() {
        EmulatedDevice memory = new EmulatedDevice();
        try (DeviceBuffer b = new DeviceBuffer(memory, 3, () -> { })) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> b.upload(new float[8], 4));
            assertEquals("copying 4 floats: the device buffer holds 3, the host array 8", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> b.download(new float[2], 3));
        }
        assertThrows(IllegalArgumentException.class, () -> new DeviceBuffer(memory, 0, () -> { }));
    }
}
