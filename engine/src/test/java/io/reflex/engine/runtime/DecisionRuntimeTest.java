package io.reflex.engine.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-line decisions: the policy decides when it can, the classical fallback when it cannot, each
 * cause is counted and published, and the caller always receives one complete answer.
 */
class DecisionRuntimeTest {

    private static final int IN = 8;
    private static final int OUT = 4;
    /** A fast deadline generous enough that no healthy small model ever misses it. */
    private static final Duration GENEROUS = Duration.ofSeconds(5);
    /** A breaker that no test here opens by accident. */
    private static final int NEVER = 1_000;

    @TempDir
    Path dir;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    /** The classical rule: a recognisable answer, far from anything the small models output. */
    static final Fallback FALLBACK = (input, output) -> {
        for (int i = 0; i < output.length; i++) {
            output[i] = 1_000f + i + input[1];
        }
    };

    static float[] fallbackAnswer(float[] input, int outputSize) {
        float[] out = new float[outputSize];
        FALLBACK.decide(input, out);
        return out;
    }

    private DecisionRuntime.Builder builder(String loop, PolicyStore store, CircuitBreaker breaker, int in, int out) {
        return DecisionRuntime.builder().loop(loop).store(store).fallback(FALLBACK).shape(in, out)
                .breaker(breaker).meterRegistry(registry);
    }

    private DecisionRuntime runtime(String loop, PolicyStore store, Duration deadline, CircuitBreaker breaker,
                                    int in, int out) {
        return builder(loop, store, breaker, in, out).deadline(deadline).build();
    }

    /** A breaker that opens at the first failure and stays open for the test's lifetime. */
    private static CircuitBreaker opensAtOnce() {
        return CircuitBreaker.builder().window(1).failureThreshold(1).coolDown(Duration.ofHours(1)).build();
    }

    private DecisionRuntime runtime(String loop, PolicyStore store) {
        return runtime(loop, store, GENEROUS, neverOpens(), IN, OUT);
    }

    private static CircuitBreaker neverOpens() {
        return CircuitBreaker.builder().window(NEVER).failureThreshold(NEVER).build();
    }

    private double fallbackMeter(String loop, FallbackCause cause) {
        return registry.get("reflex.decision.fallbacks").tag("loop", loop).tag("cause", cause.tag())
                .functionCounter().count();
    }

    private double decisionsMeter(String loop, String decidedBy) {
        return registry.get("reflex.decisions").tag("loop", loop).tag("decided_by", decidedBy)
                .functionCounter().count();
    }

    /** Asserts {@code n} fallbacks of {@code cause} and none of any other, in the counters and the meters. */
    private void assertOnlyFallbacks(DecisionRuntime rt, FallbackCause cause, long n) {
        for (FallbackCause c : FallbackCause.values()) {
            long expected = c == cause ? n : 0;
            assertEquals(expected, rt.metrics().fallbacks(c), c + " counter");
            assertEquals(expected, fallbackMeter(rt.loop(), c), c + " meter");
        }
        assertEquals(n, rt.metrics().totalFallbacks());
        assertEquals(n, decisionsMeter(rt.loop(), "fallback"));
    }

    /** Decides and asserts that the fallback answered for {@code cause}, into the caller's array. */
    private static void assertFallsBack(DecisionSession session, FallbackCause cause, float[] input, int outputSize) {
        float[] output = new float[outputSize];
        Arrays.fill(output, -7f);
        assertEquals(cause, session.decide(input, output));
        assertArrayEquals(fallbackAnswer(input, outputSize), output, "the caller receives the fallback's answer");
        assertNull(session.lastVersion(), "no model version made a fallback decision");
    }

