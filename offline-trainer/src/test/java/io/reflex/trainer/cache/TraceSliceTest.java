package io.reflex.trainer.cache;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Trace#slice(int, int)}: a window of requests read as a trace of its own. */
class TraceSliceTest {

    /** Numeric and string keys mixed, with times, sizes, TTLs and RTTs, from a seed. */
    private static Trace generated(long seed, int requests) {
        SplittableRandom random = new SplittableRandom(seed);
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < requests; i++) {
            int key = random.nextInt(40);
            double ttl = random.nextInt(4) == 0 ? 30 : RequestSink.NO_TTL;
            double rtt = random.nextBoolean() ? random.nextInt(100) : RequestSink.NO_RTT;
            if (key % 3 == 0) {
                b.request("/obj/" + key, 10.0 + i * 0.5, 100 + key, ttl, rtt);
            } else {
                b.request(key, 10.0 + i * 0.5, 100 + key, ttl, rtt);
            }
        }
        return b.build("generated");
    }

    @Test
    void aSliceAsksForTheSameKeysWithTheSameColumnsAsTheWholeTrace() {
        Trace whole = generated(7, 500);

        Trace slice = whole.slice(120, 380);

        assertEquals(260, slice.length());
        assertEquals("generated[120,380)", slice.name());
        for (int i = 0; i < slice.length(); i++) {
            int j = 120 + i;
            assertEquals(whole.key(whole.object(j)), slice.key(slice.object(i)), "request " + j);
            assertEquals(whole.time(j), slice.time(i));
            assertEquals(whole.size(j), slice.size(i));
            assertEquals(whole.ttlSeconds(j), slice.ttlSeconds(i));
            assertEquals(whole.rttMillis(j), slice.rttMillis(i));
        }
    }

    @Test
    void sliceObjectIdsAreDenseInOrderOfFirstAppearanceWithinTheSlice() {
        Trace whole = TraceFixtures.keys(1, 2, 3, 4, 3, 5, 2, 3);

        Trace slice = whole.slice(2, 7);

        int[] expected = {0, 1, 0, 2, 3};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], slice.object(i), "request " + i);
        }
        assertEquals(4, slice.objectCount());
        assertEquals("3", slice.key(0));
        assertEquals("2", slice.key(3));
    }

    @Test
    void nextAccessLooksOnlyWithinTheSlice() {
        Trace whole = generated(11, 400);
        Trace slice = whole.slice(100, 250);

        for (int i = 0; i < slice.length(); i++) {
            int next = slice.nextAccess(i);
            int wholeNext = whole.nextAccess(100 + i);
            if (wholeNext < 250) {
                assertEquals(wholeNext - 100, next, "request " + i);
            } else {
                assertEquals(Trace.NEVER, next, "request " + i + " is not requested again before the slice ends");
            }
        }
    }

    @Test
    void aTraceWithoutOptionalColumnsSlicesWithoutThem() {
        Trace slice = TraceFixtures.keys(1, 2, 1).slice(1, 3);

        assertTrue(slice.hasTimes());
        assertFalse(slice.hasSizes());
        assertFalse(slice.hasTtls());
        assertEquals(0, whole().slice(0, 0).length(), "an empty slice is a trace of no requests");
    }

    @Test
    void boundsOutsideTheTraceAreRefused() {
        Trace t = whole();

        assertThrows(IndexOutOfBoundsException.class, () -> t.slice(-1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> t.slice(2, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.slice(0, t.length() + 1));
    }

    private static Trace whole() {
        return TraceFixtures.keys(1, 2, 3);
    }
}
