package io.reflex.sidecar.server;

import io.reflex.engine.runtime.ModelVersion;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Hot reload: a changed model file is swapped in; a bad one is refused and the old one keeps serving. */
class ModelHotReloadTest {

    @TempDir
    Path dir;

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void swapsInAChangedModelAndKeepsServingThroughABadOne() throws Exception {
        Path model = TestModels.write(dir.resolve("eviction.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        try (SidecarServer server = SidecarServer.start(SidecarConfig.builder().socket(socket).model(model)
                .modelPollInterval(Duration.ofMillis(20)).warmupRequests(100).build());
             TestClient client = new TestClient(socket)) {
            PolicyStore store = server.loop().runtime().store();
            ModelVersion first = store.version().orElseThrow();
            assertEquals(1, first.sequence());
            assertNotEquals(0, client.evict(1, 8));

            TestModels.write(model, 2, 8);       // atomic replace, as the trainer writes
            await(() -> store.version().orElseThrow().sequence() == 2, "the new model to serve");
            assertNotEquals(first.sha256(), store.version().orElseThrow().sha256());
            assertNotEquals(0, client.evict(2, 8), "the same connection is served by the new version");

            Files.write(model, new byte[] {1, 2, 3, 4, 5});         // not a model
            await(() -> store.rejectedSwaps() == 1, "the broken file to be refused");
            assertEquals(2, store.version().orElseThrow().sequence(), "the old version still serves");
            assertNotEquals(0, client.evict(3, 8));

            TestModels.write(model, 3, 4);       // a valid ONNX file of another K
            await(() -> store.rejectedSwaps() == 2, "a model of another shape to be refused");
            assertEquals(2, store.version().orElseThrow().sequence());

            // a valid model of the right shape, trained on a hit history NGINX does not keep
            io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomDueling(5, 48, 32, 32, 9))
                    .fixedBatch(1).metadata(io.reflex.engine.eviction.EvictionFeatures.HIT_HISTORY_METADATA, "3000").write(model);
            await(() -> store.rejectedSwaps() == 3, "a hit-history model to be refused");
            assertEquals(2, store.version().orElseThrow().sequence());

            TestModels.write(model, 4, 8);
            await(() -> store.version().orElseThrow().sequence() == 3, "a good model after bad ones");
            assertNotEquals(0, client.evict(4, 8));
            // Every request was answered; on a loaded machine some answers may be the LRU fallback
            // (deadline). The server counts an answer after writing it (its latency is frame read to
            // reply written), so the last count may land just after the client has read the reply.
            await(() -> server.metrics().requests(true) + server.metrics().requests(false) >= 4,
                    "all four answers to be counted");
        }
    }
}
