package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code adaptsize}: the AdaptSize CDN request traces' layout, {@code seq id size} per line,
 * separated by spaces or tabs. {@code seq} (a number, a sequence position or a timestamp) becomes the
 * request's time in seconds; {@code id} is the key (integer or text); {@code size} is in bytes.
 * Further fields are ignored; blank lines too. Stateless and thread-safe.
 */
public final class AdaptSizeTraceReader implements TraceReader {

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BufferedReader reader = TextFields.lines(in);
        String[] fields = new String[3];
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            int count = split(line, fields);
            if (count == 0) {
                continue;
            }
            if (count < 3) {
                errors.malformedLine(lineNumber, "expected 'seq id size', got " + count + " field(s) in "
                        + TextFields.excerpt(line));
                continue;
            }
            double time = TextFields.parseDouble(fields[0]);
            if (Double.isNaN(time)) {
                errors.malformedLine(lineNumber, "seq " + TextFields.excerpt(fields[0]) + " is not a number");
                continue;
            }
            long size = TextFields.parseSize(fields[2]);
            if (size < 0) {
                errors.malformedLine(lineNumber, "size " + TextFields.excerpt(fields[2]) + " is not a non-negative integer");
                continue;
            }
            TextFields.request(sink, fields[1], time, size, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
    }

    /** The first three whitespace-separated fields; returns how many there were (at most 3). */
    private static int split(String line, String[] out) {
        int count = 0;
        int i = 0;
        int n = line.length();
        while (i < n && count < 3) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            out[count++] = line.substring(start, i);
        }
        return count;
    }
}
