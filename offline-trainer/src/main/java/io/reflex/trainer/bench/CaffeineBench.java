package io.reflex.trainer.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu;
import io.reflex.trainer.cache.policy.product.ReflexCaffeineCache;
import io.reflex.trainer.workload.TrapWorkload;
import io.reflex.trainer.workload.ZipfWorkload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The short benchmark behind {@code ./reflex bench caffeine}: the Caffeine adapter against plain
 * Caffeine 3.2.3 in the same run.
 * <ul>
 *   <li>Reads: one thread, {@code getIfPresent} on a resident, Zipf-skewed key set, rounds
 *       alternating between the caches; the median round's throughput of each. A third cache,
 *       plain Caffeine holding each value in a one-field wrapper, measures what one extra object
 *       per entry costs a read by itself (the adapter's values are such nodes).</li>
 *   <li>Writes that trigger eviction: one thread, {@code put} of new keys into a full cache (every
 *       write evicts), alternating rounds; the median round of each. The adapter's cost includes its
 *       decisions (the K coldest, features, inference, victim mask), amortised over the victims each
 *       decision frees (its mask, topped up to the default headroom in the policy's order).</li>
 *   <li>Hit ratios: the trap workload (seed 1, 25MB) and a Zipf workload (seed 1, 300,000 requests
 *       over 30,000 objects, 256MB) replayed by the simulator through {@code wtinylfu} (plain
 *       Caffeine) and {@code reflex-caffeine} (the adapter).</li>
 * </ul>
 * Without a model file, the policy is a freshly generated untrained network (seeded) of the layout
 * {@code train eviction} exports by default, {@link EvictionLoop.Layout#CANDIDATE_ROWS}: one 12-16-16-2
 * row network shared by K = 64 candidates; or, with {@link EvictionLoop.Layout#JOINT}, a 96-64-64-17
 * network over K = 16. Its hit ratios say what an untrained policy does, not what a trained one would.
 * With a model file, the adapter decides over the model's K (joint: its output width; candidate rows:
 * its {@code reflex.k} metadata).
 *
 * <p>One thread; allocates what the caches allocate.
 */
public final class CaffeineBench {

    /** What the run measured. */
    public record Result(String model, double readOpsReflex, double readOpsCaffeine, double readOpsCaffeineWrapped,
                         double writeOpsReflex,
                         double writeOpsCaffeine, double hitRatioReflexTrap, double hitRatioCaffeineTrap,
                         double hitRatioReflexZipf, double hitRatioCaffeineZipf, long policyEvictions,
                         long fallbackWrites, long policyDecisions, int k) {
    }

    /** K of the untrained joint policy generated when no model is given. */
    private static final int UNTRAINED_JOINT_K = 16;
    /** K of the untrained candidate-rows policy: {@code train eviction}'s and the quickstart's default. */
    private static final int UNTRAINED_ROWS_K = 64;
    private final Path model;
    private final EvictionLoop.Layout untrainedLayout;
    private final long seed;
    private final int rounds;
    private final double headroom;

    /**
     * @param model           a trained eviction policy, or null for an untrained one generated from the seed
     * @param untrainedLayout the layout of the untrained policy (ignored with a model)
     * @param seed            seed of the keys and of the untrained model
     * @param rounds          timed rounds per cache and operation
     * @param headroom        the adapter's headroom, a fraction of the capacity ({@link ReflexCache#DEFAULT_HEADROOM})
     */
    public CaffeineBench(Path model, EvictionLoop.Layout untrainedLayout, long seed, int rounds, double headroom) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        this.model = model;
        this.untrainedLayout = Objects.requireNonNull(untrainedLayout, "untrainedLayout");
        this.seed = seed;
        this.rounds = rounds;
        this.headroom = headroom;
    }

    public Result run() throws IOException {
        Path file = model;
        Path generated = null;
        if (file == null) {
            generated = Files.createTempFile("reflex-caffeine-bench", ".onnx");
            if (untrainedLayout == EvictionLoop.Layout.JOINT) {
                OnnxModelWriter.of(MlpGraph.randomDueling(seed, EvictionFeatures.PER_CANDIDATE * UNTRAINED_JOINT_K, 64, 64,
                        UNTRAINED_JOINT_K + 1)).fixedBatch(1).write(generated);
            } else {
                OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, EvictionFeatures.ROW_WIDTH, 16, 16, 2))
                        .fixedBatch(1).metadata("reflex.k", Integer.toString(UNTRAINED_ROWS_K)).write(generated);
            }
            file = generated;
        }
        try {
            double[] reads = reads(file);
            long[] counters = new long[4];
            double[] writes = writes(file, counters);
            Trace trap = TrapWorkload.builder().seed(1).build().toTrace();
            Trace zipf = ZipfWorkload.builder().seed(1).requests(300_000).objects(30_000).build().toTrace();
            double[] trapRatios = hitRatios(trap, Capacity.parse("25MB"), file);
            double[] zipfRatios = hitRatios(zipf, Capacity.parse("256MB"), file);
            String name = model != null ? model.toString()
                    : untrainedLayout == EvictionLoop.Layout.JOINT ? "untrained-joint-k16" : "untrained-candidate-rows-k64";
            return new Result(name, reads[0], reads[1], reads[2], writes[0],
                    writes[1], trapRatios[0], trapRatios[1], zipfRatios[0], zipfRatios[1], counters[0], counters[1],
                    counters[2], (int) counters[3]);
        } finally {
            if (generated != null) {
                Files.deleteIfExists(generated);
            }
        }
    }

    private double[] hitRatios(Trace trace, Capacity capacity, Path file) {
        SimulationResult plain = CacheSimulator.replay(trace, capacity,
                new CaffeineWTinyLfu(trace.objectCount(), capacity, trace.hasTtls()));
        try (ReflexCaffeineCache adapter = new ReflexCaffeineCache(trace, capacity, file, headroom)) {
            SimulationResult reflex = CacheSimulator.replay(trace, capacity, adapter);
            return new double[] {reflex.hitRatio(), plain.hitRatio()};
        }
    }

    private ReflexCache<Long, Long> adapter(Path file, long capacity) {
        return ReflexCache.<Long, Long>builder().maximumSize(capacity).model(file).headroom(headroom)
                .deadline(Duration.ofMillis(5)).name("bench").build();
    }

    /**
     * {readsPerSec adapter, readsPerSec plain, readsPerSec plain holding each value in a one-field
     * wrapper}. The third is the reference for any design that keeps per-entry state in an object
     * beside the value: plain Caffeine paying only that object's extra memory access.
     */
    private double[] reads(Path file) {
        int resident = 50_000;
        Long[] keys = new Long[resident];
        for (int i = 0; i < resident; i++) {
            keys[i] = (long) i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        Long[] stream = new Long[1 << 20];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = keys[(int) (Math.pow(r.nextDouble(), 2) * resident)];
        }
        Cache<Long, Long> plain = Caffeine.newBuilder().maximumSize(2L * resident).build();
        Cache<Long, Wrapped> wrapped = Caffeine.newBuilder().maximumSize(2L * resident).build();
        try (ReflexCache<Long, Long> reflex = adapter(file, 2L * resident)) {
            for (Long k : keys) {
                plain.put(k, k);
                reflex.put(k, k);
                wrapped.put(k, new Wrapped(k));
            }
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            double[] c = new double[rounds];
            long sink = 0;
            for (int round = -2; round < rounds; round++) {   // two untimed warm-up rounds
                long t0 = System.nanoTime();
                sink += readAll(reflex, stream);
                long t1 = System.nanoTime();
                sink += readAll(plain, stream);
                long t2 = System.nanoTime();
                sink += readAllWrapped(wrapped, stream);
                long t3 = System.nanoTime();
                if (round >= 0) {
                    a[round] = stream.length / ((t1 - t0) / 1e9);
                    b[round] = stream.length / ((t2 - t1) / 1e9);
                    c[round] = stream.length / ((t3 - t2) / 1e9);
                }
            }
            if (sink == 42) {
                System.err.print("");
            }
            return new double[] {median(a), median(b), median(c)};
        }
    }

    /**
     * {writesPerSec adapter, writesPerSec plain}; counters gets the adapter's evictions, fallbacks,
     * decisions and K.
     */
    private double[] writes(Path file, long[] counters) {
        int capacity = 10_000;
        int perRound = 200_000;
        Long[] keys = new Long[perRound * (rounds + 2) + capacity];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (long) i;
        }
        Cache<Long, Long> plain = Caffeine.newBuilder().maximumSize(capacity).build();
        try (ReflexCache<Long, Long> reflex = adapter(file, capacity)) {
            for (int i = 0; i < capacity; i++) {
                plain.put(keys[i], keys[i]);
                reflex.put(keys[i], keys[i]);
            }
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            int next = capacity;
            for (int round = -2; round < rounds; round++) {
                long t0 = System.nanoTime();
                writeAll(reflex, keys, next, perRound);
                long t1 = System.nanoTime();
                writeAll(plain, keys, next, perRound);
                long t2 = System.nanoTime();
                next += perRound;
                if (round >= 0) {
                    a[round] = perRound / ((t1 - t0) / 1e9);
                    b[round] = perRound / ((t2 - t1) / 1e9);
                }
            }
            counters[0] = reflex.policyEvictions();
            counters[1] = reflex.fallbackWrites();
            counters[2] = reflex.policyDecisions();
            counters[3] = reflex.evictionLoop().k();
            return new double[] {median(a), median(b)};
        }
    }

    // One method per cache and operation, so that each timed loop is compiled on its own: in one
    // method the loops share one compilation's inlining budget, and whichever is inlined less
    // deeply loses.
    private static long readAll(ReflexCache<Long, Long> cache, Long[] keys) {
        long sink = 0;
        for (Long k : keys) {
            sink += cache.getIfPresent(k);
        }
        return sink;
    }

    private static long readAll(Cache<Long, Long> cache, Long[] keys) {
        long sink = 0;
        for (Long k : keys) {
            sink += cache.getIfPresent(k);
        }
        return sink;
    }

    private static long readAllWrapped(Cache<Long, Wrapped> cache, Long[] keys) {
        long sink = 0;
        for (Long k : keys) {
            sink += cache.getIfPresent(k).value();
        }
        return sink;
    }

    private static void writeAll(ReflexCache<Long, Long> cache, Long[] keys, int from, int count) {
        for (int i = from; i < from + count; i++) {
            cache.put(keys[i], keys[i]);
        }
    }

    private static void writeAll(Cache<Long, Long> cache, Long[] keys, int from, int count) {
        for (int i = from; i < from + count; i++) {
            cache.put(keys[i], keys[i]);
        }
    }

    /** The one-field value holder of the wrapped reference. */
    private record Wrapped(Long value) {
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
