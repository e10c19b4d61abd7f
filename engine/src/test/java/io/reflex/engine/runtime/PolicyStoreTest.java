package io.reflex.engine.runtime;

import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy store: a version is fully validated before one atomic swap publishes it; a bad version
 * leaves the incumbent serving (and deciding) and says why; a replaced version is closed only when
 * the last session holding it has moved on.
 */
class PolicyStoreTest {

    private static final int IN = 8;
    private static final int OUT = 4;

    @TempDir
    Path dir;

    /** Recorded inputs whose first feature stays below 1 in magnitude (the throwing model decides on them). */
    private final List<float[]> canary = TestModels.calmInputs(61, 8, IN);

    private PolicyStore store() {
        return PolicyStore.create(PolicyLoader.defaults(), canary);
    }

    private DecisionRuntime runtime(PolicyStore store) {
        return DecisionRuntime.builder().loop("store").store(store).fallback(DecisionRuntimeTest.FALLBACK)
                .shape(IN, OUT).deadline(Duration.ofSeconds(5))
                .breaker(CircuitBreaker.builder().window(100).failureThreshold(100).build()).build();
    }

    @Test
    void acceptsValidModelsAndNumbersThemInLoadOrder() throws IOException {
        Path a = TestModels.mlp(dir.resolve("a.onnx"), 62, IN, 16, OUT);
        Path b = TestModels.mlp(dir.resolve("b.onnx"), 63, IN, 16, OUT);
        PolicyStore store = store();
        List<SwapResult> heard = new ArrayList<>();
        store.onSwap(heard::add);
        assertEquals(Optional.empty(), store.version());

        Instant before = Instant.now();
        SwapResult first = store.offer(a);
        SwapResult second = store.offer(b);

        assertTrue(first.accepted());
        assertNull(first.reason());
        assertEquals(1, first.version().sequence());
        assertEquals(a, first.version().file());
        assertEquals(16, first.version().sha256().length());
        assertFalse(first.version().loadedAt().isBefore(before.minusSeconds(1)));
        assertTrue(second.accepted());
        assertEquals(2, second.version().sequence());
        assertNotEquals(first.version().sha256(), second.version().sha256());
        assertEquals(Optional.of(second.version()), store.version());
        assertEquals(2, store.swaps());
        assertEquals(0, store.rejectedSwaps());
        assertEquals(List.of(first, second), heard);
        assertEquals("v2 (b.onnx, " + second.version().sha256() + ")", second.version().label());
        // The same file offered again is a new version of the same bytes.
        SwapResult third = store.offer(a);
        assertEquals(3, third.version().sequence());
        assertEquals(first.version().sha256(), third.version().sha256());
        store.close();
    }

    /** One rejection: the offer says why, the incumbent keeps serving and deciding, nothing else moves. */
    private void assertRejectedWhileIncumbentDecides(PolicyStore store, DecisionSession session, Path candidate,
                                                     String reasonPart, List<float[]> incumbentOutputs) {
        long rejectedBefore = store.rejectedSwaps();
        ModelVersion incumbent = store.version().orElseThrow();

        SwapResult result = store.offer(candidate);

        assertFalse(result.accepted());
        assertEquals(incumbent, result.version(), "the result names the version still serving");
        assertTrue(result.reason().contains(reasonPart), result.reason());
        assertTrue(result.reason().contains(candidate.getFileName().toString()), result.reason());
        assertEquals(Optional.of(incumbent), store.version());
        assertEquals(rejectedBefore + 1, store.rejectedSwaps());
        for (int i = 0; i < canary.size(); i++) {
            float[] y = new float[OUT];
            assertNull(session.decide(canary.get(i), y));
            assertEquals(incumbent, session.lastVersion(), "decisions are still made by the incumbent");
            assertArrayEquals(incumbentOutputs.get(i), y);
        }
    }

    @Test
    void rejectsCorruptFilesWhileTheIncumbentKeepsServing() throws IOException {
        Path good = TestModels.mlp(dir.resolve("good.onnx"), 64, IN, 16, OUT);
        List<float[]> goodOutputs = TestModels.outputs(PolicyLoader.defaults(), good, canary);
        byte[] bytes = Files.readAllBytes(good);
        SplittableRandom random = new SplittableRandom(65);
        PolicyStore store = store();
        assertTrue(store.offer(good).accepted());

        try (DecisionRuntime rt = runtime(store); DecisionSession session = rt.newSession()) {
            for (int i = 0; i < 5; i++) {
                // Cut inside the graph (which holds nearly all of the bytes): a torn copy.
                Path torn = dir.resolve("torn-" + i + ".onnx");
                Files.write(torn, Arrays.copyOf(bytes, 16 + random.nextInt(bytes.length / 2)));
                assertRejectedWhileIncumbentDecides(store, session, torn, "not a valid ONNX model", goodOutputs);

                byte[] noise = new byte[64 + random.nextInt(4096)];
                random.nextBytes(noise);
                Path garbage = dir.resolve("garbage-" + i + ".onnx");
                Files.write(garbage, noise);
                assertRejectedWhileIncumbentDecides(store, session, garbage, "", goodOutputs);
            }
            Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
            assertRejectedWhileIncumbentDecides(store, session, empty, "model file is empty", goodOutputs);
            assertRejectedWhileIncumbentDecides(store, session, dir.resolve("absent.onnx"), "model file not found",
                    goodOutputs);
            assertEquals(12, store.rejectedSwaps());
            assertEquals(1, store.swaps());
        }
    }

