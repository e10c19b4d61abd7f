package io.reflex.engine.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Routes decisions away from a policy that keeps failing. Closed, it counts failures (errors and
 * deadline breaches; errors alone under {@link DecisionRuntime.Builder#noDeadline()}) over a sliding window of the last {@code window} policy decisions and opens
 * when they reach {@code failureThreshold}. Open, it sends every decision to the fallback; after
 * {@code coolDown} it half-opens and lets {@code probes} decisions reach the policy: if all succeed
 * it closes with an empty window, and the first failure opens it again.
 *
 * <p>Thread-safe and lock-free; {@link #allow()} and {@link #record(boolean)} allocate nothing. The
 * window is exact per slot (each slot is swapped atomically); under contention the probe count of a
 * half-open breaker may be exceeded by a few concurrent decisions.
 */
public final class CircuitBreaker {

    private final int window;
    private final int failureThreshold;
    private final long coolDownNanos;
    private final int probes;
    private final LongSupplier clock;

    private final AtomicIntegerArray slots;
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(BreakerState.CLOSED.ordinal());
    private final AtomicLong openedAt = new AtomicLong();
    private final AtomicInteger probesLeft = new AtomicInteger();
    private final AtomicInteger probeSuccesses = new AtomicInteger();
    private final AtomicLong trips = new AtomicLong();

    private CircuitBreaker(Builder b) {
        this.window = b.window;
        this.failureThreshold = b.failureThreshold;
        this.coolDownNanos = b.coolDown.toNanos();
        this.probes = b.probes;
        this.clock = b.clock;
        this.slots = new AtomicIntegerArray(window);
    }

    public static Builder builder() {
        return new Builder();
    }

    public BreakerState state() {
        return BreakerState.values()[state.get()];
    }

    /** How many times the breaker has opened from closed or half-open. */
    public long trips() {
        return trips.get();
    }

    /** Whether the next decision may go to the policy; a half-open breaker hands out its probes. */
    public boolean allow() {
        int s = state.get();
        if (s == BreakerState.CLOSED.ordinal()) {
            return true;
        }
        if (s == BreakerState.OPEN.ordinal()) {
            if (clock.getAsLong() - openedAt.get() < coolDownNanos) {
                return false;
            }
            if (state.compareAndSet(BreakerState.OPEN.ordinal(), BreakerState.HALF_OPEN.ordinal())) {
                probeSuccesses.set(0);
                probesLeft.set(probes);
            }
        }
        return probesLeft.get() > 0 && probesLeft.getAndDecrement() > 0;
    }

    /** Records the outcome of a decision that {@link #allow()} sent to the policy. */
    public void record(boolean failed) {
        int s = state.get();
        if (s == BreakerState.HALF_OPEN.ordinal()) {
            if (failed) {
                open(BreakerState.HALF_OPEN);
            } else if (probeSuccesses.incrementAndGet() >= probes) {
                close();
            }
            return;
        }
        if (s != BreakerState.CLOSED.ordinal()) {
            return;
        }
        int slot = (int) (cursor.getAndIncrement() % window);
        int now = failed ? 1 : 0;
        int before = slots.getAndSet(slot, now);
        if (before != now && failures.addAndGet(now - before) >= failureThreshold) {
            open(BreakerState.CLOSED);
        }
    }

    private void open(BreakerState from) {
        if (state.compareAndSet(from.ordinal(), BreakerState.OPEN.ordinal())) {
            openedAt.set(clock.getAsLong());
            trips.incrementAndGet();
        }
    }

    private void close() {
        for (int i = 0; i < window; i++) {
            slots.set(i, 0);
        }
        failures.set(0);
        state.compareAndSet(BreakerState.HALF_OPEN.ordinal(), BreakerState.CLOSED.ordinal());
    }

    /** Validated settings. Defaults: window 100, threshold 20, cool-down 1 s, 10 probes. */
    public static final class Builder {
        private int window = 100;
        private int failureThreshold = 20;
        private Duration coolDown = Duration.ofSeconds(1);
        private int probes = 10;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        /** Policy decisions in the sliding window. */
        public Builder window(int decisions) {
            if (decisions < 1 || decisions > 1 << 20) {
                throw new IllegalArgumentException("window must be in [1, 1048576] decisions, got " + decisions);
            }
            this.window = decisions;
            return this;
        }

        /** Failures within the window that open the breaker. */
        public Builder failureThreshold(int failures) {
            if (failures < 1) {
                throw new IllegalArgumentException("failure threshold must be >= 1, got " + failures);
            }
            this.failureThreshold = failures;
            return this;
        }

        /** How long the breaker stays open before half-opening. */
        public Builder coolDown(Duration coolDown) {
            if (coolDown.isNegative()) {
                throw new IllegalArgumentException("cool-down must not be negative, got " + coolDown);
            }
            this.coolDown = coolDown;
            return this;
        }

        /** Successful probe decisions that close a half-open breaker. */
        public Builder probes(int probes) {
            if (probes < 1) {
                throw new IllegalArgumentException("probes must be >= 1, got " + probes);
            }
            this.probes = probes;
            return this;
        }

        /** The nanosecond clock (tests use a manual one). */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = java.util.Objects.requireNonNull(nanoClock, "clock");
            return this;
        }

        public CircuitBreaker build() {
            if (failureThreshold > window) {
                throw new IllegalArgumentException("failure threshold " + failureThreshold
                        + " can never be reached in a window of " + window);
            }
            return new CircuitBreaker(this);
        }
    }
}
