package io.reflex.sidecar.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.reflex.sidecar.protocol.ErrorCode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sidecar's own counters and their Micrometer meters. The eviction loop underneath registers
 * its meters on the same registry ({@code reflex_decisions_total}, {@code reflex_decision_fallbacks_total}
 * by {@code cause}, {@code reflex_model_swaps_total}, ...; see the engine's {@code RuntimeMetrics}).
 *
 * <p>Meters (Prometheus names):
 * <ul>
 *   <li>{@code reflex_sidecar_requests_total{decided_by=policy|fallback|floor}}: EVICT frames answered with
 *       VICTIMS (floor: LRU's answer while the LRU floor has demoted the model, which did not run)</li>
 *   <li>{@code reflex_sidecar_victims_total{decided_by=policy|fallback|floor}}: candidates marked for eviction</li>
 *   <li>{@code reflex_sidecar_errors_total{code}}: ERROR replies (and framing errors) by code</li>
 *   <li>{@code reflex_sidecar_connections_total}, {@code reflex_sidecar_connections_active},
 *       {@code reflex_sidecar_connections_dropped_total{reason=framing|stalled|idle}}</li>
 *   <li>{@code reflex_sidecar_admissions_total{answer=admit|decline}}: admission answers to version-2
 *       EVICT frames that carried the incoming object</li>
 *   <li>{@code reflex_sidecar_request_latency_seconds}: from a whole frame read to its reply written</li>
 *   <li>{@code reflex_sidecar_model_reloads_refused_total}: changed model files refused at hot reload, by
 *       the schema check or by the store; {@code reflex_sidecar_model_watch_failures_total}: polls that
 *       failed (registered by the server, which owns the watcher)</li>
 * </ul>
 * The server also binds Micrometer's {@code process_start_time_seconds} and {@code process_uptime_seconds}
 * (a restart by a supervisor shows as a new start time) and {@code jvm_memory_used_bytes{area,id}}.
 *
 * <p>Thread-safe. Counting is a {@link LongAdder} add (read by Micrometer at scrape time); the
 * latency timer records every request and allocates nothing.
 */
public final class SidecarMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofNanos(1_000), Duration.ofNanos(2_000), Duration.ofNanos(5_000), Duration.ofNanos(10_000),
        Duration.ofNanos(20_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(200_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5)};

    private final LongAdder policyRequests = new LongAdder();
    private final LongAdder fallbackRequests = new LongAdder();
    private final LongAdder policyVictims = new LongAdder();
    private final LongAdder fallbackVictims = new LongAdder();
    private final LongAdder floorRequests = new LongAdder();
    private final LongAdder floorVictims = new LongAdder();
    private final LongAdder[] errors = new LongAdder[ErrorCode.values().length];
    private final LongAdder accepted = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder droppedFraming = new LongAdder();
    private final LongAdder droppedStalled = new LongAdder();
    private final LongAdder droppedIdle = new LongAdder();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder declined = new LongAdder();
    private final Timer latency;

    /** Meters on {@code registry}. */
    public SidecarMetrics(MeterRegistry registry) {
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
        counter(registry, "reflex.sidecar.requests", policyRequests, "decided_by", "policy",
                "EVICT frames answered with VICTIMS");
        counter(registry, "reflex.sidecar.requests", fallbackRequests, "decided_by", "fallback",
                "EVICT frames answered with VICTIMS");
        counter(registry, "reflex.sidecar.requests", floorRequests, "decided_by", "floor",
                "EVICT frames answered with VICTIMS");
        counter(registry, "reflex.sidecar.victims", policyVictims, "decided_by", "policy", "Candidates marked for eviction");
        counter(registry, "reflex.sidecar.victims", fallbackVictims, "decided_by", "fallback",
                "Candidates marked for eviction");
        counter(registry, "reflex.sidecar.victims", floorVictims, "decided_by", "floor",
                "Candidates marked for eviction");
        for (ErrorCode c : ErrorCode.values()) {
            counter(registry, "reflex.sidecar.errors", errors[c.ordinal()], "code", c.tag(), "ERROR replies by code");
        }
        FunctionCounter.builder("reflex.sidecar.connections", accepted, LongAdder::sum)
                .description("Connections accepted").register(registry);
        Gauge.builder("reflex.sidecar.connections.active", active, AtomicInteger::get)
                .description("Connections open now").register(registry);
        counter(registry, "reflex.sidecar.connections.dropped", droppedFraming, "reason", "framing",
                "Connections the sidecar closed");
        counter(registry, "reflex.sidecar.connections.dropped", droppedStalled, "reason", "stalled",
                "Connections the sidecar closed");
        counter(registry, "reflex.sidecar.connections.dropped", droppedIdle, "reason", "idle",
                "Connections the sidecar closed");
        counter(registry, "reflex.sidecar.admissions", admitted, "answer", "admit",
                "Admission answers to EVICT frames carrying the incoming object");
        counter(registry, "reflex.sidecar.admissions", declined, "answer", "decline",
                "Admission answers to EVICT frames carrying the incoming object");
        latency = Timer.builder("reflex.sidecar.request.latency")
                .description("From a whole EVICT frame read to its reply written")
                .serviceLevelObjectives(BUCKETS).minimumExpectedValue(Duration.ofNanos(500))
                .maximumExpectedValue(Duration.ofMillis(10)).register(registry);
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder, String tag, String value,
                                String description) {
        FunctionCounter.builder(name, adder, LongAdder::sum).tag(tag, value).description(description).register(registry);
    }

    void answered(boolean byPolicy, boolean byFloor, long mask, long nanos) {
        if (byFloor) {
            floorRequests.increment();
            floorVictims.add(Long.bitCount(mask));
        } else if (byPolicy) {
            policyRequests.increment();
            policyVictims.add(Long.bitCount(mask));
        } else {
            fallbackRequests.increment();
            fallbackVictims.add(Long.bitCount(mask));
        }
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts an admission answer ({@code WireV2.ADMIT} or {@code DECLINE}; not asked: nothing). */
    void admission(int answer) {
        if (answer == io.reflex.sidecar.protocol.WireV2.ADMIT) {
            admitted.increment();
        } else if (answer == io.reflex.sidecar.protocol.WireV2.DECLINE) {
            declined.increment();
        }
    }

    /** Admission answers given: admit (true) or decline (false). */
    public long admissions(boolean admit) {
        return (admit ? admitted : declined).sum();
    }

    void error(ErrorCode code) {
        errors[code.ordinal()].increment();
    }

    void opened() {
        accepted.increment();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    void droppedFraming() {
        droppedFraming.increment();
    }

    void droppedStalled() {
        droppedStalled.increment();
    }

    void droppedIdle() {
        droppedIdle.increment();
    }

    /** EVICT frames answered, by the policy or by the LRU fallback. */
    public long requests(boolean byPolicy) {
        return (byPolicy ? policyRequests : fallbackRequests).sum();
    }

    /** EVICT frames answered by LRU while the LRU floor had demoted the model. */
    public long floorRequests() {
        return floorRequests.sum();
    }

    /** Victims marked, by the policy or by the LRU fallback. */
    public long victims(boolean byPolicy) {
        return (byPolicy ? policyVictims : fallbackVictims).sum();
    }

    /** ERROR replies (and framing errors) with this code. */
    public long errors(ErrorCode code) {
        return errors[code.ordinal()].sum();
    }

    public long connectionsAccepted() {
        return accepted.sum();
    }

    public int connectionsActive() {
        return active.get();
    }

    public long connectionsStalled() {
        return droppedStalled.sum();
    }

    /** Idle connections closed to free a handler for a new one. */
    public long connectionsIdleClosed() {
        return droppedIdle.sum();
    }
}
