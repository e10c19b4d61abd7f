package io.reflex.recommender.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The ratings files a user brings: MovieLens {@code ratings.csv} ({@code userId,movieId,rating,timestamp}
 * with a header line) and MovieLens {@code u.data} ({@code user item rating timestamp}, tab-separated,
 * no header). A malformed line is an {@link IllegalArgumentException} naming {@code file:line}.
 *
 * <p>Stateless and thread-safe; reading streams the file line by line.
 */
public enum RatingsFormat {
    /** {@code ratings.csv}: comma-separated with a header. */
    MOVIELENS_CSV("movielens-csv"),
    /** {@code u.data}: tab-separated, no header. */
    MOVIELENS_UDATA("movielens-udata");

    private final String label;

    RatingsFormat(String label) {
        this.label = label;
    }

    /** The name used on the command line. */
    public String label() {
        return label;
    }

    /** The format named {@code label}. */
    public static RatingsFormat fromLabel(String label) {
        for (RatingsFormat f : values()) {
            if (f.label.equals(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown ratings format '" + label + "' (movielens-csv, movielens-udata)");
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming file and line for a malformed line, or the file when missing
     */
    public Ratings read(Path file) {
        Ratings.Builder builder = Ratings.builder();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (this == MOVIELENS_CSV && lineNo == 1) {
                    if (!line.startsWith("userId")) {
                        throw new IllegalArgumentException(file + ":1: expected the header userId,movieId,rating,timestamp");
                    }
                    continue;
                }
                String[] f = this == MOVIELENS_CSV ? line.split(",", -1) : line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": expected 4 "
                            + (this == MOVIELENS_CSV ? "comma" : "tab") + "-separated fields, got " + f.length);
                }
                try {
                    long user = Long.parseLong(f[0].trim());
                    long item = Long.parseLong(f[1].trim());
                    float rating = Float.parseFloat(f[2].trim());
                    Long.parseLong(f[3].trim());
                    builder.add(user, item, rating);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (builder.size() == 0) {
            throw new IllegalArgumentException(file + ": no ratings");
        }
        return builder.build();
    }
}
