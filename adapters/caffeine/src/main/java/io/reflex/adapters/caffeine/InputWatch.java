package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.adapt.FeatureProfile;
import io.reflex.engine.adapt.InputDrift;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;

import java.util.concurrent.atomic.LongAdder;

/**
 * Input drift in a history-1 {@link ReflexCache}: the rows the model is fed, against the profile
 * of the rows it met in training (its {@code reflex.profile} metadata), as the engine's
 * {@link InputDrift} measures them (PSI per column over windows of {@value #WINDOW} rows, alarm
 * above 0.25). Every {@value #EVERY_DECISIONS}th decision's rows are observed, once the cache's
 * clock has passed its warm-up: {@code max(4 × resident bound, 2^14)} requests, for the features
 * that grow with an object's residence (hits, residence, the short decayed counters) to reach what
 * a running cache shows. The two slow decayed counters (windows 2^14 and 2^17 requests) are
 * measured but raise no alarm: a training replay of a few hundred thousand requests and a cache
 * that has run for days see them at different ages, whatever the traffic.
 *
 * <p>A drifted window is an event: a log line ({@code WARNING}, the column, its PSI, the rows
 * observed), the counter {@code reflex.caffeine.input.drift} and {@link ReflexCache#inputDrifts()}.
 * It says that the inputs moved away from training, not that the policy loses: the floor says that.
 *
 * <p>Not thread-safe: {@code HistoryEviction} calls {@link #decided} under its lock, after each
 * decision. Allocation-free.
 */
final class InputWatch {

    /** Rows per PSI window. */
    static final int WINDOW = 10_000;
    /** One decision in this many is observed (all its rows). */
    static final int EVERY_DECISIONS = 8;
    /** Requests before the first observed decision, at the least. */
    static final long MIN_WARMUP = 1L << 14;

    private static final System.Logger LOG = System.getLogger(InputWatch.class.getName());

    private final String cacheName;
    private final InputDrift drift;
    private final long warmup;
    private final float[] row = new float[HistoryFeatures.WIDTH];
    private final LongAdder alarms = new LongAdder();
    private long decisions;

    /**
     * @param residentBound the most entries resident at once
     */
    InputWatch(String cacheName, FeatureProfile profile, long residentBound) {
        this.cacheName = cacheName;
        this.warmup = Math.max(4 * residentBound, MIN_WARMUP);
        this.drift = InputDrift.builder(profile).window(WINDOW)
                .ignore(HistoryFeatures.EDC + 2, HistoryFeatures.EDC + 3).listener(this::drifted).build();
    }

    /** After a decision at the cache's request clock {@code tick}; under the host's lock. */
    void decided(NextAccessLoop.Decider decider, long tick) {
        if (tick < warmup || ++decisions % EVERY_DECISIONS != 0) {
            return;
        }
        for (int r = 0, n = decider.lastRows(); r < n; r++) {
            decider.copyLastInput(r, row, 0);
            drift.observe(row, 0);
        }
    }

    private void drifted(int column, double psi, long atRow) {
        alarms.increment();
        LOG.log(System.Logger.Level.WARNING, "cache '" + cacheName + "': the model's inputs drifted from its training "
                + "profile: column " + column + " PSI " + String.format(java.util.Locale.ROOT, "%.3f", psi) + " over the last "
                + WINDOW + " rows (" + atRow + " observed)");
    }

    /** Drifted windows so far. */
    long alarms() {
        return alarms.sum();
    }

    /** The engine's measure, for tests and reports. */
    InputDrift drift() {
        return drift;
    }

    void register(MeterRegistry registry, String name) {
        FunctionCounter.builder("reflex.caffeine.input.drift", alarms, LongAdder::sum)
                .description("windows of model inputs whose PSI against the training profile exceeded 0.25")
                .tag("cache", name).register(registry);
    }
}
