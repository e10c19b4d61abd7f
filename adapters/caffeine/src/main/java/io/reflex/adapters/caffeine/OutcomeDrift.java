package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.adapt.PageHinkley;

import java.util.concurrent.atomic.LongAdder;

/**
 * Outcome drift in a history-1 {@link ReflexCache}: the engine's {@link PageHinkley} test on the
 * live hit stream (1 for a request that hit, 0 for a miss, in the order the cache's clock counts
 * them), so a hit ratio that rose or fell for good is an event, not a silence: a log line
 * ({@code INFO}), the counter {@code reflex.caffeine.hit.ratio.changes} tagged {@code change=rose|fell},
 * and {@link ReflexCache#hitRatioChanges()}. With the test's defaults a steady hit ratio raises no
 * alarm over millions of requests, and a fall of 5 points is signalled within about 5,000.
 *
 * <p>Not thread-safe: {@code HistoryEviction} calls {@link #request} under its lock. The counts are
 * read from any thread. Allocation-free per request.
 */
final class OutcomeDrift {

    private static final System.Logger LOG = System.getLogger(OutcomeDrift.class.getName());

    private final String cacheName;
    private final PageHinkley test;
    private final LongAdder rose = new LongAdder();
    private final LongAdder fell = new LongAdder();

    OutcomeDrift(String cacheName) {
        this.cacheName = cacheName;
        this.test = PageHinkley.builder().listener(this::changed).build();
    }

    /** One request that reached an object, after the cache served it; under the host's lock. */
    void request(boolean hit) {
        test.add(hit ? 1 : 0);
    }

    private void changed(PageHinkley.Change change, long atRequest, double before) {
        (change == PageHinkley.Change.ROSE ? rose : fell).increment();
        LOG.log(System.Logger.Level.INFO, "cache '" + cacheName + "': the hit ratio " + (change == PageHinkley.Change.ROSE
                ? "rose" : "fell") + " (Page-Hinkley) at request " + atRequest + "; it was "
                + String.format(java.util.Locale.ROOT, "%.3f", before) + " since the last change");
    }

    /** Changes signalled, both ways. */
    long changes() {
        return rose.sum() + fell.sum();
    }

    /** Falls signalled. */
    long falls() {
        return fell.sum();
    }

    void register(MeterRegistry registry, String name) {
        FunctionCounter.builder("reflex.caffeine.hit.ratio.changes", rose, LongAdder::sum)
                .description("lasting changes of the hit ratio (Page-Hinkley)").tag("cache", name).tag("change", "rose")
                .register(registry);
        FunctionCounter.builder("reflex.caffeine.hit.ratio.changes", fell, LongAdder::sum)
                .description("lasting changes of the hit ratio (Page-Hinkley)").tag("cache", name).tag("change", "fell")
                .register(registry);
    }
}
