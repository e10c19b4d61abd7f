package io.reflex.cli;

import io.reflex.compute.ComputeBackend;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.report.EvictionReport;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.rl.EvictionEvaluation;
import io.reflex.trainer.rl.NextAccessTraining;
import io.reflex.trainer.workload.TrapWorkload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex quickstart}: the main job end to end on embedded data. On two workloads — a real
 * web trace committed to the project (cache2k web07, CC BY 4.0) and Cold-RL's synthetic trap
 * workload — it trains the default learned policy ({@code train eviction}'s next-access objective),
 * exports it, and evaluates the exported file, loaded by the engine, against every standard
 * baseline on data it was not trained on: the real trace's second half, the trap workload's
 * held-out seeds. Prints the tables and writes an HTML report.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train learned eviction on a real web trace and on the trap workload, evaluate on held-out "
                + "data against the classical policies, write a report.")
final class QuickstartCommand implements Callable<Integer> {

    /** The real trace, a resource of this jar (with its licence beside it). */
    static final String REAL_TRACE = "cache2k-web07.trace.xz";
    private static final String RESOURCES = "/io/reflex/cli/traces/";
    private static final String LICENCE = "cache2k-LICENSE.txt";
    /** The fraction of the real trace that trains (the dev suite's split). */
    private static final double SPLIT = 0.5;
    private static final String TRAP = "trap";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOption json;

