package io.reflex.trainer.cache;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cache capacity as written on the command line. A number with a unit ({@code KB}, {@code MB},
 * {@code GB}, {@code TB}: powers of 1024, case-insensitive, {@code KiB} spellings accepted) is a
 * capacity in bytes, where each object takes its size; a bare whole number is a capacity in entries,
 * where each object takes one slot whatever its size. {@link #label()} keeps the text exactly as
 * written, so results can echo it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind   bytes or entries
 * @param value  the capacity in bytes or in entries, at least 1
 * @param label  the capacity as written ({@code "25MB"}, {@code "512"})
 */
public record Capacity(Kind kind, long value, String label) {

    /** What a capacity counts. */
    public enum Kind {
        /** Each object takes its size in bytes (at least 1). */
        BYTES,
        /** Each object takes one slot. */
        ENTRIES
    }

    private static final Pattern SYNTAX = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([KMGT])(?:I?B)?)?",
            Pattern.CASE_INSENSITIVE);

    public Capacity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        if (value < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + value + " (" + label + ")");
        }
    }

    /** A byte capacity, labelled with its byte count. */
    public static Capacity bytes(long bytes) {
        return new Capacity(Kind.BYTES, bytes, bytes + "B");
    }

    /** An entry capacity, labelled with its entry count. */
    public static Capacity entries(long entries) {
        return new Capacity(Kind.ENTRIES, entries, Long.toString(entries));
    }

    /**
     * Parses {@code "25MB"}, {@code "1.5GB"}, {@code "512KiB"} (bytes) or {@code "512"} (entries).
     *
     * @throws IllegalArgumentException naming the text when it is not a capacity
     */
    public static Capacity parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        Matcher m = SYNTAX.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a cache size: '" + text
                    + "' (use a whole number of entries, e.g. 512, or bytes with KB/MB/GB, e.g. 25MB)");
        }
        String number = m.group(1);
        String unit = m.group(2);
        if (unit == null) {
            if (number.contains(".")) {
                throw new IllegalArgumentException("not a cache size: '" + text + "' (entries must be a whole number)");
            }
            long entries = parseWhole(number, text);
            if (entries < 1) {
                throw new IllegalArgumentException("cache size must be at least 1: '" + text + "'");
            }
            return new Capacity(Kind.ENTRIES, entries, trimmed);
        }
        int shift = switch (unit.toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 40;
        };
        double bytes = Double.parseDouble(number) * (double) (1L << shift);
        if (!(bytes >= 1) || bytes >= 0x1p62) {
            throw new IllegalArgumentException("cache size out of range: '" + text + "'");
        }
        return new Capacity(Kind.BYTES, (long) bytes, trimmed);
    }

    private static long parseWhole(String number, String text) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cache size out of range: '" + text + "'");
        }
    }

    /** True for a byte capacity. */
    public boolean isBytes() {
        return kind == Kind.BYTES;
    }

    /** What an object of {@code sizeBytes} takes of this capacity: its size (at least 1) or one entry. */
    public long charge(long sizeBytes) {
        return kind == Kind.BYTES ? Math.max(1, sizeBytes) : 1;
    }

    @Override
    public String toString() {
        return label;
    }
}
