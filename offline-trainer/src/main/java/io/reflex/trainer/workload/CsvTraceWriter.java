package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.trace.Compression;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes requests as a {@code csv} trace: a header {@code time,key,size,ttl,rtt}, then one line per
 * request. Time and RTT are written with three decimals (seconds, milliseconds), TTL in seconds
 * (0 for none), RTT empty when unknown, keys as they are (quoted when they contain a comma or a
 * quote). Output is byte-for-byte deterministic (no locale, no platform line separator: {@code \n}),
 * and compressed when the file name ends in {@code .gz}, {@code .xz} or {@code .zst}.
 *
 * <p>Not thread-safe: one producer writes one file. Close it to flush.
 */
public final class CsvTraceWriter implements RequestSink, AutoCloseable {

    /** The header line's columns. */
    public static final String HEADER = "time,key,size,ttl,rtt";

    private final Writer out;
    private final StringBuilder line = new StringBuilder(64);
    private long written;

    /** Creates (or replaces) {@code file} and writes the header. */
    public CsvTraceWriter(Path file) throws IOException {
        out = new OutputStreamWriter(Compression.openOutput(file), StandardCharsets.UTF_8);
        out.write(HEADER);
        out.write('\n');
    }

    /** Lines written so far, header excluded. */
    public long written() {
        return written;
    }

    @Override
    public void request(long key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        line.setLength(0);
        appendFixed3(timeSeconds);
        line.append(',').append(key);
        finish(sizeBytes, ttlSeconds, rttMillis);
    }

    @Override
    public void request(String key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        line.setLength(0);
        appendFixed3(timeSeconds);
        line.append(',');
        if (key.indexOf(',') >= 0 || key.indexOf('"') >= 0) {
            line.append('"').append(key.replace("\"", "\"\"")).append('"');
        } else {
            line.append(key);
        }
        finish(sizeBytes, ttlSeconds, rttMillis);
    }

    private void finish(long size, double ttl, double rtt) {
        line.append(',').append(size == NO_SIZE ? 1 : size).append(',');
        if (ttl > 0) {
            if (ttl == Math.rint(ttl) && ttl < 1e15) {
                line.append((long) ttl);
            } else {
                appendFixed3(ttl);
            }
        } else {
            line.append('0');
        }
        line.append(',');
        if (!Double.isNaN(rtt)) {
            appendFixed3(rtt);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written++;
    }

    /** Appends {@code v} rounded to three decimals, without locale or exponent. */
    private void appendFixed3(double v) {
        if (Double.isNaN(v)) {
            v = 0;
        }
        long thousandths = Math.round(v * 1000);
        if (thousandths < 0) {
            line.append('-');
            thousandths = -thousandths;
        }
        long whole = thousandths / 1000;
        int frac = (int) (thousandths % 1000);
        line.append(whole).append('.');
        if (frac < 100) {
            line.append('0');
        }
        if (frac < 10) {
            line.append('0');
        }
        line.append(frac);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
