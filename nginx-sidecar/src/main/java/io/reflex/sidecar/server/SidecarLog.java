package io.reflex.sidecar.server;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The sidecar's log: one line per event on stderr, {@code 2026-11-25T17:40:01.123Z INFO  message},
 * meant to be read by a person (or by journald, which adds its own metadata). A logging framework
 * would add a dependency and configuration for four levels of plain lines.
 *
 * <p>Thread-safe (each line is one {@code println}). Allocates per line: never called per frame
 * on the hot path, only on events (connections, errors, model swaps).
 */
public final class SidecarLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static volatile PrintStream out = System.err;

    private SidecarLog() {
    }

    /** Redirects the log (tests); {@code null} restores stderr. */
    public static void to(PrintStream stream) {
        out = stream == null ? System.err : stream;
    }

    public static void info(String format, Object... args) {
        line("INFO ", format, args);
    }

    public static void warn(String format, Object... args) {
        line("WARN ", format, args);
    }

    public static void error(String format, Object... args) {
        line("ERROR", format, args);
    }

    private static void line(String level, String format, Object... args) {
        String message = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        out.println(TIME.format(Instant.now()) + " " + level + " " + message);
    }
}
