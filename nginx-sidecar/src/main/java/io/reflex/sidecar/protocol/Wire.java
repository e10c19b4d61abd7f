package io.reflex.sidecar.protocol;

/**
 * The framing shared by both protocol versions and the constants of version 1, which carries
 * Cold-RL's six features (layout in docs/reference.md; version 2, which carries the history-1
 * schema, is {@link WireV2}): every frame is a little-endian {@code u32 length} (bytes after it),
 * then {@code u8 version}, {@code u8 type}, {@code u16 count}, {@code u32 request_id} and a body.
 *
 * <pre>
 * offset  type  field
 *  0      u32   length      8 &lt;= length &lt;= 4096 (both versions)
 *  4      u8    version     1 (2: {@link WireV2})
 *  5      u8    type        1 EVICT, 2 VICTIMS, 3 ERROR
 *  6      u16   count
 *  8      u32   request_id
 * 12      ...   body        EVICT: count x 6 float32; VICTIMS: u64 mask; ERROR: u16 code, u16 n, n bytes UTF-8
 * </pre>
 *
 * <p>Constants only; no instances.
 */
public final class Wire {

    /** Version 1: Cold-RL's six features per candidate. */
    public static final int VERSION = 1;
    /** NGINX asks for victims among K candidates. */
    public static final int TYPE_EVICT = 1;
    /** The sidecar's answer: a victim mask. */
    public static final int TYPE_VICTIMS = 2;
    /** The sidecar's refusal: a code and a message. */
    public static final int TYPE_ERROR = 3;

    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD = 4;
    /** Bytes of the header after the length prefix (version, type, count, request id). */
    public static final int HEADER_AFTER_LENGTH = 8;
    /** Offset of the body from the start of the frame (the length prefix included). */
    public static final int BODY_OFFSET = LENGTH_FIELD + HEADER_AFTER_LENGTH;
    /** The smallest legal {@code length}. */
    public static final int MIN_LENGTH = HEADER_AFTER_LENGTH;
    /**
     * The largest legal {@code length}, in both versions. It already holds the widest frame either
     * version defines (version 2 with 64 candidates and an incoming row of 11 columns:
     * {@link WireV2#MAX_EVICT_LENGTH} = 2,872 bytes), so it was not raised for version 2; NGINX's
     * patch checks the same bound.
     */
    public static final int MAX_LENGTH = 4096;
    /** The most candidates in one EVICT frame (the mask is a u64). */
    public static final int MAX_K = 64;
    /** Features per candidate. */
    public static final int FEATURES = 6;
    /** Bytes per candidate in an EVICT body. */
    public static final int CANDIDATE_BYTES = FEATURES * Float.BYTES;
    /** The {@code length} of a VICTIMS frame. */
    public static final int VICTIMS_LENGTH = HEADER_AFTER_LENGTH + Long.BYTES;
    /** The most UTF-8 bytes an ERROR message may carry. */
    public static final int MAX_ERROR_MESSAGE = MAX_LENGTH - HEADER_AFTER_LENGTH - 4;

    /** Feature names in wire order, for messages. */
    private static final String[] FEATURE_NAMES = {"age_s", "size_bytes", "hits", "inter_arrival_s",
        "ttl_remaining_s", "origin_rtt_ms"};

    private Wire() {
    }

    /** The {@code length} of an EVICT frame with {@code count} candidates. */
    public static int evictLength(int count) {
        return HEADER_AFTER_LENGTH + count * CANDIDATE_BYTES;
    }

    /** The wire name of feature {@code f} (0..5). */
    public static String featureName(int f) {
        return FEATURE_NAMES[f];
    }
}
