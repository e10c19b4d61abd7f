package io.reflex.trainer.suite;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationMatrix;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.rl.EvictionEvaluation;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs a {@link SuiteManifest}: for each trace, reads it whole, splits it in time order at
 * {@code split} × its length ({@link Trace#slice}), trains one model on the first part through
 * {@link SuiteTraining} (unless a model is given, or {@code reflex} is not among the policies), and
 * replays every policy on the second part at each of the trace's capacities, each replay from an
 * empty cache. The {@code reflex} rows come from {@link EvictionEvaluation}, the path of
 * {@code ./reflex evaluate eviction}; the others from {@link PolicyCatalog} through
 * {@link SimulationMatrix}.
 *
 * <p>Traces run one after another (one trace's columns in memory at a time, about 4 bytes per
 * request without sizes); within a trace, replays run on {@link Settings#threads()} threads.
 * Progress goes to {@link Settings#progress()}: one line per trace and phase, with seconds.
 *
 * <p>Stateless and thread-safe; each {@link #run} allocates its own traces and pools.
 */
public final class EvictionSuite {

    /** The standard comparison: PolicyCatalog's standard twelve, then {@code reflex}. */
    public static final List<String> DEFAULT_POLICIES;

    static {
        List<String> all = new ArrayList<>(PolicyCatalog.STANDARD);
        all.add(ReflexEvictionPolicy.NAME);
        DEFAULT_POLICIES = List.copyOf(all);
    }

    /**
     * How to run the suite.
     *
     * @param policies  policy names in result order: {@link PolicyCatalog} names and {@code reflex}
     * @param model     the model to evaluate as {@code reflex} on every trace (zero-shot); null to train
     *                  one per trace
     * @param modelDir  where per-trace models are written (created if needed)
     * @param training  how per-trace models are trained
     * @param seed      seed of training and of randomised policies
     * @param threads   replays at once, at least 1
     * @param progress  where progress lines go (null: nowhere)
     * @param lruFloor  whether {@code reflex} serves with an LRU floor ({@code NextAccessPolicy}'s)
     */
    public record Settings(List<String> policies, Path model, Path modelDir, SuiteTraining training, long seed,
                           int threads, PrintWriter progress, boolean lruFloor) {

        /** Settings without the LRU floor. */
        public Settings(List<String> policies, Path model, Path modelDir, SuiteTraining training, long seed, int threads,
                        PrintWriter progress) {
            this(policies, model, modelDir, training, seed, threads, progress, false);
        }

        public Settings {
            policies = List.copyOf(policies);
            if (policies.isEmpty()) {
                throw new IllegalArgumentException("no policy to evaluate");
            }
            for (String p : policies) {
                if (!p.equals(ReflexEvictionPolicy.NAME) && !PolicyCatalog.isKnown(p)) {
                    throw new IllegalArgumentException("unknown policy '" + p + "' (known: "
                            + String.join(", ", PolicyCatalog.names()) + ", " + ReflexEvictionPolicy.NAME + ")");
                }
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (policies.contains(ReflexEvictionPolicy.NAME) && model == null) {
                Objects.requireNonNull(modelDir, "modelDir (reflex is trained per trace)");
                Objects.requireNonNull(training, "training (reflex is trained per trace)");
            }
        }

        /** Whether {@code reflex} is among the policies. */
        public boolean evaluatesReflex() {
            return policies.contains(ReflexEvictionPolicy.NAME);
        }
    }

    /**
     * What one trace gave.
     *
     * @param entry            the manifest entry
     * @param requestsTrain    requests in the training part
     * @param requestsEvaluate requests in the evaluation part
     * @param objectsEvaluate  distinct objects in the evaluation part
     * @param model            the model evaluated as {@code reflex} (null without reflex)
     * @param trainSeconds     time spent training (0 when nothing was trained)
     * @param evaluateSeconds  time spent replaying
     * @param results          one per (policy, size), policy-major in {@link Settings#policies()} order
     * @param reflexFallbacks  reflex decisions that fell back to LRU (0 without reflex)
     */
    public record TraceRun(SuiteManifest.Entry entry, int requestsTrain, int requestsEvaluate, int objectsEvaluate,
                           Path model, double trainSeconds, double evaluateSeconds, List<SimulationResult> results,
                           long reflexFallbacks) {
        public TraceRun {
            results = List.copyOf(results);
        }
    }

    /** Every trace's run, the flat rows, and their summary. */
    public record Outcome(List<TraceRun> runs, List<SuiteSummary.Row> rows, SuiteSummary summary) {
        public Outcome {
            runs = List.copyOf(runs);
            rows = List.copyOf(rows);
        }
    }

    private EvictionSuite() {
    }

    /**
     * Runs {@code entries} (normally {@link SuiteManifest#traces()} or a {@link SuiteManifest#select}
     * of it) of {@code manifest}.
     *
     * @throws java.io.IOException      naming the trace file when one cannot be read
     * @throws IllegalArgumentException naming the trace when it is too short to split, or the model
     *                                  when the engine refuses it
     */
    public static Outcome run(SuiteManifest manifest, List<SuiteManifest.Entry> entries, Settings settings)
            throws Exception {
        if (settings.evaluatesReflex() && settings.model() == null) {
            Files.createDirectories(settings.modelDir());
        }
        List<TraceRun> runs = new ArrayList<>();
        List<SuiteSummary.Row> rows = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            TraceRun run = runTrace(manifest, entries.get(i), i, entries.size(), settings);
            runs.add(run);
            for (Capacity c : run.entry().sizes()) {
                for (SimulationResult r : run.results()) {
                    if (r.capacity().equals(c)) {
                        rows.add(new SuiteSummary.Row(run.entry().file(), c.label(), r.policy(), r.hitRatio(),
                                r.byteHitRatio()));
                    }
                }
            }
        }
        return new Outcome(runs, rows, SuiteSummary.of(rows));
    }

    private static TraceRun runTrace(SuiteManifest manifest, SuiteManifest.Entry entry, int index, int count,
                                     Settings settings) throws Exception {
        String label = "[" + (index + 1) + "/" + count + "] " + entry.file();
        long start = System.nanoTime();
        Trace whole = entry.format().read(entry.path(), Strictness.STRICT);
        int cut = (int) (manifest.split() * whole.length());
        if (cut < 1 || cut >= whole.length()) {
            throw new IllegalArgumentException(entry.path() + ": " + whole.length()
                    + " requests are too few to split at " + manifest.split());
        }
        progress(settings, label, "read %,d requests (%,d objects)", start, whole.length(), whole.objectCount());
        for (Capacity c : entry.sizes()) {
            if (c.isBytes() && !whole.hasSizes()) {
                progress(settings, label, "warning: no object sizes; byte capacity %s counts every object as 1 byte",
                        0, c.label());
            }
        }
        Trace evaluation = whole.slice(cut, whole.length());
        Path model = settings.model();
        double trainSeconds = 0;
        if (settings.evaluatesReflex() && model == null) {
            Trace training = whole.slice(0, cut);
            whole = null; // the slices hold what is still needed
            start = System.nanoTime();
            model = settings.training().train(training, entry.sizes(), settings.seed(),
                    settings.modelDir().resolve(modelName(entry, manifest.traces().indexOf(entry))));
            trainSeconds = (System.nanoTime() - start) / 1e9;
            progress(settings, label, "trained %s on %,d requests", start, model, training.length());
        }
        start = System.nanoTime();
        List<String> baselines = settings.policies().stream().filter(p -> !p.equals(ReflexEvictionPolicy.NAME)).toList();
        List<SimulationResult> results;
        long fallbacks = 0;
        if (settings.evaluatesReflex()) {
            EvictionEvaluation.Outcome o = EvictionEvaluation.run(model, evaluation, entry.sizes(), baselines,
                    settings.seed(), settings.threads(), settings.lruFloor());
            results = o.results();
            fallbacks = o.fallbacks();
            if (settings.lruFloor()) {
                progress(settings, label, "reflex's LRU floor: %,d demotions, %,d promotions over %d sizes", 0,
                        o.floorDemotions(), o.floorPromotions(), entry.sizes().size());
            }
        } else {
            results = SimulationMatrix.run(evaluation, baselines, entry.sizes(),
                    (name, capacity) -> PolicyCatalog.create(name, new PolicySetup(evaluation, capacity, settings.seed())),
                    SimulationOptions.defaults(), settings.threads());
        }
        double evaluateSeconds = (System.nanoTime() - start) / 1e9;
        progress(settings, label, "evaluated %d policies x %d sizes on %,d requests", start, settings.policies().size(),
                entry.sizes().size(), evaluation.length());
        return new TraceRun(entry, cut, evaluation.length(), evaluation.objectCount(), model, trainSeconds,
                evaluateSeconds, inPolicyOrder(results, settings.policies()), fallbacks);
    }

    /** Results reordered policy-major in the order asked for (evaluation puts reflex first). */
    private static List<SimulationResult> inPolicyOrder(List<SimulationResult> results, List<String> policies) {
        List<SimulationResult> ordered = new ArrayList<>(results.size());
        for (String p : policies) {
            for (SimulationResult r : results) {
                if (r.policy().equals(p)) {
                    ordered.add(r);
                }
            }
        }
        return ordered;
    }

    /** {@code 03-lirs-2_pools.onnx}: the manifest position keeps two entries of one file apart. */
    private static String modelName(SuiteManifest.Entry entry, int index) {
        String file = entry.path().getFileName().toString();
        int dot = file.indexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        return String.format(Locale.ROOT, "%02d-%s.onnx", index + 1, stem);
    }

    /** One line: "eviction suite: LABEL: WHAT (S s)"; {@code since} 0 prints no seconds. */
    private static void progress(Settings settings, String label, String what, long since, Object... args) {
        PrintWriter out = settings.progress();
        if (out == null) {
            return;
        }
        String line = "eviction suite: " + label + ": " + String.format(Locale.ROOT, what, args);
        if (since != 0) {
            line += String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - since) / 1e9);
        }
        out.println(line);
        out.flush();
    }
}
