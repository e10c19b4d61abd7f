package io.reflex.sidecar.server;

import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watcher survives a poll that fails with an Error: hot reload never stops silently. */
class ModelWatcherTest {

    @TempDir
    Path dir;

    @Test
    void aPollThatThrowsAnErrorIsCountedAndTheNextChangeIsStillLoaded() throws Exception {
        Path model = TestModels.write(dir.resolve("eviction.onnx"), 1, 8);
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO)) {
            assertTrue(store.offer(model).accepted());
            try (ModelWatcher watcher = new ModelWatcher(model, store, Duration.ofMillis(20), f -> {
                if (failOnce.getAndSet(false)) {
                    throw new OutOfMemoryError("simulated: a precheck that runs out of memory");
                }
                return Optional.empty();
            })) {
                TestModels.write(model, 2, 8);
                ModelHotReloadTest.await(() -> watcher.failures() == 1, "the failing poll to be counted");
                TestModels.write(model, 3, 8);
                ModelHotReloadTest.await(() -> store.version().orElseThrow().sequence() == 2,
                        "the next change to be loaded after the failure");
                assertEquals(1, watcher.failures());
            }
        }
    }
}
