package io.reflex.engine.adapt;

/**
 * Outcome drift: Page and Hinkley's test for a change in the mean of a stream (a hit indicator, a
 * reward), one sample at a time.
 *
 * <h2>The rule</h2>
 * With {@code x̄} the running mean of the samples since the last alarm, the test keeps
 * {@code up = Σ (x − x̄ − δ)} and {@code down = Σ (x̄ − x − δ)} and their running minima; it alarms
 * when either sum rises more than {@code λ} above its minimum (the mean rose, or fell, by more than
 * the tolerance {@code δ} for long enough), after at least {@code minSamples} samples, then starts
 * over. Each sum drifts down by {@code δ} per sample while the mean holds, so an excursion of
 * {@code λ} is rare: for samples of variance {@code σ²} its chance per excursion from a minimum is
 * about {@code exp(−2δλ / σ²)}, and a stream makes an excursion every few dozen samples (for a hit
 * indicator σ² ≤ 1/4: with the defaults, δ = 0.01 and λ = 200, about {@code e^−16}, 10^−7;
 * λ = 100 gave a false alarm within 160,000 samples of a steady 50% stream). A change of the mean
 * by {@code Δ > δ} is signalled after about {@code λ / (Δ − δ)} samples (5,000 for a fall of 5
 * points).
 *
 * <p>Deterministic: it counts samples, never time. Not thread-safe (the host records from one
 * thread or under its lock); allocation-free after construction.
 */
public final class PageHinkley {

    /** Which way the mean moved when the test alarmed. */
    public enum Change { ROSE, FELL }

    /** Hears every alarm. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param change   which way the mean moved
         * @param atSample the samples recorded so far (all of them, not since the last alarm)
         * @param mean     the mean of the samples since the previous alarm (or the start)
         */
        void changed(Change change, long atSample, double mean);
    }

    private final double delta;
    private final double lambda;
    private final long minSamples;
    private final Listener listener;
    private long samples;
    private long n;
    private double mean;
    private double up;
    private double upMin;
    private double down;
    private double downMin;
    private long alarms;

    private PageHinkley(Builder b) {
        this.delta = b.delta;
        this.lambda = b.lambda;
        this.minSamples = b.minSamples;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One sample; returns the change it signals, or null.
     *
     * @throws IllegalArgumentException if {@code x} is not finite
     */
    public Change add(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("a sample must be finite, got " + x);
        }
        samples++;
        n++;
        mean += (x - mean) / n;
        up += x - mean - delta;
        upMin = Math.min(upMin, up);
        down += mean - x - delta;
        downMin = Math.min(downMin, down);
        if (n < minSamples) {
            return null;
        }
        Change change = up - upMin > lambda ? Change.ROSE : down - downMin > lambda ? Change.FELL : null;
        if (change != null) {
            alarms++;
            if (listener != null) {
                listener.changed(change, samples, mean);
            }
            reset();
        }
        return change;
    }

    /** Forgets the samples since the last alarm (counts of samples and alarms are kept). */
    public void reset() {
        n = 0;
        mean = 0;
        up = 0;
        upMin = 0;
        down = 0;
        downMin = 0;
    }

    /** Samples recorded. */
    public long samples() {
        return samples;
    }

    /** Alarms so far. */
    public long alarms() {
        return alarms;
    }

    /** The mean of the samples since the last alarm (0 before any). */
    public double mean() {
        return mean;
    }

    /** Validated settings. */
    public static final class Builder {
        private double delta = 0.01;
        private double lambda = 200;
        private long minSamples = 1_000;
        private Listener listener;

        private Builder() {
        }

        /** The change of the mean tolerated, in the samples' unit (default 0.01). */
        public Builder delta(double delta) {
            if (!(delta >= 0 && delta < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
            }
            this.delta = delta;
            return this;
        }

        /** The excursion that alarms (default 200). */
        public Builder lambda(double lambda) {
            if (!(lambda > 0 && lambda < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /** Samples since the last alarm before another can be raised (default 1,000). */
        public Builder minSamples(long samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("min samples must be >= 1, got " + samples);
            }
            this.minSamples = samples;
            return this;
        }

        /** Called on every alarm, on the recording thread (default none). */
        public Builder listener(Listener listener) {
            this.listener = java.util.Objects.requireNonNull(listener, "listener");
            return this;
        }

        public PageHinkley build() {
            return new PageHinkley(this);
        }
    }
}
