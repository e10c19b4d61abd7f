package io.reflex.trainer.cache;

/**
 * How a replay is measured: the width of the hit-ratio windows and an optional per-request observer.
 * Immutable and thread-safe (the observer must be too if the options are shared between threads).
 *
 * <pre>{@code SimulationOptions options = SimulationOptions.builder().windowRequests(10_000).build();}</pre>
 */
public final class SimulationOptions {

    private static final SimulationOptions DEFAULTS = builder().build();

    private final int windowRequests;
    private final RequestObserver observer;

    private SimulationOptions(Builder b) {
        this.windowRequests = b.windowRequests;
        this.observer = b.observer;
    }

    /** Default options: windows of 10,000 requests, no observer. */
    public static SimulationOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Requests per hit-ratio window. */
    public int windowRequests() {
        return windowRequests;
    }

    /** The observer, or null. */
    public RequestObserver observer() {
        return observer;
    }

    /** Builds {@link SimulationOptions}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private int windowRequests = 10_000;
        private RequestObserver observer;

        private Builder() {
        }

        /** Requests per hit-ratio window (at least 1; default 10,000). */
        public Builder windowRequests(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("windowRequests must be >= 1, got " + requests);
            }
            this.windowRequests = requests;
            return this;
        }

        /** Called after every request (default none). */
        public Builder observer(RequestObserver observer) {
            this.observer = observer;
            return this;
        }

        public SimulationOptions build() {
            return new SimulationOptions(this);
        }
    }
}
