package io.reflex.engine.eviction;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.runtime.CircuitBreaker;
import io.reflex.engine.runtime.DecisionDeadline;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings every eviction loop takes, validated once for {@link EvictionLoop.Builder} and
 * {@link NextAccessLoop.Builder}: K, the policy store (required), the deadline or none, the circuit
 * breaker, the meter registry and the metric tag.
 *
 * <p>Not thread-safe: a builder belongs to the thread configuring it.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class LoopBuilder<B extends LoopBuilder<B>> permits EvictionLoop.Builder, NextAccessLoop.Builder {

    int k;
    PolicyStore store;
    Duration deadline = DecisionDeadline.DEFAULT;
    MeterRegistry registry;
    CircuitBreaker breaker;
    String loopName = "eviction";

    LoopBuilder(int defaultK) {
        this.k = defaultK;
    }

    abstract B self();

    /** Candidates per decision, in [1, {@value EvictionModel#MAX_K}] (default: the loop's). */
    public B k(int k) {
        this.k = EvictionModel.requireK(k);
        return self();
    }

    /** Where the loop's policy comes from (required). */
    public B store(PolicyStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return self();
    }

    /** The decision deadline (default {@link DecisionDeadline#DEFAULT}, 500 µs); replaces {@link #noDeadline()}. */
    public B deadline(Duration deadline) {
        this.deadline = DecisionDeadline.require(deadline);
        return self();
    }

    /**
     * No deadline: a decision is never discarded for being slow (in-line mode only). For simulation
     * and offline evaluation, whose results must not depend on the machine's load; a serving host
     * keeps a deadline.
     */
    public B noDeadline() {
        this.deadline = null;
        return self();
    }

    /** The circuit breaker (default: the runtime's, {@code CircuitBreaker.builder().build()}). */
    public B breaker(CircuitBreaker breaker) {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        return self();
    }

    public B meterRegistry(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        return self();
    }

    /** The metric tag {@code loop} (default {@code eviction}); distinct per cache on one registry. */
    public B loopName(String name) {
        this.loopName = Objects.requireNonNull(name, "name");
        return self();
    }

    /** The store, or {@code IllegalStateException} naming {@code loop} when none was set. */
    PolicyStore requireStore(String loop) {
        if (store == null) {
            throw new IllegalStateException(loop + " needs a policy store");
        }
        return store;
    }

    /** A runtime builder with the loop name, store, deadline and registry set. */
    DecisionRuntime.Builder runtime() {
        DecisionRuntime.Builder rb = DecisionRuntime.builder().loop(loopName).store(store);
        if (deadline == null) {
            rb.noDeadline();
        } else {
            rb.deadline(deadline);
        }
        if (registry != null) {
            rb.meterRegistry(registry);
        }
        if (breaker != null) {
            rb.breaker(breaker);
        }
        return rb;
    }
}
