package io.reflex.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.harness.bench.CaffeineBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Caffeine adapter against plain Caffeine 3.2.3, both bounded by entries (targets: reads at
 * least 90% of plain Caffeine's throughput; writes that trigger eviction at most 3× its cost).
 * {@code read}: {@code getIfPresent} of resident, Zipf-skewed keys. {@code evictingWrite}: a
 * {@code put} of a new key into a full cache, so every write evicts (the adapter's decisions with an
 * untrained policy of either layout, see {@link #policy}, amortised over the victims each frees: its
 * mask, topped up to the default headroom in the policy's order). Each {@code cache} runs in its own
 * fork; restrict with {@code -p cache=caffeine,reflex -p policy=rows64} (the plain caches ignore
 * {@code policy}).
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar CaffeineAdapterBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CaffeineAdapterBenchmark {

    /**
     * {@code caffeine}: plain Caffeine; {@code reflex}: the adapter; {@code wrapped}: plain Caffeine
     * holding each value in a one-field wrapper (what one extra object per entry costs by itself).
     */
    @Param({"caffeine", "reflex", "wrapped"})
    public String cache;

    /**
     * The adapter's policy (untrained, seeded): {@code joint16}, a dueling 96-64-64-17 network over
     * K = 16; {@code rows64}, the layout {@code train eviction --objective dqn} exports by default, a
     * 12-16-16-2 row network shared by K = 64 candidates ({@code reflex.k} = 64); {@code history64},
     * a {@code history-1} network (11-16-1) over 64 sampled candidates with admission, as
     * {@code train eviction} exports by default, whose hits are replayed into per-entry histories.
     * Ignored by the plain caches.
     */
    @Param({"joint16", "rows64", "history64"})
    public String policy;

    /**
     * Whether the adapter serves with its floor ({@code ReflexCache.Builder#floor}), for the cost of
     * adaptation: compare {@code -p floor=false,true} in one run. {@code history64} only; the other
     * policies ignore it.
     */
    @Param({"false"})
    public boolean floor;

    /** The adapter's executor, when not the default (for {@link FloorCostBench}). */
    java.util.concurrent.Executor executor;

    private static final int RESIDENT = 50_000;
    private static final int WRITE_CAPACITY = 10_000;

    private Path model;
    private Cache<Long, Long> plainRead;
    private Cache<Long, Long> plainWrite;
    private Cache<Long, Wrapped> wrappedRead;
    private Cache<Long, Wrapped> wrappedWrite;
    private ReflexCache<Long, Long> reflexRead;
    private ReflexCache<Long, Long> reflexWrite;
    private final Long[] readKeys = new Long[1 << 16];
    private int nextRead;
    private long nextWrite = Long.MAX_VALUE / 2;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        Long[] resident = new Long[RESIDENT];
        for (int i = 0; i < RESIDENT; i++) {
            resident[i] = (long) i;
        }
        for (int i = 0; i < readKeys.length; i++) {
            readKeys[i] = resident[(int) (Math.pow(r.nextDouble(), 2) * RESIDENT)];
        }
        if (cache.equals("reflex")) {
            model = Files.createTempFile("reflex-jmh-caffeine", ".onnx");
            if (policy.equals("history64")) {
                writeUntrainedHistoryPolicy(model);
            } else {
                CaffeineBench.writeUntrainedPolicy(policy.equals("rows64") ? EvictionLoop.Layout.CANDIDATE_ROWS
                        : EvictionLoop.Layout.JOINT, 42, model);
            }
            boolean withFloor = floor && policy.equals("history64");
            ReflexCache.Builder<Long, Long> read = ReflexCache.<Long, Long>builder().maximumSize(2L * RESIDENT)
                    .model(model).deadline(Duration.ofMillis(5)).floor(withFloor).name("read");
            ReflexCache.Builder<Long, Long> write = ReflexCache.<Long, Long>builder().maximumSize(WRITE_CAPACITY)
                    .model(model).deadline(Duration.ofMillis(5)).floor(withFloor).name("write");
            if (executor != null) {
                read.executor(executor);
                write.executor(executor);
            }
            reflexRead = read.build();
            reflexWrite = write.build();
            for (Long k : resident) {
                reflexRead.put(k, k);
            }
            for (long k = 0; k < WRITE_CAPACITY; k++) {
                reflexWrite.put(k, k);
            }
        } else if (cache.equals("wrapped")) {
            wrappedRead = Caffeine.newBuilder().maximumSize(2L * RESIDENT).build();
            wrappedWrite = Caffeine.newBuilder().maximumSize(WRITE_CAPACITY).build();
            for (Long k : resident) {
                wrappedRead.put(k, new Wrapped(k));
            }
            for (long k = 0; k < WRITE_CAPACITY; k++) {
                wrappedWrite.put(k, new Wrapped(k));
            }
        } else {
            plainRead = Caffeine.newBuilder().maximumSize(2L * RESIDENT).build();
            plainWrite = Caffeine.newBuilder().maximumSize(WRITE_CAPACITY).build();
            for (Long k : resident) {
                plainRead.put(k, k);
            }
            for (long k = 0; k < WRITE_CAPACITY; k++) {
                plainWrite.put(k, k);
            }
        }
    }

    /** An untrained, seeded {@code history-1} network with the metadata of 64 sampled candidates and admission. */
    private static void writeUntrainedHistoryPolicy(Path out) {
        writeUntrainedHistoryPolicy(out, new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED,
                EvictionModel.MAX_K, true));
    }

    /** An untrained (seeded) 11-16-1 history-1 model with {@code contract}'s metadata, for the hosts' benchmarks. */
    static void writeUntrainedHistoryPolicy(Path out, EvictionModel contract) {
        OnnxModelWriter w = OnnxModelWriter.of(MlpGraph.randomChain(42, Activation.RELU, HistoryFeatures.WIDTH, 16, 1))
                .fixedBatch(1);
        for (Map.Entry<String, String> e : new TreeMap<>(contract.toMetadata()).entrySet()) {
            w = w.metadata(e.getKey(), e.getValue());
        }
        w.write(out);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (reflexRead != null) {
            reflexRead.close();
            reflexWrite.close();
            Files.deleteIfExists(model);
        }
    }

    /**
     * Runs the adapter's pending work on the calling thread (its buffered hits, the floor's waiting
     * sampled requests): {@link FloorCostBench} calls it before and after each timed round, so
     * that a round pays for its own requests.
     */
    /** Sampled requests the floor's shadows took on the caller's thread ({@code ReflexCache#floorCallerReplays}). */
    long callerReplays() {
        return reflexRead == null ? 0 : reflexRead.floorCallerReplays() + reflexWrite.floorCallerReplays();
    }

    void settle() {
        if (reflexRead != null) {
            reflexRead.cleanUp();
            reflexWrite.cleanUp();
        }
    }

    @Benchmark
    public Long read() {
        Long key = readKeys[nextRead++ & (readKeys.length - 1)];
        if (plainRead != null) {
            return plainRead.getIfPresent(key);
        }
        return wrappedRead != null ? wrappedRead.getIfPresent(key).value() : reflexRead.getIfPresent(key);
    }

    @Benchmark
    public void evictingWrite() {
        Long key = nextWrite++;
        if (plainWrite != null) {
            plainWrite.put(key, key);
        } else if (wrappedWrite != null) {
            wrappedWrite.put(key, new Wrapped(key));
        } else {
            reflexWrite.put(key, key);
        }
    }

    /** The one-field value holder of {@code wrapped}. */
    private record Wrapped(Long value) {
    }
}
