package io.reflex.engine.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous mode: a worker thread per session evaluates while the caller waits up to the
 * deadline; a late evaluation keeps the worker busy and the next decisions fall back.
 */
class AsyncDecisionTest {

    private static final int IN = 8;
    private static final int OUT = 4;
    /**
     * Rows the slow model evaluates per decision: 1024 rows of 6.3 million multiply-adds, about a
     * tenth of a second of work (more on a loaded machine), against a 1 ms deadline.
     */
    private static final int SLOW_ROWS = 1024;

    @TempDir
    Path dir;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private DecisionRuntime asyncRuntime(String loop, PolicyStore store, Duration deadline, int in, int out) {
        return DecisionRuntime.builder().loop(loop).store(store).fallback(DecisionRuntimeTest.FALLBACK)
                .shape(in, out).deadline(deadline).mode(DecisionRuntime.Mode.ASYNC)
                .breaker(CircuitBreaker.builder().window(1000).failureThreshold(1000).build())
                .meterRegistry(registry).build();
    }

    private static long workers(String loop) {
        String name = "reflex-" + loop + "-async";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }

    @Test
    void fastModelDecidesThroughTheWorkerWithinAGenerousDeadline() {
        Path model = TestModels.mlp(dir.resolve("fast.onnx"), 51, IN, 32, OUT);
        List<float[]> inputs = TestModels.inputs(52, 25, IN);
        List<float[]> expected = TestModels.outputs(PolicyLoader.defaults(), model, inputs);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), inputs);
        assertTrue(store.offer(model).accepted());

        try (DecisionRuntime rt = asyncRuntime("async-fast", store, Duration.ofSeconds(5), IN, OUT)) {
            DecisionSession session = rt.newSession();
            assertEquals(1, workers("async-fast"), "one worker thread per asynchronous session");
            for (int i = 0; i < inputs.size(); i++) {
                float[] y = new float[OUT];
                assertNull(session.decide(inputs.get(i), y), "decision " + i);
                assertArrayEquals(expected.get(i), y);
                assertEquals(1, session.lastVersion().sequence());
            }
            assertEquals(inputs.size(), rt.metrics().policyDecisions());
            assertEquals(0, rt.metrics().totalFallbacks());

            session.close();

            assertEquals(0, workers("async-fast"), "closing the session stops its worker");
        }
    }

    @Test
    void slowModelFallsBackAtTheDeadlineAndTheNextDecisionFindsTheWorkerBusy() {
        PolicyLoader loader = PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).batch(SLOW_ROWS).build();
        PolicyStore store = PolicyStore.create(loader, List.of());
        assertTrue(store.offer(TestModels.slowModel()).accepted());
        int in = SLOW_ROWS * TestModels.SLOW_IN;
        int out = SLOW_ROWS * TestModels.SLOW_OUT;
        float[] x = TestModels.inputs(53, 1, in).getFirst();

        try (DecisionRuntime rt = asyncRuntime("async-slow", store, Duration.ofMillis(1), in, out)) {
            DecisionSession session = rt.newSession();
            float[] y = new float[out];
            Arrays.fill(y, Float.NaN);

            assertEquals(FallbackCause.DEADLINE, session.decide(x, y));
            assertArrayEquals(DecisionRuntimeTest.fallbackAnswer(x, out), y);
            assertNull(session.lastVersion());

            // The late evaluation is still running: the worker cannot take this one.
            float[] x2 = x.clone();
            x2[1] = 3f;
            assertEquals(FallbackCause.WORKER_BUSY, session.decide(x2, y));
            assertArrayEquals(DecisionRuntimeTest.fallbackAnswer(x2, out), y, "the caller gets the fallback, never the late output");
            assertNull(session.lastVersion());

            assertEquals(1, rt.metrics().fallbacks(FallbackCause.DEADLINE));
            assertEquals(1, rt.metrics().fallbacks(FallbackCause.WORKER_BUSY));
            assertEquals(1, registry.get("reflex.decision.fallbacks").tag("loop", "async-slow")
                    .tag("cause", "worker_busy").functionCounter().count());
            assertEquals(1, registry.get("reflex.decision.fallbacks").tag("loop", "async-slow")
                    .tag("cause", "deadline").functionCounter().count());
            assertEquals(0, rt.metrics().policyDecisions());
            assertEquals(1, workers("async-slow"));

            // Closing while the late evaluation runs waits for it, then stops the worker.
            session.close();

            assertEquals(0, workers("async-slow"));
        }
    }

    @Test
    void throwingModelFallsBackWithPolicyErrorThroughTheWorker() {
        Path model = TestModels.throwsOnLargeFirstFeature(dir.resolve("throws.onnx"), 54, IN, OUT);
        List<float[]> calm = TestModels.calmInputs(55, 5, IN);
        List<float[]> expected = TestModels.outputs(TestModels.ortLoader(), model, calm);
        PolicyStore store = PolicyStore.create(TestModels.ortLoader(), calm);
        assertTrue(store.offer(model).accepted());

        try (DecisionRuntime rt = asyncRuntime("async-throws", store, Duration.ofSeconds(5), IN, OUT);
             DecisionSession session = rt.newSession()) {
            for (int i = 0; i < calm.size(); i++) {
                float[] wild = calm.get(i).clone();
                wild[0] = -40f;
                float[] y = new float[OUT];
                assertEquals(FallbackCause.POLICY_ERROR, session.decide(wild, y));
                assertArrayEquals(DecisionRuntimeTest.fallbackAnswer(wild, OUT), y);

                assertNull(session.decide(calm.get(i), y));
                assertArrayEquals(expected.get(i), y);
            }
            assertEquals(calm.size(), rt.metrics().fallbacks(FallbackCause.POLICY_ERROR));
            assertEquals(calm.size(), rt.metrics().policyDecisions());
        }
        assertEquals(0, workers("async-throws"));
    }

    @Test
    void asyncSessionMovesToANewVersionOnceItsWorkerIsIdle() {
        Path v1 = TestModels.mlp(dir.resolve("v1.onnx"), 56, IN, 16, OUT);
        Path v2 = TestModels.mlp(dir.resolve("v2.onnx"), 57, IN, 16, OUT);
        List<float[]> inputs = TestModels.inputs(58, 6, IN);
        List<float[]> out1 = TestModels.outputs(PolicyLoader.defaults(), v1, inputs);
        List<float[]> out2 = TestModels.outputs(PolicyLoader.defaults(), v2, inputs);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), inputs);
        assertTrue(store.offer(v1).accepted());

        try (DecisionRuntime rt = asyncRuntime("async-swap", store, Duration.ofSeconds(5), IN, OUT);
             DecisionSession session = rt.newSession()) {
            float[] y = new float[OUT];
            assertNull(session.decide(inputs.get(0), y));
            assertArrayEquals(out1.get(0), y);

            assertTrue(store.offer(v2).accepted());

            for (int i = 0; i < inputs.size(); i++) {
                assertNull(session.decide(inputs.get(i), y));
                assertArrayEquals(out2.get(i), y);
                assertEquals(2, session.lastVersion().sequence());
            }
        }
    }
}
