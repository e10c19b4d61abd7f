package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code nginx}: NGINX access logs, one request per line, in either of two layouts (told apart line
 * by line, so a log may switch when the configuration changes):
 * <ul>
 *   <li><b>combined</b> (NGINX's default, and {@code common}, its first seven fields):
 *       {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 *       "$http_referer" "$http_user_agent"}. Key: the request target (path and query); size:
 *       {@code $body_bytes_sent}; time: {@code $time_local}; no TTL, no RTT.</li>
 *   <li><b>extended</b> (Reflex's, first field {@code reflex1}), written by this {@code log_format}:
 *       <pre>
 * log_format reflex 'reflex1 $msec $request_method "$scheme$proxy_host$request_uri" $status $body_bytes_sent $upstream_cache_status "$upstream_response_time" "$upstream_http_cache_control"';
 *       </pre>
 *       Key: the quoted field (write there the same expression as your {@code proxy_cache_key};
 *       the one above is NGINX's default key); time: {@code $msec}; size: {@code $body_bytes_sent};
 *       RTT: {@code $upstream_response_time} in seconds, the sum when several upstreams were tried,
 *       {@code -} (a cache hit) for unknown; TTL: {@code s-maxage}, else {@code max-age}, from the
 *       origin's {@code Cache-Control}, {@code -} for none. {@code $upstream_cache_status} is read
 *       for validation only.</li>
 * </ul>
 * Only {@code GET} and {@code HEAD} requests are kept (what a proxy cache serves); others are
 * skipped without counting as malformed. Stateless and thread-safe.
 */
public final class NginxLogReader implements TraceReader {

    /** First field of an extended line. */
    public static final String EXTENDED_MARKER = "reflex1";

    /** The extended format as an NGINX directive, ready to paste into the {@code http} block. */
    public static final String LOG_FORMAT = "log_format reflex 'reflex1 $msec $request_method"
            + " \"$scheme$proxy_host$request_uri\" $status $body_bytes_sent $upstream_cache_status"
            + " \"$upstream_response_time\" \"$upstream_http_cache_control\"';";

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BufferedReader reader = TextFields.lines(in);
        List<String> tokens = new ArrayList<>(16);
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String problem = tokenize(line, tokens);
            if (problem == null) {
                problem = tokens.getFirst().equals(EXTENDED_MARKER) ? extended(tokens, sink) : combined(tokens, sink);
            }
            if (problem != null) {
                errors.malformedLine(lineNumber, problem + " in " + TextFields.excerpt(line));
            }
        }
    }

    /** Reads a combined line; returns a problem or null. */
    private static String combined(List<String> t, RequestSink sink) {
        if (t.size() < 7) {
            return "expected the combined format (at least 7 fields), got " + t.size() + " fields";
        }
        double time = parseTimeLocal(t.get(3));
        if (Double.isNaN(time)) {
            return "time " + TextFields.excerpt(t.get(3)) + " is not [dd/Mon/yyyy:HH:mm:ss +hhmm]";
        }
        String request = t.get(4);
        int space = request.indexOf(' ');
        if (space <= 0 || space == request.length() - 1) {
            return "request " + TextFields.excerpt(request) + " has no method and target";
        }
        String method = request.substring(0, space);
        int end = request.indexOf(' ', space + 1);
        String target = end < 0 ? request.substring(space + 1) : request.substring(space + 1, end);
        String statusProblem = checkStatus(t.get(5));
        if (statusProblem != null) {
            return statusProblem;
        }
        long size = bytes(t.get(6));
        if (size < 0) {
            return "body_bytes_sent " + TextFields.excerpt(t.get(6)) + " is not a number";
        }
        if (cacheable(method)) {
            sink.request(target, time, size, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        return null;
    }

    /** Reads an extended line; returns a problem or null. */
    private static String extended(List<String> t, RequestSink sink) {
        if (t.size() < 9) {
            return "expected the extended format (9 fields after log_format reflex), got " + t.size() + " fields";
        }
        double time = TextFields.parseDouble(t.get(1));
        if (Double.isNaN(time)) {
            return "msec " + TextFields.excerpt(t.get(1)) + " is not a number";
        }
        String method = t.get(2);
        String key = t.get(3);
        if (key.isEmpty()) {
            return "empty cache key";
        }
        String statusProblem = checkStatus(t.get(4));
        if (statusProblem != null) {
            return statusProblem;
        }
        long size = bytes(t.get(5));
        if (size < 0) {
            return "body_bytes_sent " + TextFields.excerpt(t.get(5)) + " is not a number";
        }
        String cacheStatus = t.get(6);
        if (cacheStatus.isEmpty()) {
            return "empty upstream_cache_status";
        }
        double rtt = upstreamMillis(t.get(7));
        if (Double.isInfinite(rtt)) {
            return "upstream_response_time " + TextFields.excerpt(t.get(7)) + " is not a list of numbers";
        }
        double ttl = maxAge(t.get(8));
        if (cacheable(method)) {
            sink.request(key, time, size, ttl, rtt);
        }
        return null;
    }

    private static boolean cacheable(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static String checkStatus(String status) {
        if (status.length() != 3 || TextFields.parseSize(status) < 0) {
            return "status " + TextFields.excerpt(status) + " is not a 3-digit code";
        }
        return null;
    }

    private static long bytes(String field) {
        return field.equals("-") ? 0 : TextFields.parseSize(field);
    }

    /**
     * Sum of the times in {@code $upstream_response_time} ("0.050", "0.010, 0.040", "0.010 : 0.040"),
     * in ms; NaN for "-" (no upstream: a hit); +infinity when malformed.
     */
    static double upstreamMillis(String field) {
        if (field.equals("-") || field.isEmpty()) {
            return Double.NaN;
        }
        double total = 0;
        boolean any = false;
        int i = 0;
        int n = field.length();
        while (i < n) {
            char c = field.charAt(i);
            if (c == ' ' || c == ',' || c == ':') {
                i++;
                continue;
            }
            int start = i;
            while (i < n && field.charAt(i) != ' ' && field.charAt(i) != ',' && field.charAt(i) != ':') {
                i++;
            }
            String part = field.substring(start, i);
            if (part.equals("-")) {
                continue;
            }
            double v = TextFields.parseDouble(part);
            if (Double.isNaN(v) || v < 0) {
                return Double.POSITIVE_INFINITY;
            }
            total += v;
            any = true;
        }
        return any ? total * 1000 : Double.NaN;
    }

    /** {@code s-maxage}, else {@code max-age}, from a Cache-Control value, in seconds; 0 for none. */
    static double maxAge(String cacheControl) {
        double sMaxAge = directive(cacheControl, "s-maxage=");
        if (!Double.isNaN(sMaxAge)) {
            return sMaxAge;
        }
        double maxAge = directive(cacheControl, "max-age=");
        return Double.isNaN(maxAge) ? RequestSink.NO_TTL : maxAge;
    }

    private static double directive(String value, String name) {
        int from = 0;
        while (true) {
            int at = value.indexOf(name, from);
            if (at < 0) {
                return Double.NaN;
            }
            boolean startsDirective = at == 0 || value.charAt(at - 1) == ' ' || value.charAt(at - 1) == ',';
            int start = at + name.length();
            int end = start;
            while (end < value.length() && Character.isDigit(value.charAt(end))) {
                end++;
            }
            if (startsDirective && end > start) {
                return Long.parseLong(value.substring(start, Math.min(end, start + 12)));
            }
            from = at + 1;
        }
    }

    /** Epoch seconds of an NGINX {@code $time_local} ("10/Oct/2000:13:55:36 -0700"); NaN when malformed. */
    static double parseTimeLocal(String s) {
        if (s.length() != 26 || s.charAt(2) != '/' || s.charAt(6) != '/' || s.charAt(11) != ':'
                || s.charAt(14) != ':' || s.charAt(17) != ':' || s.charAt(20) != ' ') {
            return Double.NaN;
        }
        int day = digits(s, 0, 2);
        int month = -1;
        String name = s.substring(3, 6);
        for (int m = 0; m < 12; m++) {
            if (MONTHS[m].equals(name)) {
                month = m + 1;
            }
        }
        int year = digits(s, 7, 11);
        int hour = digits(s, 12, 14);
        int minute = digits(s, 15, 17);
        int second = digits(s, 18, 20);
        char sign = s.charAt(21);
        int offsetHours = digits(s, 22, 24);
        int offsetMinutes = digits(s, 24, 26);
        if (day < 1 || day > 31 || month < 0 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 60 || (sign != '+' && sign != '-') || offsetHours < 0 || offsetMinutes < 0) {
            return Double.NaN;
        }
        long days = daysFromCivil(year, month, day);
        long local = days * 86_400L + hour * 3600L + minute * 60L + second;
        long offset = (offsetHours * 3600L + offsetMinutes * 60L) * (sign == '+' ? 1 : -1);
        return local - offset;
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /**
     * Splits a log line into fields: bare words, "quoted strings" (quotes removed; NGINX escapes
     * quotes inside variables as \x22, so the next quote closes) and [bracketed] text. Returns a
     * problem or null.
     */
    static String tokenize(String line, List<String> out) {
        out.clear();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '"') {
                int close = line.indexOf('"', i + 1);
                while (close > 0 && line.charAt(close - 1) == '\\') {
                    close = line.indexOf('"', close + 1);
                }
                if (close < 0) {
                    return "unterminated quoted field";
                }
                out.add(line.substring(i + 1, close));
                i = close + 1;
            } else if (c == '[') {
                int close = line.indexOf(']', i + 1);
                if (close < 0) {
                    return "unterminated [bracketed] field";
                }
                out.add(line.substring(i + 1, close));
                i = close + 1;
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    i++;
                }
                out.add(line.substring(start, i));
            }
        }
        return out.isEmpty() ? "empty line" : null;
    }
}
