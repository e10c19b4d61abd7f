package io.reflex.engine.adapt;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a model's inputs looked like in training: for each input column, the cut points of
 * {@code bins} bins of about equal mass (the column's quantiles over the training rows) and the
 * share of the training rows each bin actually holds (ties at a cut can make bins unequal). Stored
 * in the model file's metadata under {@value #METADATA} by the trainer, read by a host's
 * {@link InputDrift} to say how far live inputs have moved from it.
 *
 * <h2>Bins</h2>
 * A value's bin is the number of cut points strictly below it: values up to the first cut are in
 * bin 0, values above the last in bin {@code bins − 1}; NaN is in the last bin.
 *
 * <h2>Format</h2>
 * {@code B|c1,…,c(B−1);p0,…,p(B−1)|…}: the number of bins, then one field per column, each its
 * ascending cut points and its shares, written as Java writes a float (so they read back exactly).
 *
 * <p>Immutable and thread-safe.
 */
public final class FeatureProfile {

    /** The metadata key of a model's profile. */
    public static final String METADATA = "reflex.profile";

    /** Bins per column when the trainer writes a profile. */
    public static final int DEFAULT_BINS = 10;

    private final float[][] cuts;
    private final float[][] shares;

    private FeatureProfile(float[][] cuts, float[][] shares) {
        this.cuts = cuts;
        this.shares = shares;
    }

    /**
     * The profile of {@code count} rows of {@code width} columns, row-major in {@code rows}.
     *
     * @throws IllegalArgumentException if there is no row, or {@code bins} is not in [2, 100]
     */
    public static FeatureProfile of(float[] rows, int count, int width, int bins) {
        if (count < 1 || width < 1 || (long) count * width > rows.length) {
            throw new IllegalArgumentException(count + " rows of " + width + " columns in " + rows.length + " values");
        }
        if (bins < 2 || bins > 100) {
            throw new IllegalArgumentException("bins must be in [2, 100], got " + bins);
        }
        float[][] cuts = new float[width][bins - 1];
        float[][] shares = new float[width][bins];
        float[] column = new float[count];
        for (int f = 0; f < width; f++) {
            for (int r = 0; r < count; r++) {
                column[r] = rows[r * width + f];
            }
            Arrays.sort(column);   // NaN last
            for (int j = 0; j < bins - 1; j++) {
                int at = (int) Math.min(count - 1, Math.max(0, Math.ceilDiv((long) (j + 1) * count, bins) - 1));
                float v = column[at];   // kept finite, so the text reads back: NaN and +inf as the largest float
                cuts[f][j] = Float.isNaN(v) || v == Float.POSITIVE_INFINITY ? Float.MAX_VALUE
                        : v == Float.NEGATIVE_INFINITY ? -Float.MAX_VALUE : v;
            }
            long[] held = new long[bins];
            for (int r = 0; r < count; r++) {
                held[bin(cuts[f], column[r])]++;
            }
            for (int b = 0; b < bins; b++) {
                shares[f][b] = (float) (held[b] / (double) count);
            }
        }
        return new FeatureProfile(cuts, shares);
    }

    /**
     * The profile in a model's metadata, if it has one.
     *
     * @throws IllegalArgumentException naming {@code source} and what is wrong when it is malformed
     */
    public static Optional<FeatureProfile> fromMetadata(Map<String, String> metadata, Object source) {
        String text = metadata.get(METADATA);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": metadata " + METADATA + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@link #format()}'s text. */
    public static FeatureProfile parse(String text) {
        String[] fields = text.trim().split("\\|", -1);
        int bins;
        try {
            bins = Integer.parseInt(fields[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the first field must be the number of bins, got '" + fields[0] + "'");
        }
        if (bins < 2 || bins > 100 || fields.length < 2) {
            throw new IllegalArgumentException("want 2 to 100 bins and at least one column, got " + bins + " bins and "
                    + (fields.length - 1) + " columns");
        }
        int width = fields.length - 1;
        float[][] cuts = new float[width][];
        float[][] shares = new float[width][];
        for (int f = 0; f < width; f++) {
            String[] parts = fields[f + 1].split(";", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("column " + f + ": want 'cuts;shares', got '" + fields[f + 1] + "'");
            }
            cuts[f] = numbers(parts[0], bins - 1, f, "cut points");
            shares[f] = numbers(parts[1], bins, f, "shares");
            for (int j = 1; j < cuts[f].length; j++) {
                if (!(cuts[f][j] >= cuts[f][j - 1])) {
                    throw new IllegalArgumentException("column " + f + ": cut points must ascend, got "
                            + cuts[f][j - 1] + " then " + cuts[f][j]);
                }
            }
            double sum = 0;
            for (float s : shares[f]) {
                if (!(s >= 0 && s <= 1)) {
                    throw new IllegalArgumentException("column " + f + ": a share must be in [0, 1], got " + s);
                }
                sum += s;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                throw new IllegalArgumentException("column " + f + ": shares must sum to 1, got " + sum);
            }
        }
        return new FeatureProfile(cuts, shares);
    }

    private static float[] numbers(String text, int want, int column, String what) {
        String[] items = text.split(",", -1);
        if (items.length != want) {
            throw new IllegalArgumentException("column " + column + ": want " + want + " " + what + ", got " + items.length);
        }
        float[] out = new float[want];
        for (int i = 0; i < want; i++) {
            try {
                out[i] = Float.parseFloat(items[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("column " + column + ": " + what + " must be numbers, got '" + items[i] + "'");
            }
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException("column " + column + ": " + what + " must be finite, got " + out[i]);
            }
        }
        return out;
    }

    /** The metadata text. */
    public String format() {
        StringBuilder s = new StringBuilder().append(bins());
        for (int f = 0; f < cuts.length; f++) {
            s.append('|');
            join(s, cuts[f]);
            s.append(';');
            join(s, shares[f]);
        }
        return s.toString();
    }

    private static void join(StringBuilder s, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(Float.toString(values[i]).toLowerCase(Locale.ROOT));
        }
    }

    /** Input columns. */
    public int columns() {
        return cuts.length;
    }

    /** Bins per column. */
    public int bins() {
        return shares[0].length;
    }

    /** The bin of {@code value} in column {@code column}, as the class comment defines it. Allocation-free. */
    public int bin(int column, float value) {
        return bin(cuts[column], value);
    }

    /** The share of the training rows in a bin of a column. */
    public float share(int column, int bin) {
        return shares[column][bin];
    }

    /** The number of cut points strictly below {@code value} (NaN: all of them). */
    private static int bin(float[] cuts, float value) {
        if (Float.isNaN(value)) {
            return cuts.length;
        }
        int lo = 0;
        int hi = cuts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cuts[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
