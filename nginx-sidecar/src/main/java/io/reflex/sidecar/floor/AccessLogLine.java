package io.reflex.sidecar.floor;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * One line of NGINX's access log in Reflex's extended format, read for the LRU floor: which key was
 * requested, how large it is, and whether the live cache held it. The format, as the
 * {@code log_format} directive writes it (the trainer's {@code NginxLogReader} reads the same
 * format for training; this reads only what the floor needs, from bytes, without allocating):
 * <pre>
 * log_format reflex 'reflex1 $msec $request_method "$scheme$proxy_host$request_uri" $status $body_bytes_sent $upstream_cache_status "$upstream_response_time" "$upstream_http_cache_control"';
 * </pre>
 * Fields are split on spaces and tabs; a quoted field runs to the next quote not preceded by a
 * backslash (NGINX writes a quote inside a variable as {@code \x22}).
 *
 * <h2>What a line means to the floor ({@link Kind})</h2>
 * <ul>
 *   <li>{@code HIT}, {@code STALE}, {@code UPDATING}, {@code REVALIDATED}, {@code EXPIRED}: the
 *       cache held the object ({@link Kind#HIT}). Eviction decides residency, not freshness: a stale,
 *       expired or revalidated object was still cached, as it would be in an LRU of the same size,
 *       whose shadow knows nothing of TTLs either.</li>
 *   <li>{@code MISS}: the object was not cached. When NGINX stores the response ({@link Kind#MISS}):
 *       {@code $status} 200, 301 or 302 (what {@code proxy_cache_valid TIME} caches) and no
 *       {@code no-cache}, {@code no-store}, {@code private} or zero {@code s-maxage}/{@code max-age}
 *       in the origin's {@code Cache-Control} (what makes NGINX's upstream module refuse to
 *       cache). Otherwise ({@link Kind#LOOKUP}) the lookup advanced the cache's clock but nothing was
 *       stored, so an LRU would not have held it either: a shadow that stored it would win hits
 *       that no eviction policy could have had.</li>
 *   <li>{@code BYPASS} and {@code -} (the request never looked in the cache), and methods other than
 *       {@code GET} and {@code HEAD} (as the trainer skips them): {@link Kind#SKIPPED}.</li>
 * </ul>
 * Anything else, or a line that is not in the format, is malformed: {@link #parse} returns why.
 *
 * <p>Not thread-safe: one instance per reading thread, reused for every line; allocation-free.
 */
public final class AccessLogLine {

    /** What a line is to the floor. */
    public enum Kind {
        /** The live cache held the object. */
        HIT,
        /** The live cache did not hold it, and stored the response. */
        MISS,
        /** A cache lookup that missed and stored nothing: a tick of the cache's clock, nothing more. */
        LOOKUP,
        /** No cache lookup (another method, a bypass, a location without a cache). */
        SKIPPED
    }

    /** The first field of every extended line. */
    public static final String MARKER = "reflex1";

    /** Fields the extended format writes. */
    static final int FIELDS = 9;

    private static final byte[] MARKER_BYTES = MARKER.getBytes(US_ASCII);
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int[] starts = new int[FIELDS];
    private final int[] ends = new int[FIELDS];
    private Kind kind;
    private long fingerprint;
    private long bytes;

    /**
     * Reads {@code line[from, to)} (no newline).
     *
     * @return null when the line is in the format, else why not (a constant: nothing is allocated)
     */
    public String parse(byte[] line, int from, int to) {
        String problem = split(line, from, to);
        if (problem != null) {
            return problem;
        }
        if (!equals(line, 0, MARKER_BYTES)) {
            return "not Reflex's extended format (the first field is not " + MARKER + ")";
        }
        if (!isNumber(line, 1)) {
            return "$msec is not a number";
        }
        if (length(3) == 0) {
            return "empty cache key";
        }
        int status = status(line);
        if (status < 0) {
            return "$status is not a 3-digit code";
        }
        long size = size(line);
        if (size < 0) {
            return "$body_bytes_sent is not a number";
        }
        Kind k = cacheStatus(line, status);
        if (k == null) {
            return "unknown $upstream_cache_status (HIT, MISS, EXPIRED, STALE, UPDATING, REVALIDATED, BYPASS or -)";
        }
        boolean cacheable = equals(line, 2, GET) || equals(line, 2, HEAD);
        this.kind = cacheable ? k : Kind.SKIPPED;
        this.bytes = size;
        this.fingerprint = fnv(line, starts[3], ends[3]);
        return null;
    }

    /** What the last line parsed is to the floor. */
    public Kind kind() {
        return kind;
    }

    /** A 64-bit fingerprint of the last line's cache key (FNV-1a of its bytes). */
    public long fingerprint() {
        return fingerprint;
    }

    /** The last line's {@code $body_bytes_sent} ({@code -} is 0). */
    public long bytes() {
        return bytes;
    }

    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] HEAD = {'H', 'E', 'A', 'D'};
    private static final byte[][] HIT_STATUSES = {
        "HIT".getBytes(US_ASCII), "STALE".getBytes(US_ASCII), "UPDATING".getBytes(US_ASCII), "REVALIDATED".getBytes(US_ASCII), "EXPIRED".getBytes(US_ASCII)};
    private static final byte[] MISS_STATUS = "MISS".getBytes(US_ASCII);
    private static final byte[][] NO_LOOKUP = {"BYPASS".getBytes(US_ASCII), "-".getBytes(US_ASCII)};
    private static final byte[][] NOT_STORED = {"no-cache".getBytes(US_ASCII), "no-store".getBytes(US_ASCII), "private".getBytes(US_ASCII)};
    private static final byte[] S_MAXAGE = "s-maxage=".getBytes(US_ASCII);
    private static final byte[] MAX_AGE = "max-age=".getBytes(US_ASCII);

    private Kind cacheStatus(byte[] line, int status) {
        for (byte[] s : HIT_STATUSES) {
            if (equals(line, 6, s)) {
                return Kind.HIT;
            }
        }
        for (byte[] s : NO_LOOKUP) {
            if (equals(line, 6, s)) {
                return Kind.SKIPPED;
            }
        }
        if (!equals(line, 6, MISS_STATUS)) {
            return null;
        }
        return stored(line, status) ? Kind.MISS : Kind.LOOKUP;
    }

    /** Whether NGINX stored the response of a miss, by its status and the origin's Cache-Control. */
    private boolean stored(byte[] line, int status) {
        if (status != 200 && status != 301 && status != 302) {
            return false;
        }
        int from = starts[8];
        int to = ends[8];
        for (byte[] word : NOT_STORED) {
            if (indexOf(line, from, to, word) >= 0) {
                return false;
            }
        }
        int at = indexOf(line, from, to, S_MAXAGE);
        int value = at >= 0 ? at + S_MAXAGE.length : -1;
        if (value < 0) {
            at = indexOf(line, from, to, MAX_AGE);
            value = at >= 0 ? at + MAX_AGE.length : -1;
        }
        // NGINX refuses to cache a response whose age limit is 0 (all zeros: "max-age=00" too)
        if (value < 0 || value >= to || line[value] < '0' || line[value] > '9') {
            return true;
        }
        while (value < to && line[value] == '0') {
            value++;
        }
        return value < to && line[value] >= '0' && line[value] <= '9';
    }

    private String split(byte[] line, int from, int to) {
        int n = 0;
        int i = from;
        while (i < to) {
            byte c = line[i];
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start;
            int end;
            if (c == '"') {
                start = i + 1;
                int close = start;
                while (close < to && (line[close] != '"' || line[close - 1] == '\\')) {
                    close++;
                }
                if (close >= to) {
                    return "unterminated quoted field";
                }
                end = close;
                i = close + 1;
            } else {
                start = i;
                while (i < to && line[i] != ' ' && line[i] != '\t') {
                    i++;
                }
                end = i;
            }
            if (n < FIELDS) {
                starts[n] = start;
                ends[n] = end;
            }
            n++;
        }
        return n < FIELDS ? "expected the extended format's 9 fields (log_format reflex), got fewer" : null;
    }

    private int length(int field) {
        return ends[field] - starts[field];
    }

    private boolean equals(byte[] line, int field, byte[] word) {
        if (length(field) != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (line[starts[field] + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean isNumber(byte[] line, int field) {
        if (length(field) == 0) {
            return false;
        }
        for (int i = starts[field]; i < ends[field]; i++) {
            if ((line[i] < '0' || line[i] > '9') && line[i] != '.') {
                return false;
            }
        }
        return true;
    }

    private int status(byte[] line) {
        if (length(4) != 3) {
            return -1;
        }
        int v = 0;
        for (int i = starts[4]; i < ends[4]; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return -1;
            }
            v = v * 10 + line[i] - '0';
        }
        return v;
    }

    private long size(byte[] line) {
        if (length(5) == 1 && line[starts[5]] == '-') {
            return 0;
        }
        if (length(5) == 0 || length(5) > 18) {
            return -1;
        }
        long v = 0;
        for (int i = starts[5]; i < ends[5]; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return -1;
            }
            v = v * 10 + line[i] - '0';
        }
        return v;
    }

    /** Where {@code word} first occurs in {@code line[from, to)}, ASCII case ignored; -1 when it does not. */
    private static int indexOf(byte[] line, int from, int to, byte[] word) {
        outer:
        for (int i = from; i <= to - word.length; i++) {
            for (int j = 0; j < word.length; j++) {
                if (lower(line[i + j]) != word[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    /** FNV-1a, 64 bits: the floor's sampler mixes it again (SplitMix64), so its weak low bits do not matter. */
    private static long fnv(byte[] b, int from, int to) {
        long h = FNV_OFFSET;
        for (int i = from; i < to; i++) {
            h ^= b[i] & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }
}
