package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Parsing helpers shared by the text readers. Stateless. */
final class TextFields {

    private TextFields() {
    }

    /** A reader over UTF-8 text (malformed bytes are replaced, never fatal). */
    static BufferedReader lines(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Whether {@code s} is a decimal integer in canonical form (optional minus, no leading zeros,
     * fits a long): such keys are interned as numbers, anything else as strings.
     */
    static boolean isCanonicalLong(String s) {
        int n = s.length();
        if (n == 0 || n > 19) {
            return false;
        }
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i == n || (s.charAt(i) == '0' && n - i > 1) || (i == 1 && s.charAt(1) == '0')) {
            return false;
        }
        for (int j = i; j < n; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (n - i == 19) {
            try {
                Long.parseLong(s);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** Passes a request to the sink with a numeric key when the key is a canonical integer. */
    static void request(RequestSink sink, String key, double time, long size, double ttl, double rtt) {
        if (isCanonicalLong(key)) {
            sink.request(Long.parseLong(key), time, size, ttl, rtt);
        } else {
            sink.request(key, time, size, ttl, rtt);
        }
    }

    /** A finite double, or NaN when {@code s} is not one. */
    static double parseDouble(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        char c = s.charAt(s.length() - 1);
        if (!(c >= '0' && c <= '9') && c != '.') {
            return Double.NaN; // rejects "NaN", "Infinity", "1e5d", "1f"
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A non-negative long, or -1 when {@code s} is not one. */
    static long parseSize(String s) {
        int n = s.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The most characters of a line or field an error message echoes, escapes included. */
    static final int EXCERPT_CHARS = 80;

    /**
     * A line or field as an error message quotes it: in single quotes, a tab shown as a space,
     * every other control character (C0, DEL, C1) and invisible formatting character escaped
     * ({@code \x01}, {@code \u200e}), and cut to {@value #EXCERPT_CHARS} characters with
     * {@code ...}. A binary file read as text must not write raw bytes to a terminal, nor a
     * megabyte-long "line" into one message.
     */
    static String excerpt(String line) {
        StringBuilder s = new StringBuilder();
        int fits = 0; // the longest prefix ending between two characters that leaves room for "..."
        for (int i = 0; i < line.length() && s.length() <= EXCERPT_CHARS; ) {
            int c = line.codePointAt(i);
            i += Character.charCount(c);
            appendShown(s, c);
            if (s.length() <= EXCERPT_CHARS - 3) {
                fits = s.length();
            }
        }
        if (s.length() > EXCERPT_CHARS) {
            s.setLength(fits);
            s.append("...");
        }
        return "'" + s + "'";
    }

    private static void appendShown(StringBuilder s, int c) {
        if (c == '\t') {
            s.append(' ');
        } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            s.append(String.format(Locale.ROOT, "\\x%02x", c));
        } else if (invisible(c)) {
            s.append(String.format(Locale.ROOT, "\\u%04x", c));
        } else {
            s.appendCodePoint(c);
        }
    }

    /** Characters a terminal shows as nothing, or that change how it shows the rest. */
    private static boolean invisible(int c) {
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.UNASSIGNED, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}
