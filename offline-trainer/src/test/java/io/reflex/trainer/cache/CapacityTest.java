package io.reflex.trainer.cache;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityTest {

    @Test
    void unitsArePowersOf1024AndTheLabelIsKeptAsWritten() {
        Capacity c = Capacity.parse("25MB");
        assertEquals(Capacity.Kind.BYTES, c.kind());
        assertEquals(25L << 20, c.value());
        assertEquals("25MB", c.label());
        assertEquals(512L << 10, Capacity.parse("512KB").value());
        assertEquals(3L << 30, Capacity.parse("3gb").value());
        assertEquals(1536L << 20, Capacity.parse("1.5GB").value());
        assertEquals(2L << 20, Capacity.parse("2MiB").value());
    }

    @Test
    void aBareNumberIsACapacityInEntries() {
        Capacity c = Capacity.parse("512");
        assertEquals(Capacity.Kind.ENTRIES, c.kind());
        assertEquals(512, c.value());
        assertEquals("512", c.label());
        assertEquals(1, c.charge(10_000));
        assertEquals(10_000, Capacity.parse("1MB").charge(10_000));
        assertEquals(1, Capacity.parse("1MB").charge(0));
    }

    @Test
    void malformedSizesAreRejectedNamingTheText() {
        for (String bad : new String[] {"", "MB", "25XB", "-5", "0", "1.5", "0MB", "25 M B"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capacity.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") || e.getMessage().contains("at least"), e.getMessage());
        }
    }
}
