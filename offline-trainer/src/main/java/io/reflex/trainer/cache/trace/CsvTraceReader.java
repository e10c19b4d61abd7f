package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code csv}: one request per line, {@code time,key,size[,ttl[,rtt]]}.
 * <ul>
 *   <li>time: seconds (any epoch, decimals allowed); key: any text (a canonical integer is compared as
 *       a number); size: bytes, a non-negative integer (0 counts as 1); ttl: seconds, empty or
 *       {@code <= 0} for none; rtt: origin round-trip time in milliseconds, empty for unknown.</li>
 *   <li>Header optional: when the first line's first field is not a number it is a header, and
 *       columns are then found by name ({@code time}, {@code key}, {@code size}, {@code ttl},
 *       {@code rtt}; others ignored; {@code key} required), in any order.</li>
 *   <li>Blank lines and lines starting with {@code #} are ignored. Fields may be double-quoted
 *       ({@code ""} inside for a quote).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class CsvTraceReader implements TraceReader {

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BufferedReader reader = TextFields.lines(in);
        List<String> fields = new ArrayList<>(8);
        int timeColumn = 0;
        int keyColumn = 1;
        int sizeColumn = 2;
        int ttlColumn = 3;
        int rttColumn = 4;
        int required = 3;
        boolean first = true;
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank() || line.charAt(0) == '#') {
                continue;
            }
            if (!split(line, fields)) {
                errors.malformedLine(lineNumber, "unterminated quoted field in " + TextFields.excerpt(line));
                continue;
            }
            if (first) {
                first = false;
                if (Double.isNaN(TextFields.parseDouble(fields.getFirst().strip()))) {
                    int[] columns = header(fields);
                    if (columns == null) {
                        throw new MalformedTraceException(errors.source() + ":" + lineNumber
                                + ": header " + TextFields.excerpt(line) + " has no 'key' column (expected time,key,size[,ttl[,rtt]])");
                    }
                    timeColumn = columns[0];
                    keyColumn = columns[1];
                    sizeColumn = columns[2];
                    ttlColumn = columns[3];
                    rttColumn = columns[4];
                    required = Math.max(keyColumn, Math.max(timeColumn, sizeColumn)) + 1;
                    continue;
                }
            }
            if (fields.size() < required) {
                errors.malformedLine(lineNumber, "expected at least " + required + " fields (time,key,size[,ttl[,rtt]]), got "
                        + fields.size() + " in " + TextFields.excerpt(line));
                continue;
            }
            double time = RequestSink.NO_TIME;
            if (timeColumn >= 0) {
                time = TextFields.parseDouble(fields.get(timeColumn).strip());
                if (Double.isNaN(time)) {
                    errors.malformedLine(lineNumber, "time " + TextFields.excerpt(fields.get(timeColumn)) + " is not a number");
                    continue;
                }
            }
            String key = fields.get(keyColumn).strip();
            if (key.isEmpty()) {
                errors.malformedLine(lineNumber, "empty key");
                continue;
            }
            long size = RequestSink.NO_SIZE;
            if (sizeColumn >= 0) {
                size = TextFields.parseSize(fields.get(sizeColumn).strip());
                if (size < 0) {
                    errors.malformedLine(lineNumber, "size " + TextFields.excerpt(fields.get(sizeColumn)) + " is not a non-negative integer");
                    continue;
                }
            }
            double ttl = RequestSink.NO_TTL;
            if (ttlColumn >= 0 && ttlColumn < fields.size()) {
                String text = fields.get(ttlColumn).strip();
                if (!text.isEmpty() && !text.equals("-")) {
                    ttl = TextFields.parseDouble(text);
                    if (Double.isNaN(ttl)) {
                        errors.malformedLine(lineNumber, "ttl " + TextFields.excerpt(text) + " is not a number");
                        continue;
                    }
                }
            }
            double rtt = RequestSink.NO_RTT;
            if (rttColumn >= 0 && rttColumn < fields.size()) {
                String text = fields.get(rttColumn).strip();
                if (!text.isEmpty() && !text.equals("-")) {
                    rtt = TextFields.parseDouble(text);
                    if (Double.isNaN(rtt) || rtt < 0) {
                        errors.malformedLine(lineNumber, "rtt " + TextFields.excerpt(text) + " is not a non-negative number");
                        continue;
                    }
                }
            }
            TextFields.request(sink, key, time, size, ttl, rtt);
        }
    }

    /** Column indexes {time, key, size, ttl, rtt} (-1 when absent), or null without a key column. */
    private static int[] header(List<String> fields) {
        int[] columns = {-1, -1, -1, -1, -1};
        for (int i = 0; i < fields.size(); i++) {
            switch (fields.get(i).strip().toLowerCase(Locale.ROOT)) {
                case "time", "timestamp" -> columns[0] = i;
                case "key", "id", "object" -> columns[1] = i;
                case "size", "bytes" -> columns[2] = i;
                case "ttl" -> columns[3] = i;
                case "rtt" -> columns[4] = i;
                default -> {
                }
            }
        }
        return columns[1] < 0 ? null : columns;
    }

    /** Splits a CSV line into fields; false when a quoted field is not closed. */
    static boolean split(String line, List<String> out) {
        out.clear();
        if (line.indexOf('"') < 0) {
            int start = 0;
            int comma;
            while ((comma = line.indexOf(',', start)) >= 0) {
                out.add(line.substring(start, comma));
                start = comma + 1;
            }
            out.add(line.substring(start));
            return true;
        }
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return !quoted;
    }
}
