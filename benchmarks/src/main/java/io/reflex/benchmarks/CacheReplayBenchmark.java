package io.reflex.benchmarks;

import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.workload.ZipfWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Single-threaded replay throughput of the cache simulator: one whole replay of a seeded
 * 1,000,000-request Zipf trace (100,000 objects of mixed sizes, alpha 0.8) per invocation, counted
 * as 1,000,000 operations, so the score is requests per second. Each replay builds a fresh policy
 * and simulator state, as {@code ./reflex simulate} does. Target for {@code lru}: at least 5 M
 * requests/s.
 *
 * <pre>
 * mvn -q -B -ntp -pl benchmarks -am package -DskipTests
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar CacheReplayBenchmark
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar CacheReplayBenchmark -p policy=lru,s3fifo,wtinylfu
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CacheReplayBenchmark.REQUESTS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheReplayBenchmark {

    static final int REQUESTS = 1_000_000;

    @Param({"lru"})
    public String policy;

    @Param({"1GB"})
    public String size;

    private Trace trace;
    private Capacity capacity;

    @Setup(Level.Trial)
    public void setUp() {
        trace = ZipfWorkload.builder().seed(1).requests(REQUESTS).build().toTrace();
        capacity = Capacity.parse(size);
        trace.nextAccess(0); // clairvoyant policies: build the future index outside the measurement
    }

    @Benchmark
    public long replay() {
        return CacheSimulator.replay(trace, capacity, PolicyCatalog.create(policy, new PolicySetup(trace, capacity, 1)))
                .hits();
    }
}