    @Option(names = "--out", defaultValue = "reflex-quickstart", paramLabel = "DIR",
            description = "Where the models, the real trace and the report go (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Mixin
    SeedOption seedOption;

    @Mixin
    DeviceOption device;

    @Option(names = "--train-seed", defaultValue = "1",
            description = "Seed of the trap training trace (default ${DEFAULT-VALUE}).")
    long trainSeed;

    @Option(names = "--eval-seeds", defaultValue = "2,3", split = ",",
            description = "Seeds of the held-out trap traces (default ${DEFAULT-VALUE}).")
    List<Long> evalSeeds;

    @Option(names = "--requests", defaultValue = "0",
            description = "Requests per trap trace (default: the trap default, 30,000).")
    int requests;

    @Option(names = "--sizes", defaultValue = "25MB,100MB,400MB", split = ",",
            description = "Trap cache sizes (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--real-sizes", defaultValue = "200,2000", split = ",",
            description = "Cache sizes on the real trace, in entries (default ${DEFAULT-VALUE}, the dev suite's).")
    List<String> realSizes;

    @Option(names = "--steps", defaultValue = "3000",
            description = "Adam steps per fit (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--k", defaultValue = "64",
            description = "Candidates per decision, sampled from the resident objects (default ${DEFAULT-VALUE}).")
    int k;

    /** One workload's training and evaluation. */
    private record Run(String workload, List<String> sizes, Path model, NextAccessTraining.Result trained,
                       List<Long> seeds, List<EvictionEvaluation.Outcome> outcomes, String summary) {
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        List<Capacity> trapCapacities = ReplayArguments.capacities(cli, sizes);
        List<Capacity> realCapacities = ReplayArguments.capacities(cli, realSizes);
        Args.require(cli, !evalSeeds.contains(trainSeed), "--eval-seeds must not contain the training seed %s", trainSeed);
        Args.require(cli, steps >= 1 && requests >= 0 && k >= 1 && k <= 64, "--steps must be >= 1, --requests >= 0 and --k in [1, 64]");
        OutputPaths.requireDirectory(cli, "--out", outDir);
        PrintWriter err = cli.getErr();
        ComputeBackend backend = device.backend(cli, "quickstart");
        long start = System.nanoTime();
        Files.createDirectories(outDir);
        NextAccessTraining.Settings d = NextAccessTraining.Settings.defaults(seedOption.value());
        NextAccessTraining.Settings settings = new NextAccessTraining.Settings(k, d.candidates(), d.admission(),
                d.rounds(), d.selectRound(), d.decisionsPerReplay(), d.hidden(), steps, d.batch(), d.learningRate(), seedOption.value());
        int threads = Runtime.getRuntime().availableProcessors();

        Trace real = realTrace(err);
        int cut = (int) (SPLIT * real.length());
        Run web = train(err, backend, "cache2k-web07", real.slice(0, cut), realCapacities, realSizes, settings, "web07.onnx");
        Trace held = real.slice(cut, real.length());
        web = evaluate(err, web, List.of(held), List.of(0L), realCapacities, threads, String.format(Locale.ROOT,
                "A real web trace: cache2k's web07 (product detail pages of a web shop, July 2013; %,d requests over "
                        + "%,d objects; CC BY 4.0, headissue GmbH / Jens Wilke). Trained on its first %.0f%% (%,d requests), "
                        + "evaluated from an empty cache on the rest (%,d requests). Sizes are entries.",
                real.length(), real.objectCount(), 100 * SPLIT, cut, held.length()));

        Trace trapTrain = trap(trainSeed);
        err.printf(Locale.ROOT, "quickstart: trap training trace (seed %d): %,d requests, %,d objects%n", trainSeed,
                trapTrain.length(), trapTrain.objectCount());
        Run trap = train(err, backend, TRAP, trapTrain, trapCapacities, sizes, settings, "eviction.onnx");
        List<Trace> heldTraps = new ArrayList<>();
        for (long s : evalSeeds) {
            heldTraps.add(trap(s));
        }
        trap = evaluate(err, trap, heldTraps, evalSeeds, trapCapacities, threads, String.format(Locale.ROOT,
                "Cold-RL's synthetic trap workload (a hot set, loops and scans meant to defeat LRU; sizes are bytes). "
                        + "Trained on seed %d (%,d requests), evaluated on held-out seeds %s; hit ratios are their mean.",
                trainSeed, trapTrain.length(), evalSeeds));

        List<Run> runs = List.of(web, trap);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<EvictionReport.Section> sections = new ArrayList<>();
        long decisions = 0;
        long fallbacks = 0;
        List<long[]> latencies = new ArrayList<>();
        for (Run r : runs) {
            Map<String, double[][]> means = new LinkedHashMap<>();   // policy -> {hit[], byteHit[]}
            List<Capacity> capacities = r.workload().equals(TRAP) ? trapCapacities : realCapacities;
            List<EvictionReport.HeldOut> heldOut = new ArrayList<>();
            for (int i = 0; i < r.outcomes().size(); i++) {
                EvictionEvaluation.Outcome o = r.outcomes().get(i);
                decisions += o.decisions();
                fallbacks += o.fallbacks();
                latencies.add(o.latencies());
                Map<String, double[][]> own = new LinkedHashMap<>();   // this trace's: policy -> {hit[], byteHit[]}
                for (SimulationResult result : o.results()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("workload", r.workload());
                    row.put("policy", result.policy());
                    row.put("size", result.capacity().label());
                    row.put("seed", r.workload().equals(TRAP) ? r.seeds().get(i) : null);
                    row.put("hit_ratio", result.hitRatio());
                    row.put("byte_hit_ratio", result.byteHitRatio());
                    rows.add(row);
                    double[][] m = means.computeIfAbsent(result.policy(), p -> new double[2][capacities.size()]);
                    int c = capacities.indexOf(result.capacity());
                    m[0][c] += result.hitRatio() / r.outcomes().size();
                    m[1][c] += result.byteHitRatio() / r.outcomes().size();
                    double[][] mine = own.computeIfAbsent(result.policy(), p -> new double[2][capacities.size()]);
                    mine[0][c] = result.hitRatio();
                    mine[1][c] = result.byteHitRatio();
                }
                heldOut.add(new EvictionReport.HeldOut("seed " + r.seeds().get(i), rows(own)));
            }
            sections.add(new EvictionReport.Section(r.workload(), r.summary(), r.sizes(), rows(means),
                    r.workload().equals(TRAP) ? heldOut : List.of()));
        }
        Path report = outDir.resolve("report.html");
        long[] allLatencies = latencies.stream().flatMapToLong(Arrays::stream).toArray();
        String intro = String.format(Locale.ROOT, "Each workload trains its own model with train eviction's default "
                        + "objective: the time to each object's next request learned from replays (relaxed Belady, as LRB), "
                        + "a %s network shared by K = %d candidates sampled from the cache, on access-history features "
                        + "(recency, three past gaps, four decayed counters, size); %d replay-and-fit rounds, %,d Adam "
                        + "steps each. The reflex rows are the exported ONNX file loaded by the engine and run by its "
                        + "eviction loop (%,d decisions, %,d LRU fallbacks), each evaluated on data it was not trained on.",
                widths(settings), k, settings.rounds(), steps, decisions, fallbacks);
        String version = String.join(" ", spec.root().version());
        String footer = String.format(Locale.ROOT, "./reflex quickstart --seed %d --train-seed %d --eval-seeds %s "
                        + "--sizes %s --real-sizes %s --steps %d --k %d%s   (%s, %s)", seedOption.value(), trainSeed,
                join(evalSeeds), String.join(",", sizes), String.join(",", realSizes), steps, k,
                requests > 0 ? " --requests " + requests : "", version, LocalDate.now(ZoneOffset.UTC));
        EvictionReport.write(report, intro, sections, List.of(), allLatencies, footer);
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "quickstart: done in %.1f s; report %s%n", seconds, report);
        PrintWriter out = cli.getOut();
        if (json.enabled()) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("workloads", runs.stream().map(Run::workload).toList());
            root.put("train_seed", trainSeed);
            root.put("eval_seeds", evalSeeds);
            root.put("model", trap.model().toString());
            Map<String, Object> models = new LinkedHashMap<>();
            Map<String, Object> trainSeconds = new LinkedHashMap<>();
            for (Run r : runs) {
                models.put(r.workload(), r.model().toString());
                trainSeconds.put(r.workload(), Math.round(r.trained().trainSeconds() * 1000) / 1000.0);
            }
            root.put("models", models);
            root.put("train_seconds", trainSeconds);
            root.put("seconds", Math.round(seconds * 1000) / 1000.0);
            root.put("reflex_decisions", decisions);
            root.put("reflex_fallbacks", fallbacks);
            root.put("results", rows);
            root.put("report", report.toString());
            Json.print(out, root);
        } else {
            for (EvictionReport.Section s : sections) {
                out.printf(Locale.ROOT, "%s: hit ratio (byte hit ratio)%s%n", s.title(),
                        s.title().equals(TRAP) ? ", mean over held-out seeds " + evalSeeds : ", on the held-out second half");
                out.printf(Locale.ROOT, "%-13s", "policy");
                for (String size : s.sizes()) {
                    out.printf(Locale.ROOT, " %17s", size);
                }
                out.println();
                for (EvictionReport.Row r : s.rows()) {
                    out.printf(Locale.ROOT, "%-13s", r.policy());
                    for (int i = 0; i < s.sizes().size(); i++) {
                        out.printf(Locale.ROOT, " %17s", String.format(Locale.ROOT, "%.3f (%.3f)", r.hitRatio()[i],
                                r.byteHitRatio()[i]));
                    }
                    out.println();
                }
                out.println();
            }
            out.printf(Locale.ROOT, "reflex: %,d decisions, %,d LRU fallbacks; %.1f s in all%nreport: %s%n", decisions,
                    fallbacks, seconds, report);
            out.flush();
        }
        return 0;
    }

    private Run train(PrintWriter err, ComputeBackend backend, String workload, Trace trace, List<Capacity> capacities, List<String> labels,
                      NextAccessTraining.Settings settings, String file) {
        Path model = outDir.resolve(file);
        NextAccessTraining.Result trained = NextAccessTraining.trainAndExport(trace, capacities, settings,
                backend, model, line -> err.println("quickstart: " + workload + ": " + line));
        err.printf(Locale.ROOT, "quickstart: %s: trained on %,d rows and exported %s in %.1f s%n", workload,
                trained.rows(), model, trained.trainSeconds());
        return new Run(workload, labels, model, trained, List.of(), List.of(), "");
    }

    private static Run evaluate(PrintWriter err, Run run, List<Trace> traces, List<Long> seeds,
                                List<Capacity> capacities, int threads, String summary) throws Exception {
        List<EvictionEvaluation.Outcome> outcomes = new ArrayList<>();
        for (Trace t : traces) {
            long begin = System.nanoTime();
            // reflex as the suite measures it: with its LRU floor (LruFloorOption's default)
            outcomes.add(EvictionEvaluation.run(run.model(), t, capacities, PolicyCatalog.STANDARD, 42, threads, true));
            err.printf(Locale.ROOT, "quickstart: %s: evaluated %,d held-out requests at %s in %.1f s%n", run.workload(),
                    t.length(), run.sizes(), (System.nanoTime() - begin) / 1e9);
        }
        return new Run(run.workload(), run.sizes(), run.model(), run.trained(), seeds, outcomes, summary);
    }

    /** The embedded real trace, copied beside the report with its licence (so a user can look at both). */
    private Trace realTrace(PrintWriter err) throws IOException {
        Trace t = embeddedRealTrace(outDir);
        err.printf(Locale.ROOT, "quickstart: real trace %s: %,d requests, %,d objects%n", outDir.resolve(REAL_TRACE),
                t.length(), t.objectCount());
        return t;
    }

    /** Copies the embedded real trace and its licence into {@code dir} and reads it. */
    static Trace embeddedRealTrace(Path dir) throws IOException {
        for (String name : List.of(REAL_TRACE, LICENCE)) {
            try (InputStream in = QuickstartCommand.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IOException("the jar lacks its embedded " + RESOURCES + name + " (rebuild it)");
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return TraceFormat.CACHE2K.read(dir.resolve(REAL_TRACE), Strictness.STRICT);
    }

    private Trace trap(long s) {
        TrapWorkload.Builder b = TrapWorkload.builder().seed(s);
        if (requests > 0) {
            b.requests(requests);
        }
        return b.build().toTrace();
    }

    /** Report rows from policy -> {hit ratio per size, byte hit ratio per size}. */
    private static List<EvictionReport.Row> rows(Map<String, double[][]> byPolicy) {
        List<EvictionReport.Row> rows = new ArrayList<>();
        byPolicy.forEach((p, m) -> rows.add(new EvictionReport.Row(p, m[0], m[1])));
        return rows;
    }

    private static String widths(NextAccessTraining.Settings s) {
        StringBuilder w = new StringBuilder().append(HistoryFeatures.WIDTH);
        for (int h : s.hidden()) {
            w.append('-').append(h);
        }
        return w.append("-1").toString();
    }

    private static String join(List<Long> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