    @Test
    void canaryInputsCatchAModelThatOutputsNaN() {
        Path good = TestModels.mlp(dir.resolve("good.onnx"), 66, IN, 16, OUT);
        List<float[]> goodOutputs = TestModels.outputs(PolicyLoader.defaults(), good, canary);
        PolicyStore store = store();
        assertTrue(store.offer(good).accepted());
        Path nan = TestModels.alwaysNaN(dir.resolve("nan.onnx"), 67, IN, OUT);
        // The loader alone accepts it: every weight is finite.
        assertDoesNotThrow(() -> PolicyLoader.defaults().load(nan).close());

        try (DecisionRuntime rt = runtime(store); DecisionSession session = rt.newSession()) {
            assertRejectedWhileIncumbentDecides(store, session, nan,
                    "canary input 0 gives a non-finite output NaN at index 0", goodOutputs);
        }
    }

    @Test
    void canaryInputsCatchAModelThatThrows() {
        Path good = TestModels.mlp(dir.resolve("good.onnx"), 68, IN, 16, OUT);
        List<float[]> goodOutputs = TestModels.outputs(PolicyLoader.defaults(), good, canary);
        List<float[]> recorded = new ArrayList<>(canary);
        float[] wild = canary.getFirst().clone();
        wild[0] = 7f;
        recorded.add(wild);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), recorded);
        assertTrue(store.offer(good).accepted());

        try (DecisionRuntime rt = runtime(store); DecisionSession session = rt.newSession()) {
            Path throwing = TestModels.throwsOnLargeFirstFeature(dir.resolve("throws.onnx"), 69, IN, OUT);
            assertRejectedWhileIncumbentDecides(store, session, throwing,
                    "canary input " + canary.size() + " failed", goodOutputs);
        }
    }

    @Test
    void rejectsModelsOfTheWrongShape() {
        Path good = TestModels.mlp(dir.resolve("good.onnx"), 70, IN, 16, OUT);
        List<float[]> goodOutputs = TestModels.outputs(PolicyLoader.defaults(), good, canary);
        // The canary inputs pin the input size; the loader's declared output pins the output size.
        PolicyLoader loader = PolicyLoader.builder().output(null, 1, OUT).build();
        PolicyStore store = PolicyStore.create(loader, canary);
        assertTrue(store.offer(good).accepted());

        try (DecisionRuntime rt = runtime(store); DecisionSession session = rt.newSession()) {
            Path narrow = TestModels.mlp(dir.resolve("narrow.onnx"), 71, IN - 3, 16, OUT);
            assertRejectedWhileIncumbentDecides(store, session, narrow,
                    "canary input 0 has 8 values, the model takes 5", goodOutputs);
            Path wide = TestModels.mlp(dir.resolve("wide.onnx"), 72, IN, 16, OUT + 2);
            assertRejectedWhileIncumbentDecides(store, session, wide, "expected [1,4]", goodOutputs);
        }
    }

    @Test
    void reportsEveryOfferToItsListener() {
        List<SwapResult> heard = new ArrayList<>();
        PolicyStore store = store();
        store.onSwap(heard::add);
        SwapResult missing = store.offer(dir.resolve("nothing.onnx"));
        SwapResult ok = store.offer(TestModels.mlp(dir.resolve("ok.onnx"), 73, IN, 16, OUT));

        assertEquals(List.of(missing, ok), heard);
        assertNull(missing.version(), "nothing serves yet");
        assertFalse(missing.accepted());
        assertTrue(ok.accepted());
        assertThrows(NullPointerException.class, () -> store.onSwap(null));
    }

    @Test
    void offerNewestPicksTheNewestModelAndDoesNothingWhenItAlreadyServes() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        PolicyStore store = store();
        assertEquals(Optional.empty(), store.offerNewest(models), "an empty directory offers nothing");

        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        Path older = TestModels.mlp(models.resolve("z-older.onnx"), 74, IN, 16, OUT);
        Path newer = TestModels.mlp(models.resolve("a-newer.onnx"), 75, IN, 16, OUT);
        Files.setLastModifiedTime(older, FileTime.from(t0));
        Files.setLastModifiedTime(newer, FileTime.from(t0.plusSeconds(60)));
        Files.writeString(models.resolve("notes.txt"), "not a model");
        Files.setLastModifiedTime(models.resolve("notes.txt"), FileTime.from(t0.plusSeconds(600)));

        SwapResult first = store.offerNewest(models).orElseThrow();
        assertTrue(first.accepted());
        assertEquals(newer, first.version().file(), "latest modification time wins over the name");
        assertEquals(Optional.empty(), store.offerNewest(models), "the newest is already serving");
        assertEquals(1, store.swaps());

        Path newest = TestModels.mlp(models.resolve("m-newest.onnx"), 76, IN, 16, OUT);
        Files.setLastModifiedTime(newest, FileTime.from(t0.plusSeconds(120)));
        SwapResult second = store.offerNewest(models).orElseThrow();
        assertEquals(newest, second.version().file());
        assertEquals(2, second.version().sequence());

        // Same modification time: the later name wins.
        Path tie = TestModels.mlp(models.resolve("n-tie.onnx"), 77, IN, 16, OUT);
        Files.setLastModifiedTime(tie, FileTime.from(t0.plusSeconds(120)));
        assertEquals(tie, store.offerNewest(models).orElseThrow().version().file());

        // The serving file rewritten in place with other weights is a new version.
        TestModels.mlp(tie, 78, IN, 16, OUT);
        Files.setLastModifiedTime(tie, FileTime.from(t0.plusSeconds(120)));
        SwapResult rewritten = store.offerNewest(models).orElseThrow();
        assertTrue(rewritten.accepted());
        assertEquals(4, rewritten.version().sequence());
        assertEquals(Optional.empty(), store.offerNewest(models));

        ModelLoadException e = assertThrows(ModelLoadException.class, () -> store.offerNewest(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("model directory not found"), e.getMessage());
        store.close();
    }

    @Test
    void aReplacedVersionIsClosedOnlyAfterTheLastSessionHoldingItMovesOn() {
        Path v1 = TestModels.mlp(dir.resolve("v1.onnx"), 79, IN, 16, OUT);
        Path v2 = TestModels.mlp(dir.resolve("v2.onnx"), 80, IN, 16, OUT);
        List<float[]> out1 = TestModels.outputs(PolicyLoader.defaults(), v1, canary);
        List<float[]> out2 = TestModels.outputs(PolicyLoader.defaults(), v2, canary);
        PolicyStore store = store();
        assertTrue(store.offer(v1).accepted());
        ServingPolicy first = store.peek();
        Policy firstPolicy = first.policy;

        try (DecisionRuntime rt = runtime(store)) {
            DecisionSession a = rt.newSession();
            DecisionSession b = rt.newSession();
            float[] y = new float[OUT];
            assertNull(a.decide(canary.get(0), y));
            assertArrayEquals(out1.get(0), y);
            assertNull(b.decide(canary.get(0), y));

            assertTrue(store.offer(v2).accepted());
            assertNotEquals(first, store.peek());
            assertOpen(firstPolicy, "both sessions still hold version 1");

            assertNull(a.decide(canary.get(1), y));
            assertEquals(2, a.lastVersion().sequence(), "a session moves at its first decision after the swap");
            assertArrayEquals(out2.get(1), y);
            assertOpen(firstPolicy, "session b still holds version 1");

            assertNull(b.decide(canary.get(2), y));
            assertEquals(2, b.lastVersion().sequence());
            assertArrayEquals(out2.get(2), y);
            assertClosed(firstPolicy);

            // The serving version outlives the store's own reference while a session holds it.
            Policy secondPolicy = store.peek().policy;
            rt.close();
            assertOpen(secondPolicy, "sessions a and b hold version 2 after the store closed");
            a.close();
            assertOpen(secondPolicy, "session b holds version 2");
            b.close();
            assertClosed(secondPolicy);
        }
    }

    @Test
    void aVersionNoSessionHoldsIsClosedAtTheSwap() {
        PolicyStore store = store();
        assertTrue(store.offer(TestModels.mlp(dir.resolve("v1.onnx"), 81, IN, 16, OUT)).accepted());
        Policy first = store.peek().policy;
        assertSame(first, store.acquire().policy);
        // acquire() took a session's reference; give it back as a session would.
        store.peek().release();

        assertTrue(store.offer(TestModels.mlp(dir.resolve("v2.onnx"), 82, IN, 16, OUT)).accepted());

        assertClosed(first);
        store.close();
    }

    private static void assertOpen(Policy policy, String why) {
        assertDoesNotThrow(() -> policy.newEvaluator().close(), why);
    }

    private static void assertClosed(Policy policy) {
        IllegalStateException e = assertThrows(IllegalStateException.class, policy::newEvaluator);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
