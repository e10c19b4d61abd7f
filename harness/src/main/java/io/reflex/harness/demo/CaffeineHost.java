package io.reflex.harness.demo;

import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Caffeine adapter as {@link AdaptDemo}'s adapting host: a {@link ReflexCache} of unit-size
 * entries with its floor (W-TinyLFU in miniature), its hit-ratio watch and its input watch on, its model in a store
 * that a retrained or a bad model is offered to, maintenance on the caller's thread (the same
 * requests give the same evictions). Not thread-safe.
 */
final class CaffeineHost implements DemoHost {

    private static final Object VALUE = new Object();

    private final PolicyStore store;
    private final ReflexCache<Long, Object> cache;
    private final List<Switch> switches = new ArrayList<>();
    private long requests;
    private long servedAt;
    private long changesSeen;
    private long inputDriftsSeen;

    CaffeineHost(Path model, long entries) {
        store = ReflexCache.historyModelStore();
        SwapResult first = store.offer(model);
        if (!first.accepted()) {
            store.close();
            throw new IllegalArgumentException("the adapter refused " + model + ": " + first.reason());
        }
        cache = ReflexCache.<Long, Object>builder().maximumSize(entries).policyStore(store).floor(true).outcomeDrift(true).inputDrift(true)
                .floorListener((learnedServes, atRequest) -> switches.add(new Switch(learnedServes, requests - servedAt)))
                .executor(Runnable::run).name("adapt-demo").build();
    }

    @Override
    public String name() {
        return "caffeine";
    }

    @Override
    public String classical() {
        return "wtinylfu";
    }

    @Override
    public boolean request(long key) {
        requests++;
        if (cache.getIfPresent(key) != null) {
            return true;
        }
        cache.put(key, VALUE);
        return false;
    }

    @Override
    public void serve(Path served) {
        SwapResult r = store.offer(served);
        if (!r.accepted()) {
            throw new IllegalStateException("the adapter's store refused " + served + ": " + r.reason());
        }
        servedAt = requests;
    }

    @Override
    public List<Switch> switches() {
        List<Switch> out = List.copyOf(switches);
        switches.clear();
        return out;
    }

    @Override
    public List<Signal> signals() {
        long changes = cache.hitRatioChanges();
        long drifts = cache.inputDrifts();
        List<Signal> out = new ArrayList<>(2);
        if (changes > changesSeen) {
            out.add(new Signal("drift", "the hit ratio changed lastingly (Page-Hinkley; " + cache.hitRatioFalls()
                    + " falls so far)"));
        }
        if (drifts > inputDriftsSeen) {
            out.add(new Signal("input_drift", "the model's inputs drifted from the first model's training profile "
                    + "(PSI over 0.25 in a window of 10,000 rows)"));
        }
        changesSeen = changes;
        inputDriftsSeen = drifts;
        return out;
    }

    @Override
    public long failed() {
        return 0;
    }

    @Override
    public void close() {
        cache.close();
    }
}
