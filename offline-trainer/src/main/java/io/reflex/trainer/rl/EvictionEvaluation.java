package io.reflex.trainer.rl;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationMatrix;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.policy.learned.LearnedEvictionPolicy;
import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays a trace through the exported model (loaded by the engine, {@link ReflexEvictionPolicy})
 * and through baselines from {@link PolicyCatalog}, at every capacity; baselines run in parallel
 * through {@link SimulationMatrix}, the learned replays on a small pool of their own.
 *
 * <p>Stateless and thread-safe.
 */
public final class EvictionEvaluation {

    /**
     * The results (learned rows first per capacity, then the baselines) and what the engine did:
     * its decisions, fallbacks and latencies, and its LRU floor's demotions and promotions (0
     * without a floor), summed over the capacities.
     */
    public record Outcome(List<SimulationResult> results, long decisions, long fallbacks, long[] latencies,
                          long floorDemotions, long floorPromotions) {
    }

    private EvictionEvaluation() {
    }

    /**
     * @param model     the exported ONNX model
     * @param baselines policy names from {@link PolicyCatalog}
     * @param seed      seed of randomised baselines
     * @param threads   replays at once
     */
    public static Outcome run(Path model, Trace trace, List<Capacity> capacities, List<String> baselines, long seed,
                              int threads) throws InterruptedException {
        return run(model, trace, capacities, baselines, seed, threads, false);
    }

    /** As above, the learned policy serving with an LRU floor when {@code lruFloor} (history-1 models). */
    public static Outcome run(Path model, Trace trace, List<Capacity> capacities, List<String> baselines, long seed,
                              int threads, boolean lruFloor) throws InterruptedException {
        return run(model, trace, capacities, baselines, seed, threads, lruFloor, SimulationOptions.defaults());
    }

    /**
     * As above, measured with {@code options} (its window width; an observer there must be
     * thread-safe, as replays run at once).
     */
    public static Outcome run(Path model, Trace trace, List<Capacity> capacities, List<String> baselines, long seed,
                              int threads, boolean lruFloor, SimulationOptions options) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, capacities.size())), r -> {
            Thread t = new Thread(r, "reflex-evaluate");
            t.setDaemon(true);
            return t;
        });
        List<SimulationResult> learned = new ArrayList<>();
        long decisions = 0;
        long fallbacks = 0;
        long demotions = 0;
        long promotions = 0;
        List<long[]> latencies = new ArrayList<>();
        try {
            List<Future<Object[]>> futures = new ArrayList<>();
            for (Capacity c : capacities) {
                futures.add(pool.submit(() -> {
                    try (LearnedEvictionPolicy policy = LearnedEvictionPolicy.load(model, 20_000, 1, lruFloor)) {
                        SimulationResult r = CacheSimulator.replay(trace, c, policy, options);
                        return new Object[] {r, policy.decisions(), policy.fallbacks(), policy.latencies(),
                                policy.floorDemotions(), policy.floorPromotions()};
                    }
                }));
            }
            for (Future<Object[]> f : futures) {
                Object[] o;
                try {
                    o = f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                learned.add((SimulationResult) o[0]);
                decisions += (Long) o[1];
                fallbacks += (Long) o[2];
                latencies.add((long[]) o[3]);
                demotions += (Long) o[4];
                promotions += (Long) o[5];
            }
        } finally {
            pool.shutdownNow();
        }
        List<SimulationResult> base = SimulationMatrix.run(trace, baselines, capacities,
                (name, capacity) -> PolicyCatalog.create(name, new PolicySetup(trace, capacity, seed)), options, threads);
        List<SimulationResult> all = new ArrayList<>(learned);
        all.addAll(base);
        long[] merged = latencies.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return new Outcome(List.copyOf(all), decisions, fallbacks, merged, demotions, promotions);
    }
}
