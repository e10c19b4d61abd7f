package io.reflex.engine.adapt;

import java.util.Objects;

/**
 * Input drift: how far the rows a model is fed have moved from what it was trained on, as the
 * population stability index (PSI) of each input column against the model's
 * {@link FeatureProfile}, over consecutive windows of rows.
 *
 * <h2>The rule</h2>
 * At the end of each window of {@code window} rows, for each column with bins {@code b}, live
 * shares {@code a_b} and training shares {@code e_b} (each floored at {@value #FLOOR} so an empty
 * bin counts as rare, not impossible): {@code PSI = Σ (a_b − e_b) · ln(a_b / e_b)}. A column whose
 * PSI exceeds the threshold drifted (the common reading: under 0.1 stable, 0.1–0.25 moved, over
 * 0.25 shifted); the window's worst column is reported to the listener, once per window. With rows
 * drawn from the training distribution the PSI of a window of {@code n} rows is about
 * {@code (bins − 1) / n} (0.001 for 10 bins and 10,000 rows), far under the default threshold.
 *
 * <p>Deterministic: it counts rows, never time. Not thread-safe (one feeder, or the host's lock);
 * allocation-free after construction: a host feeds it a sample of its decisions' rows, off the
 * decision's critical path.
 */
public final class InputDrift {

    /** The smallest share a bin is taken to have. */
    public static final double FLOOR = 1e-4;

    /** Hears each window whose worst column drifted. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param column the window's worst column
         * @param psi    its PSI
         * @param atRow  rows observed so far
         */
        void drifted(int column, double psi, long atRow);
    }

    private final FeatureProfile profile;
    private final int window;
    private final double threshold;
    private final Listener listener;
    private final long[][] counts;
    /** Whether a column's PSI can raise an alarm (all but the ignored ones). */
    private final boolean[] watched;
    private final double[] lastPsi;
    private int inWindow;
    private long rows;
    private long windows;
    private long alarms;
    private int worst = -1;

    private InputDrift(Builder b) {
        this.profile = b.profile;
        this.window = b.window;
        this.threshold = b.threshold;
        this.listener = b.listener;
        this.counts = new long[profile.columns()][profile.bins()];
        this.watched = new boolean[profile.columns()];
        java.util.Arrays.fill(watched, true);
        for (int c : b.ignored) {
            if (c < 0 || c >= watched.length) {
                throw new IllegalArgumentException("column " + c + " is not one of the profile's " + watched.length);
            }
            watched[c] = false;
        }
        this.lastPsi = new double[profile.columns()];
        java.util.Arrays.fill(lastPsi, Double.NaN);
    }

    /** Settings for watching inputs against {@code profile}. */
    public static Builder builder(FeatureProfile profile) {
        return new Builder(profile);
    }

    /** One row of the model's input, {@link FeatureProfile#columns()} values from {@code offset}. */
    public void observe(float[] row, int offset) {
        for (int c = 0; c < counts.length; c++) {
            counts[c][profile.bin(c, row[offset + c])]++;
        }
        rows++;
        if (++inWindow == window) {
            closeWindow();
        }
    }

    private void closeWindow() {
        windows++;
        worst = -1;
        for (int c = 0; c < counts.length; c++) {
            double psi = 0;
            for (int b = 0; b < counts[c].length; b++) {
                double a = Math.max(FLOOR, counts[c][b] / (double) inWindow);
                double e = Math.max(FLOOR, profile.share(c, b));
                psi += (a - e) * Math.log(a / e);
                counts[c][b] = 0;
            }
            lastPsi[c] = psi;
            if (watched[c] && (worst < 0 || psi > lastPsi[worst])) {
                worst = c;
            }
        }
        inWindow = 0;
        if (worst >= 0 && lastPsi[worst] > threshold) {
            alarms++;
            if (listener != null) {
                listener.drifted(worst, lastPsi[worst], rows);
            }
        }
    }

    /** Each column's PSI over the last closed window (NaN before the first). */
    public double psi(int column) {
        return lastPsi[column];
    }

    /** The worst watched column of the last closed window, or -1 before the first (or with none watched). */
    public int worstColumn() {
        return worst;
    }

    /** Rows observed. */
    public long rows() {
        return rows;
    }

    /** Windows closed. */
    public long windows() {
        return windows;
    }

    /** Windows whose worst column drifted past the threshold. */
    public long alarms() {
        return alarms;
    }

    /** Validated settings. */
    public static final class Builder {
        private final FeatureProfile profile;
        private int window = 10_000;
        private double threshold = 0.25;
        private Listener listener;
        private int[] ignored = new int[0];

        private Builder(FeatureProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
        }

        /** Rows per window (default 10,000). */
        public Builder window(int rows) {
            if (rows < 100) {
                throw new IllegalArgumentException("a window must hold at least 100 rows, got " + rows);
            }
            this.window = rows;
            return this;
        }

        /** The PSI above which a column drifted (default 0.25). */
        public Builder threshold(double psi) {
            if (!(psi > 0 && psi < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("the threshold must be finite and > 0, got " + psi);
            }
            this.threshold = psi;
            return this;
        }

        /**
         * Columns whose PSI is computed ({@link #psi}) but never raises an alarm: those that move
         * with the host's age rather than its traffic, such as a decayed counter whose window is
         * longer than the host has run (default none).
         */
        public Builder ignore(int... columns) {
            this.ignored = columns.clone();
            return this;
        }

        /** Called once per drifted window, on the observing thread (default none). */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public InputDrift build() {
            return new InputDrift(this);
        }
    }
}
