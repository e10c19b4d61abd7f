package io.reflex.benchmarks;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationMatrix;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.workload.ZipfWorkload;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The full comparison: the twelve standard policies at three sizes (256MB, 1GB, 4GB) on a seeded
 * 1,000,000-request Zipf trace, replays in parallel on {@code threads} threads; one matrix per
 * invocation (single-shot time, seconds). Target: within 60 s on 2 cores.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar SimulationMatrixBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SimulationMatrixBenchmark {

    @Param({"2"})
    public int threads;

    private Trace trace;
    private final List<Capacity> sizes = List.of(Capacity.parse("256MB"), Capacity.parse("1GB"), Capacity.parse("4GB"));

    @Setup(Level.Trial)
    public void setUp() {
        trace = ZipfWorkload.builder().seed(1).requests(1_000_000).build().toTrace();
    }

    @Benchmark
    public List<SimulationResult> matrix() throws InterruptedException {
        return SimulationMatrix.run(trace, PolicyCatalog.STANDARD, sizes,
                (name, capacity) -> PolicyCatalog.create(name, new PolicySetup(trace, capacity, 1)),
                SimulationOptions.defaults(), threads);
    }
}
