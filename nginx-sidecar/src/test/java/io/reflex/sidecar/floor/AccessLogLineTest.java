package io.reflex.sidecar.floor;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AccessLogLine}: what each extended-format line is to the floor, and why a bad one is refused. */
class AccessLogLineTest {

    private final AccessLogLine line = new AccessLogLine();

    private String parse(String text) {
        byte[] b = ("xx" + text + "yy").getBytes(StandardCharsets.ISO_8859_1);
        return line.parse(b, 2, b.length - 2);
    }

    private static String log(String method, String key, int status, String bytes, String cacheStatus, String cc) {
        return "reflex1 1733400000.123 " + method + " \"" + key + "\" " + status + " " + bytes + " " + cacheStatus
                + " \"0.010\" \"" + cc + "\"";
    }

    private AccessLogLine.Kind kind(String text) {
        String problem = parse(text);
        assertNull(problem, text);
        return line.kind();
    }

    @Test
    void residencyDecidesAHitWhateverTheFreshness() {
        for (String s : new String[] {"HIT", "STALE", "UPDATING", "REVALIDATED", "EXPIRED"}) {
            assertEquals(AccessLogLine.Kind.HIT, kind(log("GET", "httpo/a", 200, "5000", s, "-")), s);
        }
        assertEquals(5000, line.bytes());
        assertEquals(AccessLogLine.Kind.HIT, kind(log("HEAD", "httpo/a", 304, "-", "HIT", "-")));
        assertEquals(0, line.bytes(), "- is 0 bytes");
    }

    @Test
    void aMissCountsOnlyWhenNginxStoresTheResponse() {
        assertEquals(AccessLogLine.Kind.MISS, kind(log("GET", "httpo/a", 200, "10", "MISS", "max-age=60")));
        assertEquals(AccessLogLine.Kind.MISS, kind(log("GET", "httpo/a", 301, "10", "MISS", "-")));
        assertEquals(AccessLogLine.Kind.MISS, kind(log("GET", "httpo/a", 200, "10", "MISS", "max-age=0, s-maxage=30")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 404, "10", "MISS", "max-age=60")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 200, "10", "MISS", "public, Private")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 200, "10", "MISS", "no-store")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 200, "10", "MISS", "no-cache")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 200, "10", "MISS", "max-age=00")));
        assertEquals(AccessLogLine.Kind.LOOKUP, kind(log("GET", "httpo/a", 200, "10", "MISS", "s-maxage=0, max-age=60")));
    }

    @Test
    void requestsThatNeverLookedInTheCacheAreSkipped() {
        assertEquals(AccessLogLine.Kind.SKIPPED, kind(log("POST", "httpo/a", 200, "10", "MISS", "-")));
        assertEquals(AccessLogLine.Kind.SKIPPED, kind(log("GET", "httpo/a", 200, "10", "BYPASS", "-")));
        assertEquals(AccessLogLine.Kind.SKIPPED, kind(log("GET", "httpo/a", 200, "10", "-", "-")));
    }

    @Test
    void theKeyIsTheQuotedFieldWithItsEscapedQuotes() {
        kind(log("GET", "httpo/a b", 200, "1", "HIT", "-"));
        long spaced = line.fingerprint();
        kind(log("GET", "httpo/a\\\"b", 200, "1", "HIT", "-"));
        long quoted = line.fingerprint();
        kind(log("GET", "httpo/a b", 200, "1", "MISS", "-"));
        assertEquals(spaced, line.fingerprint(), "same key, same fingerprint");
        assertNotEquals(spaced, quoted);
    }

    @Test
    void aLineOutsideTheFormatSaysWhy() {
        assertTrue(parse("127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 2326 \"-\" \"-\"")
                .contains("not Reflex's extended format"), "NGINX's combined format is not the floor's");
        assertTrue(parse("reflex1 1 GET \"k\" 200 1 HIT").contains("fewer"));
        assertTrue(parse(log("GET", "k", 200, "1", "HIT", "-").replace("reflex1", "reflex2")).contains("reflex1"));
        assertTrue(parse(log("GET", "k", 200, "1", "HIT", "-").replace("1733400000.123", "noon")).contains("$msec"));
        assertTrue(parse(log("GET", "", 200, "1", "HIT", "-")).contains("empty cache key"));
        assertTrue(parse(log("GET", "k", 20, "1", "HIT", "-")).contains("$status"));
        assertTrue(parse(log("GET", "k", 200, "1x", "HIT", "-")).contains("$body_bytes_sent"));
        assertTrue(parse(log("GET", "k", 200, "1", "WARM", "-")).contains("$upstream_cache_status"));
        assertTrue(parse("reflex1 1 GET \"unterminated 200 1 HIT").contains("unterminated"));
    }
}
