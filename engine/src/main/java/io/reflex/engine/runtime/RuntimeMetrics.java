package io.reflex.engine.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters a {@link DecisionRuntime} keeps, and their Micrometer meters.
 *
 * <p>Counting happens in {@link LongAdder}s, read by Micrometer only when it scrapes
 * ({@code FunctionCounter}), so the decision path pays an uncontended add. Decision latency goes to a
 * timer with buckets from 1 µs to 5 ms (Micrometer's defaults start at 1 ms), sampled one decision
 * in {@code latencySampling} to keep the timer's cost off most decisions.
 *
 * <p>Meters (Prometheus names in brackets), each tagged {@code loop}:
 * <ul>
 *   <li>{@code reflex.decision.latency} [{@code reflex_decision_latency_seconds}]: time in the policy, sampled</li>
 *   <li>{@code reflex.decisions} [{@code reflex_decisions_total}], tag {@code decided_by} = policy | fallback</li>
 *   <li>{@code reflex.decision.fallbacks} [{@code reflex_decision_fallbacks_total}], tag {@code cause}</li>
 *   <li>{@code reflex.breaker.state} [{@code reflex_breaker_state}]: 0 closed, 1 open, 2 half-open</li>
 *   <li>{@code reflex.breaker.trips} [{@code reflex_breaker_trips_total}]</li>
 *   <li>{@code reflex.model.version} [{@code reflex_model_version}]: the serving version's sequence (0: none)</li>
 *   <li>{@code reflex.model.swaps} [{@code reflex_model_swaps_total}], tag {@code result} = accepted | rejected</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class RuntimeMetrics {

    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(1_000), Duration.ofNanos(2_000), Duration.ofNanos(5_000), Duration.ofNanos(10_000),
        Duration.ofNanos(20_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(200_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5)};

    private final LongAdder policyDecisions = new LongAdder();
    private final LongAdder[] fallbacks = new LongAdder[FallbackCause.values().length];
    private final Timer latency;

    RuntimeMetrics(String loop, MeterRegistry registry, CircuitBreaker breaker, PolicyStore store) {
        for (int i = 0; i < fallbacks.length; i++) {
            fallbacks[i] = new LongAdder();
        }
        if (registry == null) {
            latency = null;
            return;
        }
        if (registry.find("reflex.decisions").tag("loop", loop).meter() != null) {
            throw new IllegalArgumentException("meters for loop '" + loop + "' are already registered: give each"
                    + " runtime on a registry its own loop name");
        }
        latency = Timer.builder("reflex.decision.latency").tag("loop", loop)
                .description("Time spent in the policy per decision (sampled)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(Duration.ofNanos(100))
                .maximumExpectedValue(Duration.ofMillis(10))
                .register(registry);
        FunctionCounter.builder("reflex.decisions", policyDecisions, LongAdder::sum).tag("loop", loop)
                .tag("decided_by", "policy").description("Decisions made by the learned policy").register(registry);
        FunctionCounter.builder("reflex.decisions", this, m -> (double) m.totalFallbacks()).tag("loop", loop)
                .tag("decided_by", "fallback").description("Decisions made by the fallback").register(registry);
        for (FallbackCause c : FallbackCause.values()) {
            FunctionCounter.builder("reflex.decision.fallbacks", fallbacks[c.ordinal()], LongAdder::sum)
                    .tag("loop", loop).tag("cause", c.tag()).description("Fallback decisions by cause")
                    .register(registry);
        }
        Gauge.builder("reflex.breaker.state", breaker, b -> b.state().code()).tag("loop", loop)
                .description("Circuit breaker: 0 closed, 1 open, 2 half-open").register(registry);
        FunctionCounter.builder("reflex.breaker.trips", breaker, CircuitBreaker::trips).tag("loop", loop)
                .description("Times the breaker opened").register(registry);
        Gauge.builder("reflex.model.version", store, s -> s.version().map(ModelVersion::sequence).orElse(0L))
                .tag("loop", loop).description("Sequence number of the serving model version (0: none)")
                .register(registry);
        FunctionCounter.builder("reflex.model.swaps", store, PolicyStore::swaps).tag("loop", loop)
                .tag("result", "accepted").description("Model versions swapped in").register(registry);
        FunctionCounter.builder("reflex.model.swaps", store, PolicyStore::rejectedSwaps).tag("loop", loop)
                .tag("result", "rejected").description("Model versions refused").register(registry);
    }

    void policyDecision() {
        policyDecisions.increment();
    }

    void fallback(FallbackCause cause) {
        fallbacks[cause.ordinal()].increment();
    }

    void latency(long nanos) {
        if (latency != null) {
            latency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Decisions the policy made. */
    public long policyDecisions() {
        return policyDecisions.sum();
    }

    /** Decisions the fallback made, for one cause. */
    public long fallbacks(FallbackCause cause) {
        return fallbacks[cause.ordinal()].sum();
    }

    /** Decisions the fallback made, all causes. */
    public long totalFallbacks() {
        long n = 0;
        for (LongAdder a : fallbacks) {
            n += a.sum();
        }
        return n;
    }
}
