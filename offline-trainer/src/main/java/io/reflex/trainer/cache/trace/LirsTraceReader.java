package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code lirs}: the LIRS traces' layout, one integer key per line (surrounding whitespace allowed,
 * blank lines ignored). A line holding only {@code *} is a checkpoint marker the LIRS authors put
 * between phases of a trace, not a request, and is skipped. No times, sizes, TTLs or RTTs.
 * Stateless and thread-safe.
 */
public final class LirsTraceReader implements TraceReader {

    /** The LIRS traces' checkpoint line. */
    private static final String CHECKPOINT = "*";

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BufferedReader reader = TextFields.lines(in);
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            String key = line.strip();
            if (key.isEmpty() || key.equals(CHECKPOINT)) {
                continue;
            }
            long value;
            try {
                value = Long.parseLong(key);
            } catch (NumberFormatException e) {
                errors.malformedLine(lineNumber, "key " + TextFields.excerpt(key) + " is not an integer");
                continue;
            }
            sink.request(value, RequestSink.NO_TIME, RequestSink.NO_SIZE, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
    }
}
