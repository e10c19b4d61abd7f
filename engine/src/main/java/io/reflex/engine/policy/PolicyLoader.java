package io.reflex.engine.policy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.ModelFiles;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.TensorSpec;
import io.reflex.engine.onnx.UnsupportedGraphException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Loads ONNX models as {@link Policy} instances, validating them first.
 *
 * <p>Validation, in order: the file exists, is a regular file no larger than
 * {@link Builder#maxModelBytes}, and parses as ONNX; no metadata entry the caller refused
 * ({@link Builder#refuseMetadata}) is present; the model has one float input and the requested
 * output, with the names and shapes the caller declared; every weight is finite; ONNX Runtime
 * accepts it. Then, unless ONNX Runtime is requested, the graph is compiled for the Vector
 * API and must agree with ONNX Runtime on seeded random inputs (and on the golden inputs); a graph
 * the fast path cannot compile, or a disagreement, leaves ONNX Runtime serving the model and the
 * reason in {@link Policy#fastPathStatus()}. Finally the golden pairs in the model's metadata, if
 * any, must reproduce on the serving backend. Any failure throws {@link ModelLoadException} and
 * releases everything the attempt opened.
 *
 * <p>Immutable and thread-safe: one loader may load many models concurrently.
 */
public final class PolicyLoader {

    private final String inputName;
    private final long[] inputShape;
    private final String outputName;
    private final long[] outputShape;
    private final long batch;
    private final int intraOpThreads;
    private final Backend backend;
    private final RelativeTolerance tolerance;
    private final int agreementSamples;
    private final long seed;
    private final Map<String, MetadataRefusal> refusedMetadata;
    private final long maxModelBytes;

    private PolicyLoader(Builder b) {
        VectorModule.require();
        this.inputName = b.inputName;
        this.inputShape = b.inputShape;
        this.outputName = b.outputName;
        this.outputShape = b.outputShape;
        this.batch = b.batch;
        this.intraOpThreads = b.intraOpThreads;
        this.backend = b.backend;
        this.tolerance = b.tolerance;
        this.agreementSamples = b.agreementSamples;
        this.seed = b.seed;
        // In the order refused, so a model carrying several refused entries is always refused for the same one.
        this.refusedMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.refusedMetadata));
        this.maxModelBytes = b.maxModelBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A loader with every default: any single input and output, batch 1, automatic backend. */
    public static PolicyLoader defaults() {
        return builder().build();
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ModelLoadException naming the file and the problem
     */
    public Policy load(Path file) {
        return load(OnnxModel.read(file, maxModelBytes));
    }

    /**
     * The largest model file this loader reads ({@link Builder#maxModelBytes}); a larger one is
     * refused before a byte of it is read.
     */
    public long maxModelBytes() {
        return maxModelBytes;
    }

    /**
     * Why {@link #load} would refuse a model with this metadata ({@link Builder#refuseMetadata}),
     * without the file name: {@code metadata <key> = '<value>': <why>} for the first refused entry
     * in the order refused; empty when none is. A host that receives a store already loaded checks
     * its model with this, so the message is the one a load through this loader gives.
     */
    public Optional<String> refusal(Map<String, String> metadata) {
        for (Map.Entry<String, MetadataRefusal> r : refusedMetadata.entrySet()) {
            String value = metadata.get(r.getKey());
            if (value != null && !value.trim().equals(r.getValue().accepted())) {
                return Optional.of("metadata " + r.getKey() + " = '" + value + "': " + r.getValue().why());
            }
        }
        return Optional.empty();
    }

    /** A refused metadata entry: any value but {@code accepted} (null: any value at all). */
    private record MetadataRefusal(String accepted, String why) {
    }

    /** Loads a model already read (and structurally checked) by {@link OnnxModel#read(Path)}. */
    public Policy load(OnnxModel model) {
        Path file = model.file();
        refusal(model.metadata()).ifPresent(why -> {
            throw new ModelLoadException(file, why);
        });
        TensorSpec in = bindInput(model);
        TensorSpec out = bindOutput(model);
        model.requireFiniteWeights();
        Optional<GoldenPairs> golden = model.golden();
        golden.ifPresent(g -> checkGoldenWidths(file, g, in, out));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = openSession(file, env, model);
        OnnxRuntimePolicy ort = null;
        try {
            ort = new OnnxRuntimePolicy(file, in, out, env, session, "not attempted (ONNX Runtime requested)");
            Policy chosen = ort;
            if (backend != Backend.ONNX_RUNTIME) {
                String reason;
                try {
                    VectorMlpPolicy fast = fastPath(model, in, out, ort, golden);
                    chosen = fast;
                    reason = null;
                } catch (UnsupportedGraphException e) {
                    reason = e.getMessage();
                }
                if (reason != null) {
                    if (backend == Backend.VECTOR) {
                        throw new ModelLoadException(file, "the fast path cannot serve this model: " + reason);
                    }
                    ort = new OnnxRuntimePolicy(file, in, out, env, session, reason);
                    chosen = ort;
                }
            }
            if (golden.isPresent()) {
                checkGolden(file, chosen, golden.get());
            }
            if (chosen != ort) {
                // The fast path serves the model: ONNX Runtime was only its judge.
                ort.close();
            }
            return chosen;
        } catch (RuntimeException e) {
            if (ort != null) {
                ort.close();
            } else {
                closeQuietly(session);
            }
            throw e;
        }
    }

    private VectorMlpPolicy fastPath(OnnxModel model, TensorSpec in, TensorSpec out, Policy ort,
                                     Optional<GoldenPairs> golden) throws UnsupportedGraphException {
        MlpGraph graph = model.toMlpGraph(out.name());
        if (graph.inputWidth() != in.rowWidth() || graph.outputWidth() != out.rowWidth()) {
            throw new UnsupportedGraphException("the graph maps width " + graph.inputWidth() + " to "
                    + graph.outputWidth() + ", but the tensors are " + in.shapeString() + " and " + out.shapeString());
        }
        VectorMlpPolicy fast = new VectorMlpPolicy(model.file(), in, out, VectorMlp.compile(graph));
        try (Policy.Evaluator f = fast.newEvaluator(); Policy.Evaluator o = ort.newEvaluator()) {
            float[] x = new float[fast.inputSize()];
            float[] yFast = new float[fast.outputSize()];
            float[] yOrt = new float[fast.outputSize()];
            List<float[]> goldenInputs = golden.map(GoldenPairs::inputs).orElse(List.of());
            int rowWidth = (int) in.rowWidth();
            int outWidth = (int) out.rowWidth();
            int trials = agreementSamples + goldenInputs.size();
            // First the scale of each output over every sample, so that a row whose values are all
            // near zero (a single-output model has many) is judged at its output's precision.
            float[] outputScales = new float[outWidth];
            SplittableRandom random = new SplittableRandom(seed);
            for (int t = 0; t < trials; t++) {
                sample(t, x, goldenInputs, random, rowWidth);
                o.evaluate(x, yOrt);
                RelativeTolerance.widenOutputScales(outputScales, yOrt, yOrt.length, outWidth);
            }
            random = new SplittableRandom(seed);
            for (int t = 0; t < trials; t++) {
                sample(t, x, goldenInputs, random, rowWidth);
                f.evaluate(x, yFast);
                o.evaluate(x, yOrt);
                int bad = tolerance.firstMismatch(yOrt, yFast, yOrt.length, outWidth, outputScales);
                if (bad >= 0) {
                    fast.close();
                    throw new UnsupportedGraphException("the compiled graph disagrees with ONNX Runtime beyond "
                            + tolerance.rtol() + " relative (sample " + t + ", output " + bad + ": "
                            + yFast[bad] + " vs " + yOrt[bad] + ")");
                }
            }
        }
        return fast;
    }

    /** Agreement sample {@code t}: the golden inputs first, then seeded random rows, in every row of the batch. */
    private void sample(int t, float[] x, List<float[]> goldenInputs, SplittableRandom random, int rowWidth) {
        for (int r = 0; r < batch; r++) {
            if (t < goldenInputs.size()) {
                System.arraycopy(goldenInputs.get(t), 0, x, r * rowWidth, rowWidth);
            } else {
                for (int i = 0; i < rowWidth; i++) {
                    // A spread wider than unit scale exercises saturating activations too.
                    x[r * rowWidth + i] = (float) (random.nextGaussian() * 2.0);
                }
            }
        }
    }

    private void checkGolden(Path file, Policy policy, GoldenPairs golden) {
        int inWidth = (int) policy.input().rowWidth();
        int outWidth = (int) policy.output().rowWidth();
        try (Policy.Evaluator e = policy.newEvaluator()) {
            float[] x = new float[policy.inputSize()];
            float[] y = new float[policy.outputSize()];
            float[] expected = new float[outWidth];
            List<float[]> inputs = golden.inputs();
            List<float[]> outputs = golden.outputs();
            float[] outputScales = new float[outWidth];
            for (float[] o : outputs) {
                RelativeTolerance.widenOutputScales(outputScales, o, outWidth, outWidth);
            }
            for (int p = 0; p < golden.size(); p++) {
                // Every row of the batch carries the same golden input.
                for (int r = 0; r < batch; r++) {
                    System.arraycopy(inputs.get(p), 0, x, r * inWidth, inWidth);
                }
                e.evaluate(x, y);
                System.arraycopy(outputs.get(p), 0, expected, 0, outWidth);
                int bad = tolerance.firstMismatch(expected, y, outWidth, outWidth, outputScales);
                if (bad >= 0) {
                    throw new ModelLoadException(file, "golden pair " + p + " does not reproduce on "
                            + policy.backend().label() + ": output " + bad + " is " + y[bad] + ", expected "
                            + expected[bad]);
                }
            }
        }
    }

    private static void checkGoldenWidths(Path file, GoldenPairs g, TensorSpec in, TensorSpec out) {
        List<float[]> inputs = g.inputs();
        List<float[]> outputs = g.outputs();
        for (int p = 0; p < g.size(); p++) {
            if (inputs.get(p).length != in.rowWidth() || outputs.get(p).length != out.rowWidth()) {
                throw new ModelLoadException(file, "golden pair " + p + " has widths " + inputs.get(p).length
                        + "->" + outputs.get(p).length + ", but the model maps " + in.rowWidth() + "->"
                        + out.rowWidth());
            }
        }
    }

    private OrtSession openSession(Path file, OrtEnvironment env, OnnxModel model) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(model.toBytes(), options);
        } catch (OrtException e) {
            throw new ModelLoadException(file, "ONNX Runtime rejected the model: " + e.getMessage(), e);
        }
    }

    private TensorSpec bindInput(OnnxModel model) {
        Path file = model.file();
        if (model.inputs().size() != 1) {
            throw new ModelLoadException(file, "a policy takes exactly one input; the model has "
                    + model.inputs().size() + " " + names(model.inputs()));
        }
        TensorSpec spec = model.inputs().getFirst();
        if (inputName != null && !inputName.equals(spec.name())) {
            throw new ModelLoadException(file, "input is named '" + spec.name() + "', expected '" + inputName + "'");
        }
        return bind(file, "input", spec, inputShape);
    }

    private TensorSpec bindOutput(OnnxModel model) {
        Path file = model.file();
        List<TensorSpec> outputs = model.outputs();
        TensorSpec spec;
        if (outputName != null) {
            spec = outputs.stream().filter(o -> o.name().equals(outputName)).findFirst()
                    .orElseThrow(() -> new ModelLoadException(file, "no output named '" + outputName + "'; the model has "
                            + names(outputs)));
        } else if (outputs.size() == 1) {
            spec = outputs.getFirst();
        } else {
            throw new ModelLoadException(file, "the model has several outputs " + names(outputs) + "; name the one to use");
        }
        return bind(file, "output", spec, outputShape);
    }

    private TensorSpec bind(Path file, String role, TensorSpec spec, long[] declared) {
        if (!spec.elementType().equals("float")) {
            throw new ModelLoadException(file, role + " '" + spec.name() + "' is " + spec.elementType() + ", not float");
        }
        if (spec.rank() < 1) {
            throw new ModelLoadException(file, role + " '" + spec.name() + "' is a scalar; a policy needs [batch, ...]");
        }
        TensorSpec bound;
        try {
            bound = spec.bind(batch);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file, role + " " + e.getMessage());
        }
        if (spec.dim(0) > 0 && spec.dim(0) != batch) {
            throw new ModelLoadException(file, role + " '" + spec.name() + "' has a fixed batch of " + spec.dim(0)
                    + ", but the loader binds batch " + batch);
        }
        if (declared != null && !Arrays.equals(bound.shape(), declared)) {
            throw new ModelLoadException(file, role + " '" + spec.name() + "' has shape " + spec.shapeString()
                    + ", expected " + Arrays.toString(declared).replace(" ", ""));
        }
        return bound;
    }

    private static String names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::toString).toList().toString();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // Already failing; the original error is the one to report.
        }
    }

    /** Validated settings for a {@link PolicyLoader}. */
    public static final class Builder {
        private String inputName;
        private long[] inputShape;
        private String outputName;
        private long[] outputShape;
        private long batch = 1;
        private int intraOpThreads = 1;
        private Backend backend = Backend.AUTO;
        private RelativeTolerance tolerance = RelativeTolerance.DEFAULT;
        private int agreementSamples = 64;
        private long seed = 0x5EEDL;
        private final Map<String, MetadataRefusal> refusedMetadata = new LinkedHashMap<>();
        private long maxModelBytes = ModelFiles.DEFAULT_MAX_BYTES;

        private Builder() {
        }

        /**
         * The largest model file to read (default {@link ModelFiles#DEFAULT_MAX_BYTES}, 256 MiB, far
         * above any policy Reflex can serve within a deadline). A file over it is refused naming the
         * file and the limit, without being read; so is one that grows past it while it is read.
         *
         * @throws IllegalArgumentException unless {@code bytes} is in
         *                                  {@code [1, ModelFiles.LARGEST_MAX_BYTES]}
         */
        public Builder maxModelBytes(long bytes) {
            this.maxModelBytes = ModelFiles.requireValidLimit(bytes);
            return this;
        }

        /**
         * Declares the input the caller will feed: its name ({@code null} for any) and its full shape
         * with the batch bound (for example {@code 1, 96}); an empty shape accepts any.
         */
        public Builder input(String name, long... shape) {
            this.inputName = name;
            this.inputShape = shape.length == 0 ? null : validShape("input", shape);
            return this;
        }

        /** Declares the output to read, as {@link #input} does; required when the model has several. */
        public Builder output(String name, long... shape) {
            this.outputName = name;
            this.outputShape = shape.length == 0 ? null : validShape("output", shape);
            return this;
        }

        /** Rows per evaluation, bound to a dynamic batch dimension (default 1). */
        public Builder batch(long rows) {
            if (rows < 1 || rows > 1 << 20) {
                throw new IllegalArgumentException("batch must be in [1, 1048576], got " + rows);
            }
            this.batch = rows;
            return this;
        }

        /** ONNX Runtime's intra-op threads (default 1: decision loops run on the caller's thread). */
        public Builder intraOpThreads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("intra-op threads must be in [1, 256], got " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /** Which backend to use (default {@link Backend#AUTO}); {@link Backend#VECTOR} fails if it cannot. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** The agreement the fast path and golden pairs are held to (default 1e-5 relative). */
        public Builder tolerance(RelativeTolerance tolerance) {
            this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
            return this;
        }

        /** Random inputs on which the fast path must agree with ONNX Runtime (default 64). */
        public Builder agreementSamples(int samples) {
            if (samples < 1 || samples > 100_000) {
                throw new IllegalArgumentException("agreement samples must be in [1, 100000], got " + samples);
            }
            this.agreementSamples = samples;
            return this;
        }

        /** Seed of the agreement inputs, so a load is reproducible. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Refuses any model whose metadata holds {@code key}, giving {@code why} in the error: for an
         * entry that says the model expects inputs this host cannot supply.
         */
        public Builder refuseMetadata(String key, String why) {
            return refuse(key, null, why);
        }

        /**
         * Refuses any model whose metadata holds {@code key} with a value other than {@code accepted}
         * (compared trimmed), giving {@code why} in the error: for an entry whose default this host
         * supplies and whose other values it cannot.
         */
        public Builder refuseMetadataUnless(String key, String accepted, String why) {
            return refuse(key, Objects.requireNonNull(accepted, "accepted"), why);
        }

        private Builder refuse(String key, String accepted, String why) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(why, "why");
            if (key.isBlank()) {
                throw new IllegalArgumentException("metadata key must not be blank");
            }
            refusedMetadata.put(key, new MetadataRefusal(accepted, why));
            return this;
        }

        public PolicyLoader build() {
            if (inputShape != null && inputShape[0] != batch) {
                throw new IllegalArgumentException("declared input batch " + inputShape[0] + " differs from batch " + batch);
            }
            return new PolicyLoader(this);
        }

        private static long[] validShape(String role, long[] shape) {
            for (long d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException(role + " shape " + Arrays.toString(shape)
                            + " must have every dimension >= 1");
                }
            }
            return shape.clone();
        }
    }
}
