package io.reflex.harness.bench;

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
import io.reflex.harness.product.ReflexCaffeineCache;
import io.reflex.trainer.workload.TrapWorkload;
import io.reflex.trainer.workload.ZipfWorkload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The short benchmark behind {@code ./reflex bench caffeine}: the Caffeine adapter against plain
 * Caffeine 3.2.3 in the same run.
 * <ul>
 *   <li>Reads: one thread, {@code getIfPresent} on a resident, Zipf-skewed key set (50,000 keys
 *       by default, in a cache of twice that capacity), rounds
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
 * Each round of a cache ends with its {@code cleanUp()} (its pending maintenance is its own) and is
 * timed twice: by the wall clock (the contract's throughput ratios) and by the whole process's CPU
 * time, which counts the maintenance plain Caffeine runs on its executor (another core when one is
 * idle) and the adapter runs on the writing thread. The CPU figures are the cost per operation,
 * whatever the other cores are doing.
 *
 * <p>Without a model file, the policy is a freshly generated untrained network (seeded) of the layout
 * {@code train eviction --objective dqn} exports by default, {@link EvictionLoop.Layout#CANDIDATE_ROWS}: one 12-16-16-2
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
                         long fallbackWrites, long policyDecisions, int k,
                         double readCpuOpsReflex, double readCpuOpsCaffeine, double writeCpuOpsReflex,
                         double writeCpuOpsCaffeine) {

        /** What the adapter adds to a read (a hit of the read phase), in ns by the wall clock: its time per read minus plain Caffeine's. */
        public double readOverheadNsPerHit() {
            return 1e9 / readOpsReflex - 1e9 / readOpsCaffeine;
        }

        /** The adapter's hit ratio minus plain Caffeine's, the mean of the trap's and Zipf's. */
        public double hitRatioGain() {
            return (hitRatioReflexTrap - hitRatioCaffeineTrap + hitRatioReflexZipf - hitRatioCaffeineZipf) / 2;
        }

        /**
         * The cost of a miss, in ns, above which the adapter pays for itself: the read overhead over
         * the hit-ratio gain (per request, the gain saves {@code gain × missCost}; charging every
         * request the overhead of a hit errs on the adapter's side of caution). Empty when there is
         * no gain: then no miss cost pays for the overhead.
         */
        public OptionalDouble breakEvenMissCostNs() {
            double gain = hitRatioGain();
            return gain > 0 ? OptionalDouble.of(Math.max(0, readOverheadNsPerHit()) / gain) : OptionalDouble.empty();
        }
    }

    /** K of the untrained joint policy generated when no model is given. */
    private static final int UNTRAINED_JOINT_K = 16;
    /** K of the untrained candidate-rows policy: {@code train eviction --objective dqn}'s default. */
    private static final int UNTRAINED_ROWS_K = 64;
    /** Keys the read phase holds by default. */
    public static final int DEFAULT_RESIDENT = 50_000;
    /** Bounds of the read phase's key count. */
    public static final int MIN_RESIDENT = 1_000;
    public static final int MAX_RESIDENT = 2_000_000;
    /** Passes over the read stream per timed round. */
    private static final int READ_PASSES = 4;
    private final Path model;
    private final EvictionLoop.Layout untrainedLayout;
    private final long seed;
    private final int rounds;
    private final double headroom;
    private final int victimsPerDecision;
    private final int resident;

    /**
     * @param model           a trained eviction policy, or null for an untrained one generated from the seed
     * @param untrainedLayout the layout of the untrained policy (ignored with a model)
     * @param seed            seed of the keys and of the untrained model
     * @param rounds          timed rounds per cache and operation
     * @param headroom        the adapter's headroom, a fraction of the capacity ({@link ReflexCache#DEFAULT_HEADROOM})
     * @param victimsPerDecision a history-1 model's victims per decision (1 for a Cold-RL model)
     * @param resident        keys the read phase holds and reads, in [1,000, 2,000,000]
     */
    public CaffeineBench(Path model, EvictionLoop.Layout untrainedLayout, long seed, int rounds, double headroom,
                         int victimsPerDecision, int resident) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (resident < MIN_RESIDENT || resident > MAX_RESIDENT) {
            throw new IllegalArgumentException("resident must be in [" + MIN_RESIDENT + ", " + MAX_RESIDENT + "], got " + resident);
        }
        this.resident = resident;
        this.model = model;
        this.untrainedLayout = Objects.requireNonNull(untrainedLayout, "untrainedLayout");
        this.seed = seed;
        this.rounds = rounds;
        this.headroom = headroom;
        this.victimsPerDecision = victimsPerDecision;
    }

    public Result run() throws IOException {
        Path file = model;
        Path generated = null;
        if (file == null) {
            generated = Files.createTempFile("reflex-caffeine-bench", ".onnx");
            writeUntrainedPolicy(untrainedLayout, seed, generated);
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
                    counters[2], (int) counters[3], reads[3], reads[4], writes[2], writes[3]);
        } finally {
            if (generated != null) {
                Files.deleteIfExists(generated);
            }
        }
    }

    /**
     * Writes the untrained, seeded policy this bench uses without a model (and the JMH
     * {@code CaffeineAdapterBenchmark} uses): {@link EvictionLoop.Layout#CANDIDATE_ROWS}, a 12-16-16-2
     * row network with {@code reflex.k} = 64; {@link EvictionLoop.Layout#JOINT}, a dueling 96-64-64-17
     * network over K = 16.
     */
    public static void writeUntrainedPolicy(EvictionLoop.Layout layout, long seed, Path out) {
        if (layout == EvictionLoop.Layout.JOINT) {
            OnnxModelWriter.of(MlpGraph.randomDueling(seed, EvictionFeatures.PER_CANDIDATE * UNTRAINED_JOINT_K, 64, 64,
                    UNTRAINED_JOINT_K + 1)).fixedBatch(1).write(out);
        } else {
            OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, EvictionFeatures.ROW_WIDTH, 16, 16, 2))
                    .fixedBatch(1).metadata("reflex.k", Integer.toString(UNTRAINED_ROWS_K)).write(out);
        }
    }

    private double[] hitRatios(Trace trace, Capacity capacity, Path file) {
        SimulationResult plain = CacheSimulator.replay(trace, capacity,
                new CaffeineWTinyLfu(trace.objectCount(), capacity, trace.hasTtls()));
        try (ReflexCaffeineCache adapter = new ReflexCaffeineCache(trace, capacity, file, headroom, victimsPerDecision)) {
            SimulationResult reflex = CacheSimulator.replay(trace, capacity, adapter);
            return new double[] {reflex.hitRatio(), plain.hitRatio()};
        }
    }

    private ReflexCache<Long, Long> adapter(Path file, long capacity) {
        ReflexCache.Builder<Long, Long> b = ReflexCache.<Long, Long>builder().maximumSize(capacity).model(file)
                .headroom(headroom).deadline(Duration.ofMillis(5)).name("bench");
        if (b.servesHistory()) {
            b.victimsPerDecision(victimsPerDecision);
        }
        return b.build();
    }

    /**
     * Reads per second of {adapter, plain, plain holding each value in a one-field wrapper}, by wall
     * time, then the same per CPU second of the whole process. The third is the reference for any
     * design that keeps per-entry state in an object beside the value: plain Caffeine paying only
     * that object's extra memory access. A round reads the stream {@value #READ_PASSES} times (about
     * 100 ms), long enough for the process CPU clock, which Linux reports in 10 ms ticks.
     */
    private double[] reads(Path file) {
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
            RoundTimes times = new RoundTimes(rounds, 3);
            long sink = 0;
            for (int round = -2; round < rounds; round++) {   // two untimed warm-up rounds
                times.start(round);
                for (int pass = 0; pass < READ_PASSES; pass++) {
                    sink += readAll(reflex, stream);
                }
                reflex.cleanUp();
                times.lap(0);
                for (int pass = 0; pass < READ_PASSES; pass++) {
                    sink += readAll(plain, stream);
                }
                plain.cleanUp();
                times.lap(1);
                for (int pass = 0; pass < READ_PASSES; pass++) {
                    sink += readAllWrapped(wrapped, stream);
                }
                wrapped.cleanUp();
                times.lap(2);
            }
            if (sink == 42) {
                System.err.print("");
            }
            return times.perSecond(READ_PASSES * stream.length);
        }
    }

    /**
     * Evicting writes per second of {adapter, plain}, by wall time, then per CPU second of the whole
     * process; counters gets the adapter's evictions, fallbacks,
     * decisions and K.
     */
    private double[] writes(Path file, long[] counters) {
        int capacity = 10_000;
        int perRound = 400_000;   // about 100 ms or more: the process CPU clock ticks every 10 ms
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
            RoundTimes times = new RoundTimes(rounds, 2);
            int next = capacity;
            for (int round = -2; round < rounds; round++) {
                times.start(round);
                writeAll(reflex, keys, next, perRound);
                reflex.cleanUp();
                times.lap(0);
                writeAll(plain, keys, next, perRound);
                plain.cleanUp();
                times.lap(1);
                next += perRound;
            }
            counters[0] = reflex.policyEvictions();
            counters[1] = reflex.fallbackWrites();
            counters[2] = reflex.policyDecisions();
            counters[3] = reflex.k();
            return times.perSecond(perRound);
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

    /**
     * Each cache's rounds, timed by the wall clock and by the process's CPU time (every thread:
     * Caffeine's maintenance on its executor included), so that work moved to another core is
     * still counted. Each interval ends after the cache's {@code cleanUp()}, so its pending
     * maintenance is its own and does not land in the next cache's interval.
     */
    private static final class RoundTimes {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final double[][] wall;
        private final double[][] cpu;
        private int round;
        private long wall0;
        private long cpu0;

        RoundTimes(int rounds, int caches) {
            wall = new double[caches][rounds];
            cpu = new double[caches][rounds];
        }

        /** Starts round {@code round}; negative rounds are warm-up and not kept. */
        void start(int round) {
            this.round = round;
            wall0 = System.nanoTime();
            cpu0 = OS.getProcessCpuTime();
        }

        /** Ends cache {@code cache}'s interval and starts the next one's. */
        void lap(int cache) {
            long w = System.nanoTime();
            long c = OS.getProcessCpuTime();
            if (round >= 0) {
                wall[cache][round] = w - wall0;
                cpu[cache][round] = c - cpu0;
            }
            wall0 = w;
            cpu0 = c;
        }

        /** Operations per second of each cache by wall time, then of each by CPU time; medians over the rounds. */
        double[] perSecond(int operationsPerRound) {
            int n = wall.length;
            double[] out = new double[2 * n];
            for (int i = 0; i < n; i++) {
                out[i] = operationsPerRound / (median(wall[i]) * 1e-9);
                out[n + i] = operationsPerRound / (median(cpu[i]) * 1e-9);
            }
            return out;
        }

        private static double median(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            return v[v.length / 2];
        }
    }
}
