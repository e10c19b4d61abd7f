package io.reflex.engine.runtime;

import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hot-reload loop calls {@link PolicyStore#offer} or {@link PolicyStore#offerNewest} on a
 * scheduled thread for as long as the host runs, so no file dropped into its directory may stop
 * it: whatever goes wrong loading a candidate is a refusal (counted, with a reason naming the
 * file), never an exception that escapes and cancels the task. Model files over two gibibytes are
 * sparse files: their size is real, their bytes are never allocated.
 */
class HotReloadSurvivesBadFilesTest {

    private static final int IN = 8;
    private static final int OUT = 4;
    /** Past the largest array a JVM allocates, so reading it whole throws OutOfMemoryError at once. */
    private static final long OVER_TWO_GIB = 3L << 30;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final List<float[]> canary = TestModels.calmInputs(91, 8, IN);

    @Test
    void aScheduledReloadKeepsLoadingNewModelsAfterRefusingOneOverTwoGibibytes() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path first = modifiedAt(TestModels.mlp(models.resolve("1-first.onnx"), 92, IN, 16, OUT), 0);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), canary);
        assertTrue(store.offer(first).accepted());
        BlockingQueue<SwapResult> heard = new LinkedBlockingQueue<>();
        store.onSwap(heard::add);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        // As a host's watcher does: a failure it knows of is logged and the next poll tries again.
        ScheduledFuture<?> reload = executor.scheduleWithFixedDelay(() -> {
            try {
                store.offerNewest(models);
            } catch (RuntimeException e) {
                // the next poll retries
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        try {
            Path huge = modifiedAt(sparse(models.resolve("2-huge.onnx"), OVER_TWO_GIB), 60);

            SwapResult refused = heard.poll(20, TimeUnit.SECONDS);
            assertNotNull(refused, "the oversized model is offered, and the offer returns");
            assertFalse(refused.accepted());
            assertTrue(refused.reason().contains(huge.toString()), refused.reason());
            assertTrue(refused.reason().contains("268,435,456"), "names the limit: " + refused.reason());
            assertEquals(first, refused.version().file(), "the incumbent keeps serving");

            Path next = TestModels.mlp(models.resolve("3-next.onnx"), 93, IN, 16, OUT);
            modifiedAt(next, 120);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!next.equals(store.version().map(ModelVersion::file).orElse(null)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(Optional.of(next), store.version().map(ModelVersion::file), "the reload still runs");
            assertFalse(reload.isDone(), "the reload task is still scheduled");
            assertTrue(store.rejectedSwaps() >= 1);
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
            store.close();
        }
    }

    @Test
    void offerNewestRefusesTheServingFileGrownPastTheLimitInPlace() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path model = TestModels.mlp(models.resolve("model.onnx"), 94, IN, 16, OUT);
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), canary)) {
            ModelVersion serving = store.offerNewest(models).orElseThrow().version();

            sparse(model, OVER_TWO_GIB);
            SwapResult r = returning(() -> store.offerNewest(models)).orElseThrow();

            assertFalse(r.accepted());
            assertTrue(r.reason().contains("model.onnx") && r.reason().contains("268,435,456"), r.reason());
            assertEquals(Optional.of(serving), store.version());
            assertEquals(1, store.rejectedSwaps());
        }
    }

    @Test
    void aModelThatThrowsInItsWarmUpIsRefusedWhileTheIncumbentServes() {
        // No canary inputs: the warm-up's zeros are the first inputs the candidate sees.
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of())) {
            Path good = TestModels.mlp(dir.resolve("good.onnx"), 95, IN, 16, OUT);
            ModelVersion incumbent = store.offer(good).version();
            Path throwing = TestModels.throwsOnCalmInputs(dir.resolve("throws.onnx"), 96, IN, OUT);

            SwapResult r = store.offer(throwing);

            assertFalse(r.accepted());
            assertTrue(r.reason().contains("throws.onnx") && r.reason().contains("warm-up"), r.reason());
            assertEquals(incumbent, r.version());
            assertEquals(Optional.of(incumbent), store.version());
            assertEquals(1, store.rejectedSwaps());
        }
    }

    @Test
    void aModelOverTheLoadersConfiguredLimitIsRefusedNamingTheFileAndTheLimit() throws IOException {
        PolicyLoader loader = PolicyLoader.builder().maxModelBytes(64 << 10).build();
        try (PolicyStore store = PolicyStore.create(loader, canary)) {
            Path small = TestModels.mlp(dir.resolve("small.onnx"), 97, IN, 16, OUT);
            assertTrue(Files.size(small) < 64 << 10);
            assertTrue(store.offer(small).accepted());
            Path large = sparse(dir.resolve("large.onnx"), (64 << 10) + 1);

            SwapResult r = store.offer(large);

            assertFalse(r.accepted());
            assertEquals(large + ": model file is 65,537 bytes, over the limit of 65,536 bytes (64 KiB); refused"
                    + " without reading it", r.reason());
            assertEquals(1, store.rejectedSwaps());
        }
    }

    @Test
    void onlyErrorsThatMeanTheVmIsBrokenEscapeAnOffer() {
        assertTrue(PolicyStore.isFatal(new InternalError("broken")));
        assertTrue(PolicyStore.isFatal(new UnknownError("broken")));
        // The candidate's own failures: it is dropped, and the memory or stack it took with it.
        assertFalse(PolicyStore.isFatal(new OutOfMemoryError("Java heap space")));
        assertFalse(PolicyStore.isFatal(new StackOverflowError()));
        assertFalse(PolicyStore.isFatal(new UnsatisfiedLinkError("no onnxruntime in java.library.path")));
        assertFalse(PolicyStore.isFatal(new IllegalStateException("a bug in a check")));
    }

    /**
     * Runs {@code call}, making an {@link OutOfMemoryError} this test's failure: JUnit rethrows it,
     * which would abort the whole run instead of failing one test.
     */
    static <T> T returning(Supplier<T> call) {
        try {
            return call.get();
        } catch (OutOfMemoryError e) {
            throw new AssertionError("ran out of memory instead of returning: " + e.getMessage(), e);
        }
    }

    /** Sets {@code file} to {@code bytes} without writing them: a hole the file system does not store. */
    static Path sparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    private static Path modifiedAt(Path file, long secondsAfterT0) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(T0.plusSeconds(secondsAfterT0)));
        return file;
    }
}
