package io.reflex.trainer.workload;

import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {

    @TempDir
    Path dir;

    private static Workload small(String kind, long seed) {
        return switch (kind) {
            case "trap" -> TrapWorkload.builder().seed(seed).requests(3_000).objects(200).build();
            case "zipf" -> ZipfWorkload.builder().seed(seed).requests(20_000).objects(2_000).build();
            default -> BurstWorkload.builder().seed(seed).requests(20_000).objects(2_000).bursts(5_000, 1_000, 20, 0.5)
                    .scans(8_000, 1_500).build();
        };
    }

    private Path write(Workload w, String name) throws IOException {
        Path file = dir.resolve(name);
        try (CsvTraceWriter writer = new CsvTraceWriter(file)) {
            w.generate(writer);
        }
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"trap", "zipf", "bursts"})
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot(String kind) throws IOException {
        byte[] first = Files.readAllBytes(write(small(kind, 7), kind + "-a.csv"));
        byte[] again = Files.readAllBytes(write(small(kind, 7), kind + "-b.csv"));
        byte[] other = Files.readAllBytes(write(small(kind, 8), kind + "-c.csv"));

        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
        assertTrue(new String(first, 0, 40, java.nio.charset.StandardCharsets.US_ASCII).startsWith(CsvTraceWriter.HEADER + "\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trap", "zipf", "bursts"})
    void aWrittenWorkloadReadsBackAsTheTraceItWasGeneratedAs(String kind) throws IOException {
        Workload w = small(kind, 3);
        Trace generated = w.toTrace();

        Trace read = TraceFormat.CSV.read(write(w, kind + ".csv.gz"), Strictness.STRICT);

        assertEquals(generated.length(), read.length());
        assertEquals(generated.objectCount(), read.objectCount());
        for (int i = 0; i < read.length(); i++) {
            assertEquals(generated.object(i), read.object(i));
            assertEquals(generated.time(i), read.time(i));
            assertEquals(generated.size(i), read.size(i));
            assertEquals(generated.ttlSeconds(i), read.ttlSeconds(i));
            assertEquals((float) generated.rttMillis(i), (float) read.rttMillis(i));
        }
    }

    @Test
    void theTrapWorkloadFollowsTheReferenceParameters() {
        TrapWorkload w = TrapWorkload.builder().seed(1).build();
        Trace t = w.toTrace();

        assertEquals(30_000, t.length());
        // One draw of the reference generator reached 1,113 distinct objects; ours is of that order.
        assertTrue(t.objectCount() > 900 && t.objectCount() < 1_400, "distinct objects " + t.objectCount());
        double previous = 0;
        double gaps = 0;
        for (int i = 0; i < t.length(); i++) {
            int id = Integer.parseInt(t.key(t.object(i)));
            assertTrue(id >= 0 && id < 2_000);
            long size = t.size(i);
            long kib = 1024;
            if (id < 1_200) {
                assertTrue(size >= 0.98 * kib && size <= 1.02 * 25 * kib, "small " + id + ": " + size);
            } else if (id < 1_700) {
                assertTrue(size >= 0.98 * 25 * kib && size <= 1.02 * 150 * kib, "medium " + id + ": " + size);
            } else {
                assertTrue(size >= 0.98 * 150 * kib && size <= 1.02 * 800 * kib, "large " + id + ": " + size);
            }
            assertTrue(t.ttlSeconds(i) >= 2 * 3600 && t.ttlSeconds(i) <= 24 * 3600, "ttl " + t.ttlSeconds(i));
            assertEquals(50 + size / (50.0 * 1024 * 1024) * 1000, t.rttMillis(i), 1e-3);
            assertTrue(t.time(i) >= previous, "time never goes back (gaps are rounded to the millisecond)");
            gaps += t.time(i) - previous;
            previous = t.time(i);
        }
        assertEquals(2.0, gaps / t.length(), 0.05, "mean gap of Exp(2 s)");
    }

    @Test
    void theTrapWorkloadsLargeGemsDominateAfterTheirDiscovery() {
        Trace t = TrapWorkload.builder().seed(1).build().toTrace();
        long largeEarly = 0;
        long largeLate = 0;
        for (int i = 0; i < t.length(); i++) {
            boolean large = Integer.parseInt(t.key(t.object(i))) >= 1_700;
            if (i < 3_000 && large) {
                largeEarly++;
            }
            if (i >= 27_000 && large) {
                largeLate++;
            }
        }
        // Gems weigh 0.1 x base before discovery and up to (1 + b) x base once their ramp is done.
        assertTrue(largeLate > largeEarly + 600 && largeLate > 0.75 * 3_000,
                "large requests in the first 3,000: " + largeEarly + ", in the last 3,000: " + largeLate);
    }

    @Test
    void theBurstWorkloadInterleavesBurstsAndOneTimeScansWithTheBackground() {
        Trace t = small("bursts", 5).toTrace();
        // scan windows: [4000, 5500), [12000, 13500): every request a new object.
        for (int i = 4_000; i < 5_500; i++) {
            assertEquals(-1, firstIndexOf(t, t.object(i), 0, i), "request " + i + " is a fresh scan object");
            assertEquals(-1, firstIndexOf(t, t.object(i), i + 1, t.length()));
        }
        // burst window [5000, 6000) minus the scan: about half the requests go to 20 fresh objects.
        long burst = 0;
        for (int i = 5_500; i < 6_000; i++) {
            if (Long.parseLong(t.key(t.object(i))) >= 2_000) {
                burst++;
            }
        }
        assertTrue(burst > 175 && burst < 325, "burst requests " + burst + " of 500");
    }

    private static int firstIndexOf(Trace t, int object, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.object(i) == object) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void buildersRejectInvalidSettingsNamingThem() {
        List<Runnable> bad = List.of(() -> TrapWorkload.builder().requests(0), () -> TrapWorkload.builder().objects(5),
                () -> ZipfWorkload.builder().alpha(-1), () -> ZipfWorkload.builder().meanGapSeconds(0),
                () -> BurstWorkload.builder().bursts(100, 200, 5, 0.5), () -> BurstWorkload.builder().scans(10, -1));
        for (Runnable r : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("must"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WorkloadKind.fromLabel("tarp"));
    }
}
