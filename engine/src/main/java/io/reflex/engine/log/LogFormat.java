package io.reflex.engine.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of Reflex's decision log. All integers little-endian.
 *
 * <pre>
 * segment file  decisions-&lt;first sequence, 20 digits&gt;.rlog
 * header        magic "RFXDLOG1" (8 bytes) | u32 format version (2) | u32 header check | i64 first sequence
 *               header check: CRC32C of the first sequence's 8 bytes (format 1: always 0)
 * record        u32 record magic 0x875CD1FE | u32 CRC32C of the rest of the record
 *               | u32 payload length | i64 sequence | payload
 * payload       u8 record version (1) | u8 type | body
 * DECISION (1)  i64 decision id | i64 epoch micros | i64 model version | i32 action | f32 propensity
 *               | u16 loop name length | loop name (UTF-8) | u16 feature count | f32[feature count]
 * OUTCOME (2)   i64 decision id | i64 epoch micros | f32 reward
 * </pre>
 *
 * <p>A record carries its own sequence number and a decision's id is its sequence number, unique
 * across restarts because a writer resumes after the last valid record. Records are
 * resynchronisable: a reader that meets a corrupt record scans forward for the next record magic
 * whose length and CRC32C check out, and knows from the sequence numbers on either side how many
 * records the damage took. A writer never appends to an existing segment: after a restart it starts
 * a new one, so a torn tail (a crash mid-write) is always the end of a segment. Segment names carry
 * their first sequence, so a missing segment shows as a gap between one segment's last record and
 * the next segment's name.
 *
 * <p>Format 1 (written before records were framed; still read): the same header with a check of 0,
 * and records {@code u32 payload length | u32 CRC32C of the payload | payload}, a record's sequence
 * being the segment's first sequence plus its index. Format 1 records cannot be resynchronised: a
 * corrupt one ends its segment.
 */
final class LogFormat {

    static final byte[] MAGIC = {'R', 'F', 'X', 'D', 'L', 'O', 'G', '1'};
    /** The format this code writes. */
    static final int FORMAT_VERSION = 2;
    /** The format before framed records: read, never written. */
    static final int FORMAT_VERSION_1 = 1;
    static final int HEADER_BYTES = 24;
    /** Bytes FE D1 5C 87: 0xFE never occurs in UTF-8, and as a feature it would be -1.7e-34. */
    static final int RECORD_MAGIC = 0x875C_D1FE;
    static final byte RECORD_VERSION = 1;
    static final byte DECISION = 1;
    static final byte OUTCOME = 2;
    static final int MAX_LOOP_NAME_BYTES = 64;

    // Offsets, written once for the writer and the reader. Segment header, from its start:
    static final int HEADER_VERSION = 8;
    static final int HEADER_CHECK = 12;
    static final int HEADER_FIRST_SEQUENCE = 16;
    // Record (format 2), from the record's start; the CRC covers everything from RECORD_LENGTH on:
    static final int RECORD_CRC = 4;
    static final int RECORD_LENGTH = 8;
    static final int RECORD_SEQUENCE = 12;
    /** The framing before the payload. */
    static final int RECORD_HEADER_BYTES = 20;
    // Record (format 1), from the record's start:
    static final int V1_RECORD_CRC = 4;
    static final int V1_RECORD_HEADER_BYTES = 8;
    // Payload, from the payload's start (every type):
    static final int PAYLOAD_VERSION = 0;
    static final int PAYLOAD_TYPE = 1;
    static final int ID = 2;
    static final int MICROS = 10;
    // DECISION payload:
    static final int DECISION_MODEL = 18;
    static final int DECISION_ACTION = 26;
    static final int DECISION_PROPENSITY = 30;
    static final int DECISION_NAME_LENGTH = 34;
    /** The loop name's bytes; the feature count (u16) and the features follow it. */
    static final int DECISION_NAME = 36;
    // OUTCOME payload:
    static final int OUTCOME_REWARD = 18;
    /** Fixed part of a decision payload: everything before the loop name's bytes, and the feature count (u16). */
    static final int DECISION_FIXED_BYTES = DECISION_NAME + 2;
    static final int OUTCOME_PAYLOAD_BYTES = OUTCOME_REWARD + 4;
    /** The longest payload a writer can produce; a longer length is corrupt (and not worth a CRC). */
    static final int MAX_PAYLOAD_BYTES = DECISION_FIXED_BYTES + MAX_LOOP_NAME_BYTES + 4 * 65_535;

    static final String PREFIX = "decisions-";
    static final String SUFFIX = ".rlog";

    private LogFormat() {
    }

    static String segmentName(long firstSequence) {
        return PREFIX + String.format("%020d", firstSequence) + SUFFIX;
    }

    static boolean isSegment(String name) {
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX)
                && name.length() == PREFIX.length() + 20 + SUFFIX.length()
                // Twenty digits starting with 0: every non-negative long, and nothing that overflows one.
                && name.charAt(PREFIX.length()) == '0'
                && name.chars().skip(PREFIX.length()).limit(20).allMatch(c -> c >= '0' && c <= '9');
    }

    /** The first sequence a segment's name carries; {@code name} must pass {@link #isSegment}. */
    static long nameSequence(String name) {
        return Long.parseLong(name, PREFIX.length(), PREFIX.length() + 20, 10);
    }

    /** A format 2 segment header. */
    static ByteBuffer header(long firstSequence) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(FORMAT_VERSION).putInt(headerCheck(firstSequence)).putLong(firstSequence);
        return h.flip();
    }

    /** The format 2 header check: CRC32C of the first sequence's little-endian bytes. */
    static int headerCheck(long firstSequence) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, firstSequence));
        return (int) crc.getValue();
    }
}
