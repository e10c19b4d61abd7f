package io.reflex.sidecar.protocol;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.HistoryFeatures;

/**
 * Wire protocol version 2: the EVICT request names its feature schema and carries, per candidate
 * and for the incoming object of an admission question, the schema's columns as raw values in
 * natural units; the VICTIMS reply carries the victim mask and the admission answer. The framing
 * (length prefix, header, the 4,096-byte bound, ERROR frames) is version 1's ({@link Wire}); all
 * integers and floats are little-endian, floats IEEE-754 binary32.
 *
 * <pre>
 * EVICT (NGINX to sidecar)
 * offset  type              field
 *  0      u32               length      = 12 + rows x width x 4, rows = count + (flags &amp; 1)
 *  4      u8                version     = 2
 *  5      u8                type        = 1 (EVICT)
 *  6      u16               count       candidates K, 1 &lt;= K &lt;= 64 and at most the model's K
 *  8      u32               request_id
 * 12      u8                schema      1 = history-1 (the only schema version 2 carries today)
 * 13      u8                width       floats per row: 11 for history-1
 * 14      u8                flags       bit 0 INCOMING: the last row is the incoming object (admission asked)
 *                                       bit 1 SAMPLED: candidates drawn uniformly from the residents;
 *                                             clear: the K least recently used. Other bits 0.
 * 15      u8                reserved    0
 * 16      f32[rows x width] rows        candidates least recently accessed first, then the incoming row
 *
 * VICTIMS (sidecar to NGINX)
 *  0      u32               length      = 20
 *  4      u8                version     = 2
 *  5      u8                type        = 2 (VICTIMS)
 *  6      u16               count       echoes K
 *  8      u32               request_id  echoed
 * 12      u64               mask        exactly one bit, below K: the victim
 * 20      u8                admission   0 not asked, 1 admit the incoming object, 2 decline it
 * 21      u8[3]             reserved    0
 * </pre>
 *
 * <p>The history-1 row (columns as {@link HistoryFeatures} numbers them; ticks are NGINX's request
 * counter): recency (ticks since the last access; 0 for the incoming row), gap0..gap2 (the three
 * latest gaps between accesses, newest first, {@code -1} unknown), edc0..edc3 (the decayed counters
 * as of the last access), size (bytes), residence (ticks since admission; 0 incoming), hits (since
 * admission; 0 incoming). Every value is finite and at least 0, except a gap, which may be exactly
 * {@code -1}.
 *
 * <p>Why the columns and not the raw history (absolute ticks, admission tick): the sidecar stays
 * stateless and clock-free, the values are exactly what {@link HistoryFeatures} stores before it
 * encodes (it keeps ticks and counts as {@code float} too, so NGINX's {@code (float)} of a 64-bit
 * difference gives the same bits as the engine's), a frame is self-describing for checks and logs,
 * and a later schema needs a new schema number, not a new frame layout.
 *
 * <p>Constants only; no instances.
 */
public final class WireV2 {

    /** The version number of these frames. */
    public static final int VERSION = 2;
    /** Schema number of {@value HistoryFeatures#SCHEMA}. */
    public static final int SCHEMA_HISTORY_1 = 1;
    /** Bytes of an EVICT body before its rows: schema, width, flags, reserved. */
    public static final int EVICT_PREFIX = 4;
    /** Offset of the first row from the start of the frame (the length prefix included). */
    public static final int ROWS_OFFSET = Wire.BODY_OFFSET + EVICT_PREFIX;
    /** Flag: the last row is the incoming object; the reply answers admission. */
    public static final int FLAG_INCOMING = 1;
    /** Flag: the candidates were drawn uniformly from the residents (clear: the K least recently used). */
    public static final int FLAG_SAMPLED = 2;
    /** The widest row a version-2 schema has. */
    public static final int MAX_WIDTH = HistoryFeatures.WIDTH;
    /** The most rows in an EVICT: 64 candidates and the incoming object. */
    public static final int MAX_ROWS = Wire.MAX_K + 1;
    /** The longest EVICT {@code length}: 2,872, under {@link Wire#MAX_LENGTH}. */
    public static final int MAX_EVICT_LENGTH = Wire.HEADER_AFTER_LENGTH + EVICT_PREFIX + MAX_ROWS * MAX_WIDTH * Float.BYTES;
    /** The {@code length} of a VICTIMS frame: the mask, the admission answer and three reserved bytes. */
    public static final int VICTIMS_LENGTH = Wire.HEADER_AFTER_LENGTH + Long.BYTES + 4;
    /** Admission: no incoming row was sent. */
    public static final int NOT_ASKED = 0;
    /** Admission: keep the incoming object (evict the victim). */
    public static final int ADMIT = 1;
    /** Admission: evict the incoming object instead of the victim. */
    public static final int DECLINE = 2;

    private static final String[] HISTORY_COLUMNS = {"recency", "gap0", "gap1", "gap2", "edc0", "edc1", "edc2",
        "edc3", "size", "residence", "hits"};

    static {
        if (MAX_EVICT_LENGTH > Wire.MAX_LENGTH || HISTORY_COLUMNS.length != HistoryFeatures.WIDTH) {
            throw new ExceptionInInitializerError("version-2 frames do not fit the frame bound or the schema");
        }
    }

    private WireV2() {
    }

    /** The {@code length} of an EVICT of {@code rows} rows of {@code width} floats. */
    public static int evictLength(int rows, int width) {
        return Wire.HEADER_AFTER_LENGTH + EVICT_PREFIX + rows * width * Float.BYTES;
    }

    /** The row width of a schema number, or -1 for an unknown one. */
    public static int width(int schema) {
        return schema == SCHEMA_HISTORY_1 ? HistoryFeatures.WIDTH : -1;
    }

    /** The name of a schema number, for messages ({@code history-1}, or {@code #n} for an unknown one). */
    public static String schemaName(int schema) {
        return schema == SCHEMA_HISTORY_1 ? HistoryFeatures.SCHEMA : "#" + schema;
    }

    /** The wire name of column {@code c} of the history-1 row. */
    public static String columnName(int c) {
        return HISTORY_COLUMNS[c];
    }

    /** Whether column {@code c} of the history-1 row may be {@code -1} (an unknown gap). */
    public static boolean mayBeUnknown(int c) {
        return c >= HistoryFeatures.GAP && c < HistoryFeatures.GAP + AccessHistory.DELTAS;
    }

    /** The name of an admission answer, for messages. */
    public static String admissionName(int admission) {
        return switch (admission) {
            case NOT_ASKED -> "not asked";
            case ADMIT -> "admit";
            case DECLINE -> "decline";
            default -> "#" + admission;
        };
    }
}