    @Test
    void policyDecidesAndTheDecisionKnowsItsModelVersion() {
        Path model = TestModels.mlp(dir.resolve("small.onnx"), 21, IN, 16, OUT);
        List<float[]> inputs = TestModels.inputs(22, 10, IN);
        List<float[]> expected = TestModels.outputs(PolicyLoader.defaults(), model, inputs);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), inputs);
        assertTrue(store.offer(model).accepted());

        try (DecisionRuntime rt = runtime("decides", store); DecisionSession session = rt.newSession()) {
            for (int i = 0; i < inputs.size(); i++) {
                float[] y = new float[OUT];
                assertNull(session.decide(inputs.get(i), y));
                assertArrayEquals(expected.get(i), y);
                assertEquals(1, session.lastVersion().sequence());
                assertEquals(model, session.lastVersion().file());
            }
            assertEquals(10, rt.metrics().policyDecisions());
            assertEquals(10, decisionsMeter("decides", "policy"));
            assertOnlyFallbacks(rt, FallbackCause.POLICY_ERROR, 0);
        }
    }

    @Test
    void fallsBackWithPolicyErrorWhenThePolicyThrows() {
        Path model = TestModels.throwsOnLargeFirstFeature(dir.resolve("throws.onnx"), 23, IN, OUT);
        List<float[]> calm = TestModels.calmInputs(24, 6, IN);
        List<float[]> expected = TestModels.outputs(TestModels.ortLoader(), model, calm);
        PolicyStore store = PolicyStore.create(TestModels.ortLoader(), calm);
        assertTrue(store.offer(model).accepted(), "calm canary inputs do not make it throw");

        try (DecisionRuntime rt = runtime("throws", store); DecisionSession session = rt.newSession()) {
            for (int i = 0; i < calm.size(); i++) {
                float[] wild = calm.get(i).clone();
                wild[0] = 50f + 10 * i;
                assertFallsBack(session, FallbackCause.POLICY_ERROR, wild, OUT);

                // The same evaluator decides again at once: a throw does not poison the session.
                float[] y = new float[OUT];
                assertNull(session.decide(calm.get(i), y));
                assertArrayEquals(expected.get(i), y);
                assertEquals(1, session.lastVersion().sequence());
            }
            assertOnlyFallbacks(rt, FallbackCause.POLICY_ERROR, calm.size());
            assertEquals(calm.size(), rt.metrics().policyDecisions());
        }
    }

    @Test
    void fallsBackWithNonFiniteOutputWhenThePolicyReturnsNaN() {
        Path model = TestModels.alwaysNaN(dir.resolve("nan.onnx"), 25, IN, OUT);
        // No canary inputs: the store cannot see the NaNs, so the runtime must.
        PolicyStore store = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(store.offer(model).accepted());

        try (DecisionRuntime rt = runtime("nan", store); DecisionSession session = rt.newSession()) {
            for (float[] x : TestModels.inputs(26, 5, IN)) {
                assertFallsBack(session, FallbackCause.NON_FINITE_OUTPUT, x, OUT);
            }
            assertOnlyFallbacks(rt, FallbackCause.NON_FINITE_OUTPUT, 5);
            assertEquals(0, rt.metrics().policyDecisions());
        }
    }

    @Test
    void fallsBackWithDeadlineWhenTheInlinePolicyIsLate() {
        Path slow = TestModels.slowModel();
        PolicyStore store = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(store.offer(slow).accepted());
        List<float[]> inputs = TestModels.inputs(27, 3, TestModels.SLOW_IN);

        // About a millisecond of work against a 10 µs deadline: late every time, by a wide margin.
        try (DecisionRuntime rt = runtime("late", store, Duration.ofNanos(10_000), neverOpens(),
                TestModels.SLOW_IN, TestModels.SLOW_OUT);
             DecisionSession session = rt.newSession()) {
            for (float[] x : inputs) {
                assertFallsBack(session, FallbackCause.DEADLINE, x, TestModels.SLOW_OUT);
            }
            assertOnlyFallbacks(rt, FallbackCause.DEADLINE, 3);
        }

        // The same model decides when the deadline allows it: the deadline alone made it fall back.
        List<float[]> expected = TestModels.outputs(TestModels.ortLoader(), slow, inputs);
        PolicyStore again = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(again.offer(slow).accepted());
        try (DecisionRuntime rt = runtime("on-time", again, Duration.ofSeconds(10), neverOpens(),
                TestModels.SLOW_IN, TestModels.SLOW_OUT);
             DecisionSession session = rt.newSession()) {
            float[] y = new float[TestModels.SLOW_OUT];
            assertNull(session.decide(inputs.getFirst(), y));
            assertArrayEquals(expected.getFirst(), y);
        }
    }

    @Test
    void withoutADeadlineASlowPolicyAlwaysDecidesAndTheBreakerStaysClosed() {
        Path slow = TestModels.slowModel();
        List<float[]> inputs = TestModels.inputs(42, 4, TestModels.SLOW_IN);
        List<float[]> expected = TestModels.outputs(TestModels.ortLoader(), slow, inputs);

        // With a 1 ns deadline every decision of about a millisecond is late, however fast the machine:
        // the serving default's behaviour, which made offline figures move with the load.
        PolicyStore served = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(served.offer(slow).accepted());
        try (DecisionRuntime rt = runtime("serving", served, Duration.ofNanos(1), neverOpens(),
                TestModels.SLOW_IN, TestModels.SLOW_OUT);
             DecisionSession session = rt.newSession()) {
            assertTrue(rt.hasDeadline());
            for (float[] x : inputs) {
                assertFallsBack(session, FallbackCause.DEADLINE, x, TestModels.SLOW_OUT);
            }
            assertOnlyFallbacks(rt, FallbackCause.DEADLINE, inputs.size());
        }

        // Without one, the same model decides every time, exactly, on repeat; a breaker that would open
        // at the first failure stays closed, so lateness is not counted as one.
        PolicyStore simulated = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(simulated.offer(slow).accepted());
        CircuitBreaker breaker = opensAtOnce();
        try (DecisionRuntime rt = builder("simulated", simulated, breaker, TestModels.SLOW_IN, TestModels.SLOW_OUT)
                .noDeadline().build();
             DecisionSession session = rt.newSession()) {
            assertFalse(rt.hasDeadline());
            for (int repeat = 0; repeat < 2; repeat++) {
                for (int i = 0; i < inputs.size(); i++) {
                    float[] y = new float[TestModels.SLOW_OUT];
                    assertNull(session.decide(inputs.get(i), y));
                    assertArrayEquals(expected.get(i), y);
                }
            }
            assertOnlyFallbacks(rt, FallbackCause.DEADLINE, 0);
            assertEquals(2L * inputs.size(), rt.metrics().policyDecisions());
            assertEquals(BreakerState.CLOSED, breaker.state());
        }
    }

    @Test
    void withoutADeadlineErrorsNonFiniteOutputsAndWrongShapesStillFallBack() {
        Path throwing = TestModels.throwsOnLargeFirstFeature(dir.resolve("nd-throws.onnx"), 43, IN, OUT);
        PolicyStore errors = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(errors.offer(throwing).accepted());
        CircuitBreaker breaker = opensAtOnce();
        try (DecisionRuntime rt = builder("nd-error", errors, breaker, IN, OUT).noDeadline().build();
             DecisionSession session = rt.newSession()) {
            float[] wild = new float[IN];
            wild[0] = 99f;
            assertFallsBack(session, FallbackCause.POLICY_ERROR, wild, OUT);
            // Errors still open the breaker.
            assertEquals(BreakerState.OPEN, breaker.state());
            assertFallsBack(session, FallbackCause.BREAKER_OPEN, new float[IN], OUT);
        }

        PolicyStore nan = PolicyStore.create(TestModels.ortLoader(), List.of());
        assertTrue(nan.offer(TestModels.alwaysNaN(dir.resolve("nd-nan.onnx"), 44, IN, OUT)).accepted());
        try (DecisionRuntime rt = builder("nd-nan", nan, neverOpens(), IN, OUT).noDeadline().build();
             DecisionSession session = rt.newSession()) {
            assertFallsBack(session, FallbackCause.NON_FINITE_OUTPUT, new float[IN], OUT);
        }

        PolicyStore narrow = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(narrow.offer(TestModels.mlp(dir.resolve("nd-narrow.onnx"), 45, IN - 2, 16, OUT)).accepted());
        try (DecisionRuntime rt = builder("nd-shape", narrow, neverOpens(), IN, OUT).noDeadline().build();
             DecisionSession session = rt.newSession()) {
            assertFallsBack(session, FallbackCause.WRONG_SHAPE, new float[IN], OUT);
        }
    }

    @Test
    void fallsBackWithNoPolicyWhileTheStoreIsEmpty() {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (DecisionRuntime rt = runtime("empty", store); DecisionSession session = rt.newSession()) {
            for (float[] x : TestModels.inputs(28, 4, IN)) {
                assertFallsBack(session, FallbackCause.NO_POLICY, x, OUT);
            }
            assertOnlyFallbacks(rt, FallbackCause.NO_POLICY, 4);
            assertEquals(0, registry.get("reflex.model.version").tag("loop", "empty").gauge().value());

            // The first version offered is picked up at the next decision.
            Path model = TestModels.mlp(dir.resolve("first.onnx"), 29, IN, 16, OUT);
            assertTrue(store.offer(model).accepted());
            assertNull(session.decide(new float[IN], new float[OUT]));
            assertEquals(1, session.lastVersion().sequence());
        }
    }

    @Test
    void fallsBackWithWrongShapeWhenTheServingModelHasAnotherInputOrOutputSize() {
        // No canaries and no declared shapes: the store accepts any model, the runtime checks the loop's shape.
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(TestModels.mlp(dir.resolve("narrow.onnx"), 30, IN - 2, 16, OUT)).accepted());
        try (DecisionRuntime rt = runtime("shape", store); DecisionSession session = rt.newSession()) {
            List<float[]> inputs = TestModels.inputs(31, 3, IN);
            for (float[] x : inputs) {
                assertFallsBack(session, FallbackCause.WRONG_SHAPE, x, OUT);
            }
            assertTrue(store.offer(TestModels.mlp(dir.resolve("wide.onnx"), 32, IN, 16, OUT + 1)).accepted());
            for (float[] x : inputs) {
                assertFallsBack(session, FallbackCause.WRONG_SHAPE, x, OUT);
            }
            assertOnlyFallbacks(rt, FallbackCause.WRONG_SHAPE, 6);
        }
    }

    @Test
    void fallsBackWithBreakerOpenOnceFailuresOpenTheBreakerAndRecoversThroughProbes() {
        Path model = TestModels.throwsOnLargeFirstFeature(dir.resolve("flaky.onnx"), 33, IN, OUT);
        List<float[]> calm = TestModels.calmInputs(34, 8, IN);
        PolicyStore store = PolicyStore.create(TestModels.ortLoader(), calm);
        assertTrue(store.offer(model).accepted());
        AtomicLong clock = new AtomicLong();
        CircuitBreaker breaker = CircuitBreaker.builder().window(4).failureThreshold(2).probes(2)
                .coolDown(Duration.ofSeconds(30)).clock(clock::get).build();

        try (DecisionRuntime rt = runtime("breaker", store, GENEROUS, breaker, IN, OUT);
             DecisionSession session = rt.newSession()) {
            float[] wild = calm.getFirst().clone();
            wild[0] = 99f;
            assertFallsBack(session, FallbackCause.POLICY_ERROR, wild, OUT);
            assertFallsBack(session, FallbackCause.POLICY_ERROR, wild, OUT);
            assertEquals(BreakerState.OPEN, breaker.state());
            assertEquals(BreakerState.OPEN.code(), registry.get("reflex.breaker.state").tag("loop", "breaker").gauge().value());
            assertEquals(1, registry.get("reflex.breaker.trips").tag("loop", "breaker").functionCounter().count());

            // Healthy inputs now go to the fallback too: the breaker keeps the policy off the path.
            for (float[] x : calm) {
                assertFallsBack(session, FallbackCause.BREAKER_OPEN, x, OUT);
            }
            assertEquals(calm.size(), rt.metrics().fallbacks(FallbackCause.BREAKER_OPEN));
            assertEquals(calm.size(), fallbackMeter("breaker", FallbackCause.BREAKER_OPEN));

            clock.addAndGet(Duration.ofSeconds(30).toNanos());
            assertNull(session.decide(calm.get(0), new float[OUT]));
            assertEquals(BreakerState.HALF_OPEN, breaker.state());
            assertEquals(BreakerState.HALF_OPEN.code(), registry.get("reflex.breaker.state").tag("loop", "breaker").gauge().value());
            assertNull(session.decide(calm.get(1), new float[OUT]));
            assertEquals(BreakerState.CLOSED, breaker.state());
            assertEquals(BreakerState.CLOSED.code(), registry.get("reflex.breaker.state").tag("loop", "breaker").gauge().value());
            assertEquals(2, rt.metrics().fallbacks(FallbackCause.POLICY_ERROR));
            assertEquals(2, rt.metrics().policyDecisions());
        }
    }

    @Test
    void publishesModelVersionAndSwapsAndDecisionCountsAsMeters() {
        List<float[]> canary = TestModels.inputs(35, 4, IN);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), canary);
        try (DecisionRuntime rt = runtime("meters", store); DecisionSession session = rt.newSession()) {
            assertEquals(0, registry.get("reflex.model.version").tag("loop", "meters").gauge().value());
            session.decide(canary.getFirst(), new float[OUT]);

            assertTrue(store.offer(TestModels.mlp(dir.resolve("v1.onnx"), 36, IN, 16, OUT)).accepted());
            assertFalse(store.offer(TestModels.alwaysNaN(dir.resolve("nan.onnx"), 37, IN, OUT)).accepted());
            assertTrue(store.offer(TestModels.mlp(dir.resolve("v2.onnx"), 38, IN, 16, OUT)).accepted());
            assertFalse(store.offer(dir.resolve("missing.onnx")).accepted());
            for (int i = 0; i < 5; i++) {
                assertNull(session.decide(canary.get(i % canary.size()), new float[OUT]));
            }

            assertEquals(2, registry.get("reflex.model.version").tag("loop", "meters").gauge().value());
            assertEquals(2, registry.get("reflex.model.swaps").tag("loop", "meters").tag("result", "accepted")
                    .functionCounter().count());
            assertEquals(2, registry.get("reflex.model.swaps").tag("loop", "meters").tag("result", "rejected")
                    .functionCounter().count());
            assertEquals(5, decisionsMeter("meters", "policy"));
            assertEquals(1, decisionsMeter("meters", "fallback"));
            assertEquals(1, fallbackMeter("meters", FallbackCause.NO_POLICY));
            assertEquals(BreakerState.CLOSED.code(), registry.get("reflex.breaker.state").tag("loop", "meters").gauge().value());
        }
    }

    @Test
    void samplesDecisionLatencyIntoMicrosecondBuckets() {
        Path model = TestModels.mlp(dir.resolve("timed.onnx"), 39, IN, 16, OUT);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(model).accepted());
        try (DecisionRuntime rt = DecisionRuntime.builder().loop("timed").store(store).fallback(FALLBACK)
                .shape(IN, OUT).deadline(GENEROUS).breaker(neverOpens()).meterRegistry(registry)
                .latencySampling(4).build();
             DecisionSession session = rt.newSession()) {
            for (float[] x : TestModels.inputs(40, 40, IN)) {
                assertNull(session.decide(x, new float[OUT]));
            }
            Timer timer = registry.get("reflex.decision.latency").tag("loop", "timed").timer();
            assertEquals(10, timer.count(), "one decision in four is timed");
            CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
            double[] bounds = Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.NANOSECONDS)).toArray();
            double[] micro = Arrays.stream(RuntimeMetrics.LATENCY_BUCKETS).mapToDouble(Duration::toNanos).toArray();
            assertArrayEquals(micro, bounds, 1e-6, "1 µs to 5 ms, not Micrometer's defaults from 1 ms");
            assertEquals(1_000, bounds[0], 1e-6);
            for (int i = 1; i < buckets.length; i++) {
                assertTrue(buckets[i].count() >= buckets[i - 1].count(), "cumulative bucket counts");
            }
            assertTrue(buckets[buckets.length - 1].count() <= 10);
        }
    }

    @Test
    void countsWithoutARegistry() {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (DecisionRuntime rt = DecisionRuntime.builder().loop("quiet").store(store).fallback(FALLBACK)
                .shape(IN, OUT).build();
             DecisionSession session = rt.newSession()) {
            assertEquals(FallbackCause.NO_POLICY, session.decide(new float[IN], new float[OUT]));
            assertEquals(1, rt.metrics().fallbacks(FallbackCause.NO_POLICY));
            assertEquals("quiet", rt.loop());
            assertEquals(IN, rt.inputSize());
            assertEquals(OUT, rt.outputSize());
            assertNotNull(rt.breaker());
            assertEquals(BreakerState.CLOSED, rt.breaker().state());
        }
    }

    @Test
    void sessionsFallBackWithNoPolicyAfterTheRuntimeIsClosed() {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(TestModels.mlp(dir.resolve("closing.onnx"), 41, IN, 16, OUT)).accepted());
        DecisionRuntime rt = runtime("closing", store);
        try (DecisionSession session = rt.newSession()) {
            assertNull(session.decide(new float[IN], new float[OUT]));

            rt.close();

            assertFallsBack(session, FallbackCause.NO_POLICY, new float[IN], OUT);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.offer(dir.resolve("closing.onnx")));
            assertEquals("policy store is closed", e.getMessage());
        }
    }

    @Test
    void builderRefusesIncompleteOrInvalidSettings() {
        assertEquals("loop name must match [a-z][a-z0-9_-]*, got Eviction Loop",
                assertThrows(IllegalArgumentException.class, () -> DecisionRuntime.builder().loop("Eviction Loop")).getMessage());
        assertEquals("loop name must match [a-z][a-z0-9_-]*, got null",
                assertThrows(IllegalArgumentException.class, () -> DecisionRuntime.builder().loop(null)).getMessage());
        assertEquals("input and output sizes must be >= 1, got 0 and 4",
                assertThrows(IllegalArgumentException.class, () -> DecisionRuntime.builder().shape(0, 4)).getMessage());
        assertEquals("deadline must be in (0, 10 s], got PT0S",
                assertThrows(IllegalArgumentException.class, () -> DecisionRuntime.builder().deadline(Duration.ZERO)).getMessage());
        assertEquals("deadline must be in (0, 10 s], got PT10.001S",
                assertThrows(IllegalArgumentException.class,
                        () -> DecisionRuntime.builder().deadline(Duration.ofMillis(10_001))).getMessage());
        assertEquals("deadline (for none, use the builder's noDeadline())",
                assertThrows(NullPointerException.class, () -> DecisionRuntime.builder().deadline(null)).getMessage());
        assertEquals("latency sampling must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> DecisionRuntime.builder().latencySampling(0)).getMessage());
        assertEquals("a decision runtime needs loop, store, fallback and shape",
                assertThrows(IllegalStateException.class,
                        () -> DecisionRuntime.builder().loop("incomplete").fallback(FALLBACK).shape(IN, OUT).build()).getMessage());
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertEquals("a decision runtime needs loop, store, fallback and shape",
                assertThrows(IllegalStateException.class,
                        () -> DecisionRuntime.builder().loop("incomplete").store(store).fallback(FALLBACK).build()).getMessage());
        assertEquals("the asynchronous mode needs a deadline; use the in-line mode without one",
                assertThrows(IllegalStateException.class, () -> builder("async", store, neverOpens(), IN, OUT)
                        .mode(DecisionRuntime.Mode.ASYNC).noDeadline().build()).getMessage());
        // The last of deadline and noDeadline wins.
        try (DecisionRuntime rt = builder("last", store, neverOpens(), IN, OUT).noDeadline().deadline(GENEROUS).build()) {
            assertTrue(rt.hasDeadline());
        }
    }
}
