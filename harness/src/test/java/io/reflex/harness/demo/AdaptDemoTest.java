package io.reflex.harness.demo;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.rl.NextAccessTraining;
import io.reflex.trainer.workload.LoopWorkload;
import io.reflex.trainer.workload.ZipfWorkload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adaptation demo in both real hosts on a small sequence (a Zipf phase, then a loop): the bad
 * model is demoted within 10,000 requests in each, no request fails, and the phases' figures come
 * out for every arm.
 */
class AdaptDemoTest {

    static final long ENTRIES = 500;
    static final int ZIPF = 6_000;
    static final int LOOP = 9_000;

    @TempDir
    static Path shared;
    static Path model;
    static Trace sequence;
    static NextAccessTraining.Settings training;

    @BeforeAll
    static void trainTheFirstModelAndBuildTheSequence() {
        training = new NextAccessTraining.Settings(64, EvictionModel.Candidates.SAMPLED, false, 1, false, 400,
                new int[] {16, 16}, 200, 128, 3e-3f, 3);
        Trace history = ZipfWorkload.builder().seed(2).requests(20_000).objects(3_000).build().toTrace();
        model = shared.resolve("first.onnx");
        NextAccessTraining.trainAndExport(unitSized(history), List.of(Capacity.entries(ENTRIES)), training,
                new VectorCpuBackend(), model, null);
        Trace zipf = ZipfWorkload.builder().seed(1).requests(ZIPF).objects(3_000).build().toTrace();
        Trace loop = LoopWorkload.builder().seed(1).requests(LOOP).loop(650).hot(500).keyBase(1L << 40).build().toTrace();
        TraceBuilder b = new TraceBuilder(ZIPF + LOOP);
        for (Trace t : List.of(zipf, loop)) {
            for (int i = 0; i < t.length(); i++) {
                b.request(Long.parseLong(t.key(t.object(i))), b.length() * 0.01, RequestSink.NO_SIZE, RequestSink.NO_TTL,
                        RequestSink.NO_RTT);
            }
        }
        sequence = b.build("zipf then loop");
    }

    private static Trace unitSized(Trace t) {
        TraceBuilder b = new TraceBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            b.request(Long.parseLong(t.key(t.object(i))), i * 0.01, RequestSink.NO_SIZE, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        return b.build(t.name());
    }

    private static AdaptDemo.Result run(String host, Path dir) throws Exception {
        AdaptDemo.Settings settings = new AdaptDemo.Settings(ENTRIES, 1_000, 6_000, 3_000, 2_000, 0.2, 0.002, training, 1);
        AdaptDemo demo = new AdaptDemo(settings, new VectorCpuBackend(), sequence,
                List.of(new AdaptDemo.Phase("zipf", ZIPF), new AdaptDemo.Phase("loop", LOOP)), dir, null);
        return demo.run(model, List.of(host), host.equals("nginx") ? NginxBuild.findScript(Path.of("")) : null);
    }

    private static void check(AdaptDemo.Result r, String host) {
        AdaptDemo.HostResult h = r.hosts().getFirst();
        assertEquals(host, h.host());
        assertEquals(0, h.requestsFailed());
        assertTrue(h.badModelDemotedAfterRequests() >= 0 && h.badModelDemotedAfterRequests() <= 10_000,
                "demoted after " + h.badModelDemotedAfterRequests() + "; events " + r.events());
        assertEquals(List.of("zipf", "loop"), h.phases().stream().map(AdaptDemo.PhaseResult::name).toList());
        for (AdaptDemo.PhaseResult p : h.phases()) {
            for (double v : new double[] {p.adaptive(), p.staticModel(), p.classical(), p.lru(), p.bestClassical()}) {
                assertTrue(v >= 0 && v <= 1, p.toString());
            }
            assertTrue(p.bestClassical() >= p.classical() && p.bestClassical() >= p.lru(), p.toString());
        }
        assertEquals((ZIPF + LOOP) / 1_000, h.adaptiveWindows().length);
        assertTrue(r.events().stream().anyMatch(e -> e.kind().equals("bad_model") && e.atRequest() == 2_000), r.events().toString());
        assertTrue(r.events().stream().anyMatch(e -> e.kind().startsWith("retrain_")), r.events().toString());
    }

    @Test
    void inTheCaffeineAdapterTheFloorDemotesTheBadModelAndTheRoundsRetrain(@TempDir Path dir) throws Exception {
        check(run("caffeine", dir), "caffeine");
    }

    @Test
    void inThePatchedNginxTheSidecarsFloorDemotesTheBadModelWithNoFailedRequest(@TempDir Path dir) throws Exception {
        check(run("nginx", dir), "nginx");
    }
}
