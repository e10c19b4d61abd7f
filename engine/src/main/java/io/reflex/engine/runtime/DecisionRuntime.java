package io.reflex.engine.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.policy.VectorModule;

import java.time.Duration;
import java.util.Objects;

/**
 * The guarantees shared by every decision loop: a policy from a {@link PolicyStore}, a deadline, a
 * {@link CircuitBreaker}, a classical {@link Fallback}, and metrics. A loop creates one runtime and
 * gives each deciding thread a {@link DecisionSession}.
 *
 * <p><b>Deadline model.</b> Java cannot pre-empt a running computation, so Reflex offers two modes.
 * <em>In-line</em> (the default) evaluates on the caller's thread, measures it, and treats a decision
 * that took longer than the deadline as a breach: its output is discarded, the fallback decides,
 * and the breach counts towards opening the breaker, which then keeps a slow policy off the path
 * altogether. A single slow decision is therefore not prevented, only counted and contained. The
 * <em>asynchronous</em> mode, for heavier models, evaluates on a worker thread per session while the
 * caller waits (spinning) until the deadline at most, then falls back; the caller is never late,
 * at the price of one extra thread per session, a thread hand-off on every decision (microseconds:
 * see docs/measurements.md), a busy core while waiting, and a copy of the input. While a late
 * evaluation is still running the session's next decisions fall back ({@link FallbackCause#WORKER_BUSY}).
 *
 * <p><b>No deadline.</b> A simulator or an offline evaluation must not depend on wall-clock time, or
 * its figures move with the machine's load. {@link Builder#noDeadline()} builds an in-line runtime in
 * which no decision is discarded for being late and lateness never counts towards the breaker; errors,
 * non-finite outputs, wrong shapes, a missing policy and an open breaker still fall back (errors
 * still open the breaker, whose cool-down runs on its own clock: give it a manual clock where even a
 * failing policy must replay exactly). Latencies are still measured for the metrics. Serving hosts
 * keep a deadline (the default).
 *
 * <p>Thread-safe; sessions are not.
 */
public final class DecisionRuntime implements AutoCloseable {

    /** How the policy is evaluated against the deadline. */
    public enum Mode {
        /** On the caller's thread; late decisions are breaches. */
        INLINE,
        /** On a worker per session; the caller waits at most the deadline. */
        ASYNC
    }

    final String loop;
    final PolicyStore store;
    final Fallback fallback;
    final int inputSize;
    final int outputSize;
    /** The deadline, or {@link #NO_DEADLINE}: no elapsed time exceeds it, so no decision is ever late. */
    final long deadlineNanos;
    final Mode mode;
    final CircuitBreaker breaker;
    final RuntimeMetrics metrics;
    final int latencySampling;
    final int rows;
    final int sharedFrom;
    final int sharedTo;

    static final long NO_DEADLINE = Long.MAX_VALUE;

    /** While true every decision is the fallback's ({@link FallbackCause#DEMOTED}); one read per decision. */
    private volatile boolean demoted;

