package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The trace formats {@code --format} accepts, by their command-line names, and the one entry point
 * that reads a file of any of them into a {@link Trace} (decompressing by extension, see
 * {@link Compression}).
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>name</th><th>content</th></tr>
 *   <tr><td>csv</td><td>{@code time,key,size[,ttl[,rtt]]}, header optional</td></tr>
 *   <tr><td>nginx</td><td>access log lines, {@code combined} or Reflex's extended {@code log_format}</td></tr>
 *   <tr><td>lirs</td><td>one integer key per line</td></tr>
 *   <tr><td>adaptsize</td><td>{@code seq id size}, whitespace-separated</td></tr>
 *   <tr><td>cache2k</td><td>binary, big-endian int32 keys</td></tr>
 *   <tr><td>oracle-general</td><td>libCacheSim binary, 24-byte little-endian records</td></tr>
 * </table>
 *
 * Stateless and thread-safe.
 */
public enum TraceFormat {
    CSV("csv", new CsvTraceReader()),
    NGINX("nginx", new NginxLogReader()),
    LIRS("lirs", new LirsTraceReader()),
    ADAPTSIZE("adaptsize", new AdaptSizeTraceReader()),
    CACHE2K("cache2k", new Cache2kTraceReader()),
    ORACLE_GENERAL("oracle-general", new OracleGeneralTraceReader());

    private final String label;
    private final TraceReader reader;

    TraceFormat(String label, TraceReader reader) {
        this.label = label;
        this.reader = reader;
    }

    /** The command-line name. */
    public String label() {
        return label;
    }

    /** The reader of this format. */
    public TraceReader reader() {
        return reader;
    }

    /**
     * The format named {@code name} on the command line.
     *
     * @throws IllegalArgumentException naming it and the known formats
     */
    public static TraceFormat fromLabel(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (TraceFormat f : values()) {
            if (f.label.equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "' (known: "
                + Arrays.stream(values()).map(TraceFormat::label).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * Reads a whole trace file into memory.
     *
     * <p>Damaged input (a truncated or corrupt compressed file, a read error) stops the read. In
     * strict mode that is an {@link IOException} naming the file and how far it got (requests, and
     * bytes of decompressed data); in lenient mode the trace keeps the requests read before the
     * damage and says where it stopped in {@link Trace#truncation()}. Either way a trace must hold
     * at least one request.
     *
     * @throws NoSuchFileException        when the file does not exist (message: the path)
     * @throws MalformedTraceException    in strict mode, at the first malformed line or record
     * @throws EmptyTraceException        when the file holds no request (empty, a header only, every
     *                                    line malformed or skipped, or damaged before the first)
     * @throws IOException                on a read or decompression failure, the message naming the file
     */
    public Trace read(Path file, Strictness strictness) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "trace file not found");
        }
        String name = file.toString();
        ParseErrors errors = new ParseErrors(name, strictness);
        TraceBuilder builder = new TraceBuilder(expectedRequests(file));
        String truncation = null;
        CountingInputStream counted = null;
        try (InputStream in = Compression.openInput(file)) {
            counted = new CountingInputStream(in);
            reader.read(counted, builder, errors);
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException | UncheckedIOException e) {
            String cause = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
            if (counted == null) {
                throw new IOException(name + ": cannot read as " + label + ": " + cause, e);
            }
            String where = String.format(Locale.ROOT, "%,d requests (%,d bytes of %s)", builder.length(),
                    counted.count(), Compression.of(file) == Compression.NONE ? "the file" : "decompressed data");
            if (strictness == Strictness.STRICT || builder.length() == 0) {
                throw new IOException(name + ": cannot read as " + label + " after " + where + ": " + cause, e);
            }
            truncation = name + ": cannot read as " + label + " past " + where + ": " + cause + "; kept the "
                    + String.format(Locale.ROOT, "%,d", builder.length()) + " requests read before the damage";
        }
        if (builder.length() == 0) {
            throw new EmptyTraceException(name + ": holds no requests as " + label + " (" + (errors.skipped() > 0
                    ? String.format(Locale.ROOT, "all %,d lines or records with content are malformed", errors.skipped())
                    : "empty, or only a header, comments or blank lines")
                    + (this == NGINX ? "; only GET and HEAD requests count" : "") + ")");
        }
        return builder.build(name, errors.skipped(), truncation);
    }

    /** Reads a trace from a stream that is already decompressed; {@code name} is used in messages. */
    public Trace read(InputStream in, String name, Strictness strictness) throws IOException {
        ParseErrors errors = new ParseErrors(name, strictness);
        TraceBuilder builder = new TraceBuilder();
        reader.read(in, builder, errors);
        return builder.build(name, errors.skipped());
    }

    private int expectedRequests(Path file) throws IOException {
        long bytes = Files.size(file);
        long perRequest = switch (this) {
            case CACHE2K -> 4;
            case ORACLE_GENERAL -> 24;
            default -> 30;
        };
        long ratio = Compression.of(file) == Compression.NONE ? 1 : 4;
        return (int) Math.min(1 << 26, Math.max(1024, bytes * ratio / perRequest));
    }
}
