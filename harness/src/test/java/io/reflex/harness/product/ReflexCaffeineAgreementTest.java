package io.reflex.harness.product;

import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.workload.ZipfWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter replayed inside the simulator (one thread, the trace's clock, same-thread maintenance)
 * and in a real multi-threaded run (four threads taking the trace's requests round-robin, the system
 * clock, Caffeine's asynchronous maintenance) reach the same hit ratio on one seeded trace, within
 * 0.03: the simulator's figure is what a real deployment sees.
 */
class ReflexCaffeineAgreementTest {

    private static final double TOLERANCE = 0.03;

    @TempDir
    Path dir;

    @Test
    void theSimulatedAndTheMultiThreadedAdapterAgreeOnTheHitRatio() throws Exception {
        Trace trace = ZipfWorkload.builder().seed(3).requests(60_000).objects(6_000).build().toTrace();
        Capacity capacity = Capacity.parse("32MB");
        Path model = dir.resolve("q.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(9, 96, 32, 32, 17)).fixedBatch(1).write(model);

        double simulated;
        long simulatedEvictions;
        try (ReflexCaffeineCache adapter = new ReflexCaffeineCache(trace, capacity, model)) {
            SimulationResult r = CacheSimulator.replay(trace, capacity, adapter);
            simulated = r.hitRatio();
            simulatedEvictions = adapter.policyEvictions();
        }

        int threads = 4;
        AtomicLong hits = new AtomicLong();
        try (ReflexCache<Integer, Integer> cache = ReflexCache.<Integer, Integer>builder()
                .maximumWeight(capacity.value()).weigher((Integer k, Integer w) -> w)
                .model(model).deadline(Duration.ofMillis(50)).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    long local = 0;
                    for (int i = first; i < trace.length(); i += threads) {
                        int object = trace.object(i);
                        if (cache.getIfPresent(object) != null) {
                            local++;
                        } else {
                            cache.put(object, (int) trace.size(i), trace.rttMillis(i), null);
                        }
                    }
                    hits.addAndGet(local);
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertTrue(cache.weightedSize() <= capacity.value());
            assertTrue(cache.policyEvictions() > 0 && simulatedEvictions > 0, "the policy evicted in both runs");
        }
        double real = hits.get() / (double) trace.length();

        assertEquals(simulated, real, TOLERANCE, "simulated " + simulated + " vs 4 threads " + real);
    }
}
