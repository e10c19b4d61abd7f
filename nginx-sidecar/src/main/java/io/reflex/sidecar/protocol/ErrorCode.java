package io.reflex.sidecar.protocol;

/**
 * The codes of an ERROR frame (protocol versions 1 and 2; code 7 arises from version-2 frames only).
 * Immutable.
 */
public enum ErrorCode {
    /** The frame's version is neither 1 nor 2, or not the one that carries the served model's schema. */
    UNSUPPORTED_VERSION(1),
    /** The frame's type is not one the receiver accepts (the sidecar accepts EVICT only). */
    UNKNOWN_TYPE(2),
    /** The count is 0, over 64, or over the model's K. */
    BAD_COUNT(3),
    /**
     * The length does not match the count; the sidecar also uses this code for framing errors
     * (length under 8 or over 4096, connection closed mid-frame), after which it closes.
     */
    LENGTH_MISMATCH(4),
    /** A feature is NaN, infinite or negative (a version-2 gap may also be exactly -1: unknown). */
    BAD_FEATURE(5),
    /** The sidecar failed for a reason of its own. */
    INTERNAL(6),
    /**
     * A version-2 EVICT names a schema, a row width, flags or a candidate set other than the ones the
     * served model reads.
     */
    UNSUPPORTED_SCHEMA(7);

    private static final ErrorCode[] BY_CODE = new ErrorCode[8];

    static {
        for (ErrorCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /** A lower-case name for logs and metric tags, e.g. {@code bad_count}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The code with this number, or null if none. */
    public static ErrorCode of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
