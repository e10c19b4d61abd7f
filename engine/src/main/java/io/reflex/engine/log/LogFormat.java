package io.reflex.engine.log;

/**
 * The on-disk layout of Reflex's decision log. All integers little-endian.
 *
 * <pre>
 * segment file  decisions-&lt;first sequence, 20 digits&gt;.rlog
 * header        magic "RFXDLOG1" (8 bytes) | u32 format version (1) | u32 reserved (0) | i64 first sequence
 * record        u32 payload length | u32 CRC32C of the payload | payload
 * payload       u8 record version (1) | u8 type | body
 * DECISION (1)  i64 decision id | i64 epoch micros | i64 model version | i32 action | f32 propensity
 *               | u16 loop name length | loop name (UTF-8) | u16 feature count | f32[feature count]
 * OUTCOME (2)   i64 decision id | i64 epoch micros | f32 reward
 * </pre>
 *
 * <p>A record's sequence number is the segment's first sequence plus its index in the segment; a
 * decision's id is its sequence number, unique across restarts because a writer resumes after the
 * last valid record. A writer never appends to an existing segment: after a restart it starts a
 * new one, so a torn tail (a crash mid-write) is always the end of a segment, where readers skip it.
 */
final class LogFormat {

    static final byte[] MAGIC = {'R', 'F', 'X', 'D', 'L', 'O', 'G', '1'};
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 8;
    static final byte RECORD_VERSION = 1;
    static final byte DECISION = 1;
    static final byte OUTCOME = 2;
    static final int MAX_LOOP_NAME_BYTES = 64;

    // Offsets, written once for the writer and the reader. Segment header, from its start:
    static final int HEADER_VERSION = 8;
    static final int HEADER_FIRST_SEQUENCE = 16;
    // Record header, from the record's start:
    static final int RECORD_CRC = 4;
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

    static final String PREFIX = "decisions-";
    static final String SUFFIX = ".rlog";

    private LogFormat() {
    }

    static String segmentName(long firstSequence) {
        return PREFIX + String.format("%020d", firstSequence) + SUFFIX;
    }

    static boolean isSegment(String name) {
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX)
                && name.length() == PREFIX.length() + 20 + SUFFIX.length();
    }
}
