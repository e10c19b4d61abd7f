package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A property over seeded random damage (flipped or zeroed ranges, anywhere including headers; cut
 * segments; deleted segments; garbage appended): the reader never throws, never delivers a record
 * that was not written (each equals the written record of its sequence, bit for bit, in increasing
 * sequence order), delivers every record whose bytes were left alone, accounts exactly for every
 * record lost between the first and the last it delivers, and reports damage whenever a segment that
 * is still there lost a record.
 */
class RandomCorruptionTest {

    private static final int RECORDS = 700;
    private static final int TRIALS = 400;

    @TempDir
    Path dir;

    /** Where one written record lies. */
    private record Place(int segment, int start, int end) {
    }

    @Test
    void randomDamageNeverInventsALossOrARecord() throws IOException {
        Written written = new Written(601);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).segmentBytes(4096).open()) {
            written.mixed(writer, RECORDS, 16);
        }
        List<Path> segments = Written.segments(dir);
        List<byte[]> original = segments.stream().map(Written::bytes).toList();
        long[] firsts = segments.stream().mapToLong(Written::headerSequence).toArray();
        Map<Long, Place> places = new HashMap<>();
        for (int s = 0; s < segments.size(); s++) {
            List<Integer> offsets = Written.recordOffsets(segments.get(s));
            for (int i = 0; i + 1 < offsets.size(); i++) {
                places.put(firsts[s] + i, new Place(s, offsets.get(i), offsets.get(i + 1)));
            }
        }
        assertEquals(RECORDS, places.size());

        SplittableRandom random = new SplittableRandom(602);
        for (int trial = 0; trial < TRIALS; trial++) {
            String at = "trial " + trial;
            // Damage: per segment, the bytes changed and the length kept (-1: deleted).
            List<byte[]> files = new ArrayList<>(original.stream().map(byte[]::clone).toList());
            List<BitSet> touched = new ArrayList<>();
            int[] kept = new int[files.size()];
            for (int s = 0; s < files.size(); s++) {
                touched.add(new BitSet());
                kept[s] = files.get(s).length;
            }
            int damages = 1 + random.nextInt(4);
            StringBuilder what = new StringBuilder();
            for (int d = 0; d < damages; d++) {
                int s = random.nextInt(files.size());
                byte[] f = files.get(s);
                if (kept[s] < 0) {
                    continue;
                }
                switch (random.nextInt(10)) {
                    case 0 -> {
                        kept[s] = -1;
                        what.append(" delete ").append(s);
                    }
                    case 1 -> {
                        kept[s] = random.nextInt(kept[s] + 1);
                        what.append(" cut ").append(s).append(" at ").append(kept[s]);
                    }
                    case 2 -> {
                        byte[] garbage = new byte[1 + random.nextInt(100)];
                        random.nextBytes(garbage);
                        byte[] longer = Arrays.copyOf(f, f.length + garbage.length);
                        System.arraycopy(garbage, 0, longer, f.length, garbage.length);
                        files.set(s, longer);
                        // Appended after the records (and after any cut, which then no longer applies).
                        touched.get(s).set(kept[s], f.length);
                        kept[s] = longer.length;
                        what.append(" append ").append(garbage.length).append(" to ").append(s);
                    }
                    default -> {
                        int from = random.nextInt(f.length);
                        int to = Math.min(f.length, from + 1 + random.nextInt(64));
                        boolean zero = random.nextBoolean();
                        for (int i = from; i < to; i++) {
                            f[i] = zero ? 0 : (byte) (f[i] ^ (1 + random.nextInt(255)));
                        }
                        touched.get(s).set(from, to);
                        what.append(zero ? " zero " : " flip ").append(s).append(" [").append(from).append(", ")
                                .append(to).append(")");
                    }
                }
            }
            for (int s = 0; s < files.size(); s++) {
                Files.deleteIfExists(segments.get(s));
                if (kept[s] >= 0) {
                    Files.write(segments.get(s), Arrays.copyOf(files.get(s), kept[s]));
                }
            }
            at += ":" + what;

            DecisionLogReader reader = DecisionLogReader.open(dir).onDamage(d -> { });
            List<LogRecord> read = new ArrayList<>();
            assertDoesNotThrow(() -> reader.forEach(read::add), at);

            long previous = -1;
            BitSet recovered = new BitSet();
            for (LogRecord r : read) {
                assertTrue(r.sequence() > previous, at + ": sequence " + r.sequence() + " after " + previous);
                previous = r.sequence();
                assertTrue(r.sequence() < RECORDS, at + ": invented sequence " + r.sequence());
                Written.assertSame(written.records.get((int) r.sequence()), r);
                recovered.set((int) r.sequence());
            }
            for (long seq = 0; seq < RECORDS; seq++) {
                Place p = places.get(seq);
                boolean untouched = kept[p.segment()] >= p.end()
                        && touched.get(p.segment()).get(p.start(), p.end()).isEmpty();
                if (untouched) {
                    assertTrue(recovered.get((int) seq), at + ": untouched record " + seq + " was not read");
                }
            }
            long lostBetween = recovered.isEmpty() ? 0
                    : recovered.length() - recovered.nextSetBit(0) - recovered.cardinality();
            long reported = 0;
            for (LogDamage d : reader.damage()) {
                reported += switch (d) {
                    case LogDamage.Skipped k -> k.recordsLost();
                    case LogDamage.MissingSegment m -> m.records();
                };
            }
            long lostAtTheStart = recovered.isEmpty() ? 0 : recovered.nextSetBit(0) - firstKept(kept, firsts);
            assertEquals(lostBetween + Math.max(0, lostAtTheStart), reported, at + ": " + reader.damage());
            // Only whole segments deleted at the log's ends go unnoticed: a log can start and end anywhere.
            boolean lostFromAFile = places.entrySet().stream()
                    .anyMatch(e -> !recovered.get(e.getKey().intValue()) && kept[e.getValue().segment()] >= 0);
            if (lostFromAFile) {
                assertFalse(reader.damage().isEmpty(), at + ": records lost without a word");
            }
            for (int s = 0; s < files.size(); s++) {
                Files.deleteIfExists(segments.get(s));
                Files.write(segments.get(s), original.get(s));
            }
        }
    }

    /** The first sequence of the first segment still there: what the log's start claims. */
    private static long firstKept(int[] kept, long[] firsts) {
        for (int s = 0; s < kept.length; s++) {
            if (kept[s] >= 0) {
                return firsts[s];
            }
        }
        return 0;
    }
}
