package io.reflex.benchmarks;

import io.reflex.engine.log.DecisionLogWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What logging one eviction-shaped decision (96 features) costs the deciding thread: a claim in the
 * ring and a copy. The writer thread drains in the background; if it falls behind, appends are
 * dropped (and counted) rather than waited for, so this also reports the drop count per trial.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar DecisionLogBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Short on purpose: the writer thread writes what it can (up to ~1 GB/s to the page cache) into a
// temporary directory that the tear-down deletes.
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DecisionLogBenchmark {

    private Path dir;
    private DecisionLogWriter writer;
    private DecisionLogWriter.LoopLog log;
    private final float[] features = new float[96];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("reflex-jmh-log");
        writer = DecisionLogWriter.builder(dir).segmentBytes(64L << 20).open();
        log = writer.forLoop("eviction");
        for (int i = 0; i < features.length; i++) {
            features[i] = i * 0.01f;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        System.out.println("appended " + writer.appended() + ", dropped " + writer.dropped());
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long appendDecision() {
        return log.decision(3, features, features.length, 5, 0.9f);
    }
}
