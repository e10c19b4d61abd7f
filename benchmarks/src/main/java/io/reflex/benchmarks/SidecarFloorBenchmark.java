package io.reflex.benchmarks;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.WireV2;
import io.reflex.sidecar.server.SidecarConfig;
import io.reflex.sidecar.server.SidecarServer;
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
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the sidecar's LRU floor costs a decision, as NGINX sees it: one version-2 EVICT of 16
 * sampled history-1 candidates and an incoming row, sent over the real Unix socket to a sidecar
 * serving a 11-16-1 next-access model, and its VICTIMS reply read back. With {@code floor=true}
 * the sidecar follows an access log (empty here, so the model keeps serving) and every frame reads
 * whether the floor has demoted the model; the floor's own work (the miniature LRU and the learned
 * miniature over the sampled log lines) runs on the log-following thread, not the connection's.
 *
 * <pre>
 * java @cli/target/jvm.options -jar benchmarks/target/benchmarks.jar SidecarFloorBenchmark -f 4
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class SidecarFloorBenchmark {

    private static final int K = 16;

    @Param({"false", "true"})
    public boolean floor;

    private Path dir;
    private SidecarServer server;
    private SocketChannel channel;
    private final FrameEncoder out = new FrameEncoder();
    private final FrameDecoder in = new FrameDecoder();
    private final float[][] frames = new float[64][];
    private long id;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("reflex-jmh-sidecar");
        Path model = dir.resolve("history.onnx");
        CaffeineAdapterBenchmark.writeUntrainedHistoryPolicy(model,
                new EvictionModel(io.reflex.engine.eviction.HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, K, true));
        SidecarConfig.Builder config = SidecarConfig.builder().socket(dir.resolve("s.sock")).model(model)
                .deadline(Duration.ofMillis(5));
        if (floor) {
            Path log = Files.createFile(dir.resolve("access.log"));
            config.accessLog(log).cacheMaxSize(1L << 30);
        }
        server = SidecarServer.start(config.build());
        channel = SocketChannel.open(UnixDomainSocketAddress.of(server.socket()));
        SplittableRandom r = new SplittableRandom(7);
        int w = WireV2.width(WireV2.SCHEMA_HISTORY_1);
        for (int f = 0; f < frames.length; f++) {
            float[] rows = new float[(K + 1) * w];
            for (int i = 0; i <= K; i++) {
                boolean incoming = i == K;
                int at = i * w;
                rows[at] = incoming ? 0 : r.nextInt(100_000);            // recency
                rows[at + 1] = r.nextInt(5_000);                          // gap0
                rows[at + 2] = r.nextBoolean() ? -1 : r.nextInt(5_000);   // gap1
                rows[at + 3] = r.nextInt(4) != 0 ? -1 : r.nextInt(5_000); // gap2
                for (int e = 0; e < 4; e++) {
                    rows[at + 4 + e] = 1 + r.nextInt(1_000) / 100f;       // edc0..3
                }
                rows[at + 8] = 1_024 + r.nextInt(800_000);                // size
                rows[at + 9] = incoming ? 0 : rows[at] + r.nextInt(10_000); // residence
                rows[at + 10] = incoming ? 0 : r.nextInt(50);             // hits
            }
            frames[f] = rows;
        }
    }

    /** One EVICT round trip; returns the victim mask. */
    @Benchmark
    public long evict() throws Exception {
        long n = id++;
        out.evictV2(channel, n, K, WireV2.SCHEMA_HISTORY_1, WireV2.FLAG_SAMPLED | WireV2.FLAG_INCOMING,
                frames[(int) (n & 63)]);
        if (!in.next(channel)) {
            throw new IOException("the sidecar closed the connection");
        }
        return in.mask();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
