package io.reflex.engine.runtime;

import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 1,000 swaps between two valid models while four threads decide continuously: no decision fails,
 * and every decision's output is exactly what the version it reports computes for its input, so no
 * decision ever sees a half-swapped model.
 */
class HotSwapUnderLoadTest {

    private static final int IN = 16;
    private static final int OUT = 8;
    private static final int THREADS = 4;
    private static final int SWAPS = 1_000;
    private static final int INPUTS = 16;
    /** The whole test's bound; it normally takes a few seconds. */
    private static final long TIMEOUT_NANOS = Duration.ofSeconds(120).toNanos();

    @TempDir
    Path dir;

    @Test
    void thousandSwapsUnderConcurrentDecisionsNeverFailOrMixVersions() throws Exception {
        // Few agreement samples keep each load cheap; the fast path still serves both models.
        PolicyLoader loader = PolicyLoader.builder().agreementSamples(4).build();
        Path a = TestModels.mlp(dir.resolve("a.onnx"), 91, IN, 32, OUT);
        Path b = TestModels.mlp(dir.resolve("b.onnx"), 92, IN, 32, OUT);
        List<float[]> inputs = TestModels.inputs(93, INPUTS, IN);
        Map<Path, List<float[]>> expected = Map.of(
                a, TestModels.outputs(loader, a, inputs),
                b, TestModels.outputs(loader, b, inputs));
        for (int i = 0; i < INPUTS; i++) {
            assertTrue(!Arrays.equals(expected.get(a).get(i), expected.get(b).get(i)),
                    "the two models must be told apart on every input");
        }
        PolicyStore store = PolicyStore.create(loader, inputs);
        assertTrue(store.offer(a).accepted());

        CircuitBreaker breaker = CircuitBreaker.builder().window(1_000).failureThreshold(1_000).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong decisions = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<BitSet> versionsSeen = new ArrayList<>();
        List<Thread> deciders = new ArrayList<>();

        try (DecisionRuntime rt = DecisionRuntime.builder().loop("hot-swap").store(store)
                .fallback(DecisionRuntimeTest.FALLBACK).shape(IN, OUT).deadline(Duration.ofSeconds(10))
                .breaker(breaker).build()) {
            for (int t = 0; t < THREADS; t++) {
                BitSet seen = new BitSet();
                versionsSeen.add(seen);
                SplittableRandom random = new SplittableRandom(94 + t);
                deciders.add(Thread.ofPlatform().name("decider-" + t).start(() -> {
                    float[] y = new float[OUT];
                    long lastSequence = 0;
                    try (DecisionSession session = rt.newSession()) {
                        while (!stop.get()) {
                            int k = random.nextInt(INPUTS);
                            FallbackCause cause = session.decide(inputs.get(k), y);
                            if (cause != null) {
                                failures.incrementAndGet();
                                problems.add("fell back: " + cause);
                            } else {
                                ModelVersion v = session.lastVersion();
                                if (!Arrays.equals(expected.get(v.file()).get(k), y)) {
                                    problems.add("decision by " + v.label() + " on input " + k + " gave "
                                            + Arrays.toString(y));
                                }
                                if (v.sequence() < lastSequence) {
                                    problems.add("went back from v" + lastSequence + " to v" + v.sequence());
                                }
                                lastSequence = v.sequence();
                                seen.set((int) v.sequence());
                            }
                            decisions.incrementAndGet();
                            // Four deciders on a small machine would otherwise starve the swapping thread.
                            Thread.yield();
                        }
                    } catch (Throwable e) {
                        problems.add("decider died: " + e);
                    }
                }));
            }

            long start = System.nanoTime();
            for (int s = 0; s < SWAPS; s++) {
                SwapResult r = store.offer(s % 2 == 0 ? b : a);
                if (!r.accepted()) {
                    fail("swap " + s + " refused: " + r.reason());
                }
                // Wait for a decision that began after this swap (at most one per thread was under
                // way), so that every version makes decisions while the next swap is prepared.
                long target = decisions.get() + THREADS + 1;
                while (decisions.get() < target && problems.isEmpty()) {
                    if (System.nanoTime() - start > TIMEOUT_NANOS) {
                        fail("deciders stalled at swap " + s);
                    }
                    Thread.onSpinWait();
                }
            }
            stop.set(true);
            for (Thread t : deciders) {
                t.join(Duration.ofSeconds(30));
                assertTrue(!t.isAlive(), t.getName() + " did not stop");
            }

            assertEquals(List.of(), List.copyOf(problems));
            assertEquals(0, failures.get(), "decisions that fell back");
            assertEquals(SWAPS + 1, store.swaps(), "the initial version and 1,000 swaps");
            assertEquals(0, store.rejectedSwaps());
            assertEquals(SWAPS + 1, store.version().orElseThrow().sequence());
            assertEquals(decisions.get(), rt.metrics().policyDecisions());
            assertEquals(0, rt.metrics().totalFallbacks());
            assertEquals(BreakerState.CLOSED, breaker.state());
            BitSet all = new BitSet();
            versionsSeen.forEach(all::or);
            assertEquals(SWAPS, all.get(2, SWAPS + 2).cardinality(), "every swapped-in version decided");
        }
    }
}