    private DecisionRuntime(Builder b) {
        this.rows = b.rows;
        this.sharedFrom = b.sharedFrom;
        this.sharedTo = b.sharedTo;
        this.loop = b.loop;
        this.store = b.store;
        this.fallback = b.fallback;
        this.inputSize = b.inputSize;
        this.outputSize = b.outputSize;
        this.deadlineNanos = b.deadlineNanos;
        this.mode = b.mode;
        this.breaker = b.breaker;
        this.latencySampling = b.latencySampling;
        this.metrics = new RuntimeMetrics(loop, b.registry, breaker, store);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A session for the calling thread. */
    public DecisionSession newSession() {
        return new DecisionSession(this);
    }

    public String loop() {
        return loop;
    }

    public PolicyStore store() {
        return store;
    }

    /** The classical rule the loop falls back to. */
    public Fallback fallback() {
        return fallback;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public RuntimeMetrics metrics() {
        return metrics;
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /**
     * Demotes the learned policy to the fallback, or promotes it back: while demoted, every decision
     * is the fallback's, counted as {@link FallbackCause#DEMOTED}, and the policy store is untouched
     * (a hot swap still loads, and serves once promoted). A floor beside the loop decides when
     * ({@code io.reflex.engine.adapt.DecisionFloor}); sessions see the change at their next decision.
     */
    public void demote(boolean demote) {
        this.demoted = demote;
    }

    /** Whether the learned policy is demoted ({@link #demote}). */
    public boolean demoted() {
        return demoted;
    }

    /** False when built with {@link Builder#noDeadline()}: decisions are never late. */
    public boolean hasDeadline() {
        return deadlineNanos != NO_DEADLINE;
    }

    /**
     * Closes the store. Sessions still open fall back ({@link FallbackCause#NO_POLICY}) from their
     * next decision on, releasing the version they held.
     */
    @Override
    public void close() {
        store.close();
    }

    /** Validated settings. Required: loop name, store, fallback, input and output sizes. */
    public static final class Builder {
        private String loop;
        private PolicyStore store;
        private Fallback fallback;
        private int inputSize = -1;
        private int outputSize = -1;
        private long deadlineNanos = DecisionDeadline.DEFAULT.toNanos();
        private Mode mode = Mode.INLINE;
        private CircuitBreaker breaker;
        private MeterRegistry registry;
        private int latencySampling = 16;
        private int rows = 1;
        private int sharedFrom;
        private int sharedTo;

        private Builder() {
        }

        /** The loop's name, used as the {@code loop} metric tag (e.g. {@code eviction}). */
        public Builder loop(String name) {
            if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
                throw new IllegalArgumentException("loop name must match [a-z][a-z0-9_-]*, got " + name);
            }
            this.loop = name;
            return this;
        }

        public Builder store(PolicyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder fallback(Fallback fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** The loop's input and output sizes; a serving version of other sizes falls back. */
        public Builder shape(int inputSize, int outputSize) {
            if (inputSize < 1 || outputSize < 1) {
                throw new IllegalArgumentException("input and output sizes must be >= 1, got " + inputSize
                        + " and " + outputSize);
            }
            this.inputSize = inputSize;
            this.outputSize = outputSize;
            return this;
        }

        /**
         * Also accept a per-row model: a batch-1 policy of {@code inputSize / rows} inputs and
         * {@code outputSize / rows} outputs, which each decision runs over its {@code rows} rows with
         * {@link io.reflex.engine.policy.Policy.Evaluator#evaluateRows(float[], int, float[], int, int)}
         * (the input columns {@code [sharedFrom, sharedTo)} of a row hold the decision's context, the
         * same in every row). A policy of the full shape is still evaluated whole. Call after
         * {@link #shape}; both sizes must divide by {@code rows}.
         */
        public Builder rows(int rows, int sharedFrom, int sharedTo) {
            if (inputSize < 0) {
                throw new IllegalStateException("set the shape before the rows");
            }
            if (rows < 1 || inputSize % rows != 0 || outputSize % rows != 0) {
                throw new IllegalArgumentException("rows must be >= 1 and divide the sizes " + inputSize + " and "
                        + outputSize + ", got " + rows);
            }
            if (sharedFrom < 0 || sharedTo < sharedFrom || sharedTo > inputSize / rows) {
                throw new IllegalArgumentException("shared columns [" + sharedFrom + ", " + sharedTo
                        + ") are not within a row of " + inputSize / rows);
            }
            this.rows = rows;
            this.sharedFrom = sharedFrom;
            this.sharedTo = sharedTo;
            return this;
        }

        /** The decision deadline (default 500 µs, Cold-RL's); replaces an earlier {@link #noDeadline()}. */
        public Builder deadline(Duration deadline) {
            this.deadlineNanos = DecisionDeadline.require(deadline).toNanos();
            return this;
        }

        /**
         * No deadline, for simulators and offline evaluation: a decision is never discarded for being
         * late, so results do not depend on the machine's speed or load (see the class comment).
         * In-line mode only; replaces an earlier {@link #deadline(Duration)}.
         */
        public Builder noDeadline() {
            this.deadlineNanos = NO_DEADLINE;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The breaker (default: {@link CircuitBreaker#builder()}'s defaults). */
        public Builder breaker(CircuitBreaker breaker) {
            this.breaker = Objects.requireNonNull(breaker, "breaker");
            return this;
        }

        /** Where the meters go; without one, counters are kept but nothing is published. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Record the latency of one decision in {@code n} into the timer (default 16; 1 records all). */
        public Builder latencySampling(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("latency sampling must be >= 1, got " + n);
            }
            this.latencySampling = n;
            return this;
        }

        public DecisionRuntime build() {
            VectorModule.require();
            if (loop == null || store == null || fallback == null || inputSize < 0) {
                throw new IllegalStateException("a decision runtime needs loop, store, fallback and shape");
            }
            if (mode == Mode.ASYNC && deadlineNanos == NO_DEADLINE) {
                // The worker exists only to bound the caller's wait; without a bound it is a thread for nothing.
                throw new IllegalStateException("the asynchronous mode needs a deadline; use the in-line mode without one");
            }
            if (breaker == null) {
                breaker = CircuitBreaker.builder().build();
            }
            return new DecisionRuntime(this);
        }
    }
}
