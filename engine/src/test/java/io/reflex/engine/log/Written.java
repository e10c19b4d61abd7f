package io.reflex.engine.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a test wrote to a decision log, record by record, to compare with what a reader gives back
 * bit for bit; plus seeded record generation and a test-side view of the on-disk layout.
 */
final class Written {

    /** Loop names of one, two and three UTF-8 bytes per character, and the longest allowed. */
    static final List<String> LOOPS = List.of("eviction", "récommandation", "匹配", "x".repeat(64));

    /** Values whose bits must survive: signed zero, a NaN with a payload, infinities, subnormals. */
    private static final float[] SPECIAL = {
        -0.0f, Float.intBitsToFloat(0x7fc12345), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MAX_VALUE, -Float.MIN_NORMAL
    };

    /** One record as appended: a decision when {@code loop} is set, else an outcome. */
    record Appended(long sequence, String loop, long modelVersion, float[] features, int action, float propensity,
                    long decisionId, float reward) {
    }

    final List<Appended> records = new ArrayList<>();
    private final SplittableRandom random;

    Written(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Appends one seeded decision through {@code log}; returns its id. */
    long decision(DecisionLogWriter.LoopLog log, String loop, int maxFeatures) {
        int n = random.nextInt(maxFeatures + 1);
        float[] features = new float[n + random.nextInt(3)];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextInt(10) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)]
                    : (float) random.nextGaussian();
        }
        long model = random.nextInt(5);
        int action = random.nextInt(40) - 2;
        float propensity = (float) random.nextDouble();
        long id = log.decision(model, features, n, action, propensity);
        assertTrue(id >= 0, "dropped");
        records.add(new Appended(id, loop, model, Arrays.copyOf(features, n), action, propensity, -1, 0));
        return id;
    }

    /** Appends an outcome for {@code decisionId}; returns its sequence. */
    long outcome(DecisionLogWriter.LoopLog log, long decisionId) {
        float reward = (float) (random.nextGaussian() * 10);
        long seq = log.outcome(decisionId, reward);
        assertTrue(seq >= 0, "dropped");
        records.add(new Appended(seq, null, 0, null, 0, 0, decisionId, reward));
        return seq;
    }

    /** Writes {@code n} records (decisions over every loop, an outcome after about one in four). */
    void mixed(DecisionLogWriter writer, int n, int maxFeatures) {
        List<DecisionLogWriter.LoopLog> logs = LOOPS.stream().map(writer::forLoop).toList();
        long lastDecision = -1;
        for (int i = 0; i < n; i++) {
            if (lastDecision >= 0 && random.nextInt(4) == 0) {
                outcome(logs.getFirst(), lastDecision);
            } else {
                int l = random.nextInt(LOOPS.size());
                lastDecision = decision(logs.get(l), LOOPS.get(l), maxFeatures);
            }
        }
    }

    /** Reads {@code dir} back. */
    static List<LogRecord> read(DecisionLogReader reader) {
        List<LogRecord> out = new ArrayList<>();
        reader.forEach(out::add);
        return out;
    }

    /** Asserts that {@code actual} holds the first {@code count} appended records, bit for bit, in order. */
    void assertReadBack(List<LogRecord> actual, int count) {
        assertEquals(count, actual.size(), "records read back");
        for (int i = 0; i < count; i++) {
            assertSame(records.get(i), actual.get(i));
        }
    }

    static void assertSame(Appended expected, LogRecord actual) {
        String at = "record " + expected.sequence();
        assertEquals(expected.sequence(), actual.sequence(), at);
        if (expected.loop() == null) {
            LogRecord.Outcome o = assertInstanceOf(LogRecord.Outcome.class, actual, at);
            assertEquals(expected.decisionId(), o.decisionId(), at);
            assertEquals(Float.floatToRawIntBits(expected.reward()), Float.floatToRawIntBits(o.reward()), at);
        } else {
            LogRecord.Decision d = assertInstanceOf(LogRecord.Decision.class, actual, at);
            assertEquals(expected.sequence(), d.decisionId(), at);
            assertEquals(expected.loop(), d.loop(), at);
            assertEquals(expected.modelVersion(), d.modelVersion(), at);
            assertEquals(expected.action(), d.action(), at);
            assertEquals(Float.floatToRawIntBits(expected.propensity()), Float.floatToRawIntBits(d.propensity()), at);
            assertEquals(expected.features().length, d.features().length, at);
            for (int f = 0; f < expected.features().length; f++) {
                assertEquals(Float.floatToRawIntBits(expected.features()[f]), Float.floatToRawIntBits(d.features()[f]),
                        at + " feature " + f);
            }
        }
    }

    /** The one damage a reader reported. */
    static LogDamage only(List<LogDamage> damage) {
        assertEquals(1, damage.size(), "one damage: " + damage);
        return damage.getFirst();
    }

    // ---- the on-disk layout, as LogFormat documents it ----

    /**
     * Writes {@code records} mixed records (16 features at most) into a new log in {@code dir},
     * segments of {@code segmentBytes}; returns what was written.
     */
    static Written log(Path dir, long seed, int records, long segmentBytes) {
        Written written = new Written(seed);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).segmentBytes(segmentBytes).open()) {
            written.mixed(writer, records, 16);
        }
        return written;
    }

    static List<Path> segments(Path dir) {
        return DecisionLogReader.segments(dir);
    }

    /** Byte offsets of every record in {@code segment}, and the file's length at the end. */
    static List<Integer> recordOffsets(Path segment) {
        byte[] bytes = bytes(segment);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        int pos = LogFormat.HEADER_BYTES;
        while (pos < bytes.length) {
            offsets.add(pos);
            assertEquals(LogFormat.RECORD_MAGIC, b.getInt(pos), "a record magic at byte " + pos + " of " + segment);
            pos += LogFormat.RECORD_HEADER_BYTES + b.getInt(pos + LogFormat.RECORD_LENGTH);
        }
        assertEquals(bytes.length, pos, "records end exactly at the end of " + segment);
        offsets.add(pos);
        return offsets;
    }

    /** The first sequence a segment's header names. */
    static long headerSequence(Path segment) {
        return ByteBuffer.wrap(bytes(segment)).order(ByteOrder.LITTLE_ENDIAN).getLong(LogFormat.HEADER_FIRST_SEQUENCE);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
