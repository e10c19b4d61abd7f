package io.reflex.harness.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.CircuitBreaker;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime benchmark behind {@code ./reflex bench runtime}: (1) what the Micrometer meters cost
 * per decision, measured as decisions with a registry against decisions without one on the same
 * model and thread in alternating rounds; (2) a swap storm: deciding threads run flat out while the
 * main thread swaps model versions {@code swaps} times, among them a slow model (deadline breaches,
 * so the breaker trips) and a model that turns NaN on negative inputs (caught as non-finite), plus
 * corrupt files that the store must refuse. A decision fails if it throws or returns a non-finite
 * output; there must be none.
 */
public final class RuntimeBench {

    /** What the run measured. */
    public record Result(double metricsOverheadNs, double runtimeOverheadNs, double decideNs, long swaps,
                         long rejectedSwaps, long decisionsDuringSwaps, long failedDecisions, long breakerTrips,
                         Map<FallbackCause, Long> fallbacks) {
    }

    private static final int WIDTH = 96;
    private static final int ACTIONS = 16;

    private final int swaps;
    private final int threads;
    private final long seed;

    public RuntimeBench(int swaps, int threads, long seed) {
        if (swaps < 1 || threads < 1) {
            throw new IllegalArgumentException("swaps and threads must be >= 1");
        }
        this.swaps = swaps;
        this.threads = threads;
        this.seed = seed;
    }

    public Result run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("reflex-runtime-bench");
        try {
            Path a = dir.resolve("a.onnx");
            Path b = dir.resolve("b.onnx");
            Path slow = dir.resolve("slow.onnx");
            Path nan = dir.resolve("nan.onnx");
            Path corrupt = dir.resolve("corrupt.onnx");
            OnnxModelWriter.of(MlpGraph.randomDueling(seed, WIDTH, 128, 128, ACTIONS + 1)).fixedBatch(1).write(a);
            OnnxModelWriter.of(MlpGraph.randomDueling(seed + 1, WIDTH, 128, 128, ACTIONS + 1)).fixedBatch(1).write(b);
            OnnxModelWriter.of(MlpGraph.randomChain(seed + 2, Activation.RELU, WIDTH, 768, 768, ACTIONS)).fixedBatch(1)
                    .write(slow);
            FaultyModels.writeSqrtOfInput(nan, WIDTH, ACTIONS, seed + 3);
            byte[] good = Files.readAllBytes(a);
            Files.write(corrupt, java.util.Arrays.copyOf(good, good.length / 3));

            double[] overhead = metricsOverhead(a);
            return swapStorm(a, b, slow, nan, corrupt, overhead);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Per decision, the median over rounds of: (with a registry − without one), (with a registry −
     * the bare evaluator), and the time with a registry.
     */
    private double[] metricsOverhead(Path model) {
        float[][] inputs = inputs(new SplittableRandom(seed), 64, false);
        float[] out = new float[ACTIONS];
        try (DecisionRuntime with = runtime(model, true, Duration.ofMillis(10));
             DecisionRuntime without = runtime(model, false, Duration.ofMillis(10));
             DecisionSession sWith = with.newSession();
             DecisionSession sWithout = without.newSession();
             Policy bare = PolicyLoader.defaults().load(model);
             Policy.Evaluator e = bare.newEvaluator()) {
            int n = 100_000;
            int rounds = 24;
            double[][] perRound = new double[3][rounds];
            for (int round = -4; round < rounds; round++) {
                // Rotate the order so that no variant always runs first (or right after another).
                for (int k = 0; k < 3; k++) {
                    int variant = Math.floorMod(round + k, 3);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        switch (variant) {
                            case 0 -> sWith.decide(inputs[i & 63], out);
                            case 1 -> sWithout.decide(inputs[i & 63], out);
                            default -> e.evaluate(inputs[i & 63], out);
                        }
                    }
                    if (round >= 0) {
                        perRound[variant][round] = (System.nanoTime() - t0) / (double) n;
                    }
                }
            }
            double[] metricsCost = new double[rounds];
            double[] runtimeCost = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                metricsCost[r] = perRound[0][r] - perRound[1][r];
                runtimeCost[r] = perRound[0][r] - perRound[2][r];
            }
            return new double[] {median(metricsCost), median(runtimeCost), median(perRound[0].clone())};
        }
    }

    private Result swapStorm(Path a, Path b, Path slow, Path nan, Path corrupt, double[] overhead)
            throws InterruptedException {
        try (DecisionRuntime rt = runtime(a, true, Duration.ofNanos(200_000))) {
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder decisions = new LongAdder();
            LongAdder failed = new LongAdder();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed + 100 + t);
                workers.add(Thread.ofPlatform().name("decider-" + t).start(() -> {
                    float[][] inputs = inputs(random, 64, true);
                    float[] out = new float[ACTIONS];
                    try (DecisionSession s = rt.newSession()) {
                        int i = 0;
                        while (!stop.get()) {
                            try {
                                s.decide(inputs[i++ & 63], out);
                                for (float v : out) {
                                    if (!Float.isFinite(v)) {
                                        failed.increment();
                                        break;
                                    }
                                }
                            } catch (RuntimeException ex) {
                                failed.increment();
                            }
                            decisions.increment();
                        }
                    }
                }));
            }
            PolicyStore store = rt.store();
            long accepted = 0;
            int offer = 0;
            while (accepted < swaps) {
                Path next = switch (offer % 50) {
                    case 10 -> slow;
                    case 30 -> nan;
                    case 40 -> corrupt;
                    default -> offer % 2 == 0 ? a : b;
                };
                SwapResult r = store.offer(next);
                if (r.accepted()) {
                    accepted++;
                }
                offer++;
                if (next == slow || next == nan) {
                    Thread.sleep(20); // let the deciders meet it
                }
            }
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
            Map<FallbackCause, Long> fallbacks = new EnumMap<>(FallbackCause.class);
            for (FallbackCause c : FallbackCause.values()) {
                fallbacks.put(c, rt.metrics().fallbacks(c));
            }
            // The initial version counts as a load, not a swap.
            return new Result(overhead[0], overhead[1], overhead[2], store.swaps() - 1,
                    store.rejectedSwaps(), decisions.sum(), failed.sum(), rt.breaker().trips(), fallbacks);
        }
    }

    private DecisionRuntime runtime(Path model, boolean metrics, Duration deadline) {
        // Canary inputs are non-negative, as recorded traffic of a feature that happened to stay positive.
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(inputs(new SplittableRandom(seed), 8, false)));
        SwapResult first = store.offer(model);
        if (!first.accepted()) {
            throw new IllegalStateException("the benchmark's own model was refused: " + first.reason());
        }
        DecisionRuntime.Builder b = DecisionRuntime.builder().loop("bench").store(store).shape(WIDTH, ACTIONS)
                .deadline(deadline)
                .breaker(CircuitBreaker.builder().window(100).failureThreshold(20).coolDown(Duration.ofMillis(5))
                        .probes(5).build())
                .fallback((in, out) -> {
                    // LRU-like rule: the first candidate is the coldest; score it highest.
                    java.util.Arrays.fill(out, 0, ACTIONS, 0f);
                    out[0] = 1f;
                });
        if (metrics) {
            b.meterRegistry(new SimpleMeterRegistry());
        }
        return b.build();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static float[][] inputs(SplittableRandom random, int n, boolean signed) {
        float[][] in = new float[n][WIDTH];
        for (float[] row : in) {
            for (int i = 0; i < WIDTH; i++) {
                double v = random.nextDouble();
                row[i] = (float) (signed ? v * 2 - 1 : v);
            }
        }
        return in;
    }
}
