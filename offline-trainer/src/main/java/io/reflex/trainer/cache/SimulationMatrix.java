package io.reflex.trainer.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Replays one trace through every (policy, capacity) pair, the pairs in parallel on a fixed pool of
 * platform threads (one replay per thread at a time; each replay is single-threaded and builds its
 * own policy). Results come back in the order the pairs were given, policy-major.
 *
 * <p>Thread-safe: holds nothing between calls.
 */
public final class SimulationMatrix {

    private SimulationMatrix() {
    }

    /**
     * @param trace      the trace (shared read-only by all replays)
     * @param policies   policy names, in result order
     * @param capacities capacities, in result order
     * @param factory    builds a fresh policy for (name, capacity)
     * @param options    measurement options for every replay
     * @param threads    how many replays run at once (at least 1)
     */
    public static List<SimulationResult> run(Trace trace, List<String> policies, List<Capacity> capacities,
            BiFunction<String, Capacity, CachePolicy> factory, SimulationOptions options, int threads)
            throws InterruptedException {
        Objects.requireNonNull(factory, "factory");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int jobs = policies.size() * capacities.size();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, jobs)), r -> {
            Thread t = new Thread(r, "reflex-simulate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SimulationResult>> futures = new ArrayList<>(jobs);
            for (String policy : policies) {
                for (Capacity capacity : capacities) {
                    futures.add(pool.submit(() ->
                            CacheSimulator.replay(trace, capacity, factory.apply(policy, capacity), options)));
                }
            }
            List<SimulationResult> results = new ArrayList<>(jobs);
            for (Future<SimulationResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
