package io.reflex.harness.bench;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The short inference benchmark behind {@code ./reflex bench inference}: for each reference MLP it
 * loads the same ONNX file on the Vector API fast path and on ONNX Runtime (reused direct input,
 * pinned output), times single decisions (batch 1) one call at a time, and measures the bytes each
 * decision allocates on the calling thread.
 *
 * <p>The two backends are measured in alternating rounds so that drift in machine load hits both.
 * Each timed call includes one {@code System.nanoTime()} pair (tens of nanoseconds), the same for both.
 * The JMH benchmark {@code InferenceBenchmark} in {@code benchmarks/} is the authoritative version.
 */
public final class InferenceBench {

    /** A reference model: its name, its layer widths, and how it is built. */
    public record ModelCase(String name, MlpGraph graph) {
    }

    /** What one model measured. */
    public record Result(String name, String layers, long vectorP50, long vectorP99, long ortP50, long ortP99,
                         double speedupP50, double vectorAllocBytes, double ortAllocBytes, String fastPathStatus) {
    }

    private static final int ROUNDS = 5;

    private final int iterations;
    private final int warmup;
    private final long seed;

    public InferenceBench(int iterations, int warmup, long seed) {
        if (iterations < ROUNDS || warmup < 0) {
            throw new IllegalArgumentException("iterations must be >= " + ROUNDS + " and warmup >= 0");
        }
        this.iterations = iterations;
        this.warmup = warmup;
        this.seed = seed;
    }

    /** The three shapes the issue names: 32-64-64-8, the dueling eviction shape 96-128-128-17, 128-256-256-16. */
    public static List<ModelCase> referenceModels(long seed) {
        return List.of(
                new ModelCase("mlp-32-64-64-8", MlpGraph.randomChain(seed, Activation.RELU, 32, 64, 64, 8)),
                new ModelCase("dueling-96-128-128-17", MlpGraph.randomDueling(seed + 1, 96, 128, 128, 17)),
                new ModelCase("mlp-128-256-256-16", MlpGraph.randomChain(seed + 2, Activation.RELU, 128, 256, 256, 16)));
    }

    public List<Result> run(List<ModelCase> cases) throws IOException {
        Path dir = Files.createTempDirectory("reflex-bench");
        try {
            List<Result> results = new ArrayList<>();
            for (ModelCase c : cases) {
                Path file = dir.resolve(c.name() + ".onnx");
                OnnxModelWriter.of(c.graph()).fixedBatch(1).write(file);
                results.add(measure(c, file));
            }
            return results;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private Result measure(ModelCase c, Path file) {
        try (Policy vector = PolicyLoader.builder().backend(Backend.VECTOR).build().load(file);
             Policy ort = PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).build().load(file);
             Policy.Evaluator ve = vector.newEvaluator();
             Policy.Evaluator oe = ort.newEvaluator()) {
            float[][] inputs = inputs(vector.inputSize());
            float[] out = new float[vector.outputSize()];
            loop(ve, inputs, out, warmup, null);
            loop(oe, inputs, out, warmup, null);
            LatencySamples vs = new LatencySamples(iterations);
            LatencySamples os = new LatencySamples(iterations);
            int perRound = iterations / ROUNDS;
            for (int r = 0; r < ROUNDS; r++) {
                loop(ve, inputs, out, perRound, vs);
                loop(oe, inputs, out, perRound, os);
            }
            double vAlloc = allocatedPerCall(ve, inputs, out);
            double oAlloc = allocatedPerCall(oe, inputs, out);
            long v50 = vs.percentile(0.50);
            long o50 = os.percentile(0.50);
            return new Result(c.name(), c.graph().layerName(), v50, vs.percentile(0.99), o50, os.percentile(0.99),
                    (double) o50 / Math.max(1, v50), vAlloc, oAlloc, vector.fastPathStatus());
        }
    }

    private float[][] inputs(int size) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] in = new float[16][size];
        for (float[] row : in) {
            for (int i = 0; i < size; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return in;
    }

    private static double sink;

    private static void loop(Policy.Evaluator e, float[][] inputs, float[] out, int n, LatencySamples samples) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            float[] x = inputs[i & 15];
            if (samples == null) {
                e.evaluate(x, out);
            } else {
                long t0 = System.nanoTime();
                e.evaluate(x, out);
                samples.record(System.nanoTime() - t0);
            }
            acc += out[0];
        }
        sink += acc;
    }

    private static double allocatedPerCall(Policy.Evaluator e, float[][] inputs, float[] out) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 20_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            e.evaluate(inputs[i & 15], out);
        }
        long after = threads.getCurrentThreadAllocatedBytes();
        return Math.max(0, (double) (after - before) / n);
    }
}
