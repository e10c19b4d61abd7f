package io.reflex.cli;

import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;
import io.reflex.trainer.suite.EvictionSuite;
import io.reflex.trainer.suite.SuiteManifest;
import io.reflex.trainer.suite.SuiteSummary;
import io.reflex.trainer.suite.SuiteTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex eviction ...}: whole-design comparisons of eviction policies. */
@Command(name = "eviction", mixinStandardHelpOptions = true, description = "Compare eviction designs on suites of traces.",
        subcommands = {EvictionCommand.Suite.class})
final class EvictionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex eviction --help)");
    }

    /**
     * {@code ./reflex eviction suite}: the manifest's traces, each split in time order; a model
     * trained on each first part ({@link SuiteTraining#standard()}, or {@code --model} for all);
     * every policy replayed on each second part at the trace's sizes; the per-cell table and the
     * summary of {@link SuiteSummary}.
     */
    @Command(name = "suite", mixinStandardHelpOptions = true,
            description = {"Train the learned eviction policy on the first part of each trace of a suite manifest and "
                    + "compare it with the classical policies on the rest.",
                    "A cell is one (trace, size); the summary's means are over cells. reflex is below LRU in a cell when "
                            + "its hit ratio is more than 0.005 under LRU's."})
    static final class Suite implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--manifest", required = true, paramLabel = "FILE",
                description = "The suite manifest (JSON: name, split, traces with file, format, sizes).")
        Path manifest;

        @Mixin
        JsonOption json;

        @Option(names = "--model", paramLabel = "MODEL.onnx",
                description = "Evaluate this model as reflex on every trace instead of training one per trace.")
        Path model;

        @Mixin
        SeedOption seedOption;

        @Option(names = "--policies", split = ",", paramLabel = "P1,P2",
                description = "Policies (default: the standard twelve and reflex); without reflex nothing is trained.")
        List<String> policies;

        @Option(names = "--traces", split = ",", paramLabel = "NAME",
                description = "Only the manifest's traces whose file name contains one of these.")
        List<String> traces;

        @Option(names = "--out", paramLabel = "DIR",
                description = "Where the per-trace models are written (default: a new folder under the system temp dir).")
        Path out;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Replays at once (default: one per core).")
        int threads;

        @Mixin
        LruFloorOption lruFloor;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            List<String> names = policyNames(cli);
            Args.require(cli, threads >= 0, "--threads must be >= 0, got %s", threads);
            boolean reflex = names.contains(ReflexEvictionPolicy.NAME);
            Args.require(cli, model == null || reflex, "--model is evaluated as reflex, which --policies leaves out");
            ReplayArguments.requireFile(cli, manifest, "manifest");
            if (model != null) {
                ReplayArguments.requireFile(cli, model, "model");
            }
            if (out != null) {
                OutputPaths.requireDirectory(cli, "--out", out);
            }
            SuiteManifest suite = SuiteManifest.read(manifest);
            List<SuiteManifest.Entry> entries = suite.select(traces);
            PrintWriter err = cli.getErr();
            Path modelDir = null;
            if (reflex && model == null) {
                modelDir = out != null ? out : Files.createTempDirectory("reflex-suite-");
                err.println("eviction suite: per-trace models go to " + modelDir);
            }
            int pool = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
            long start = System.nanoTime();
            EvictionSuite.Outcome o = EvictionSuite.run(suite, entries,
                    new EvictionSuite.Settings(names, model, modelDir, SuiteTraining.standard(), seedOption.value(), pool, err,
                            lruFloor.enabled()));
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "eviction suite: %d traces, %d cells in %.1f s%n", entries.size(), o.summary().cells(),
                    seconds);
            if (json.enabled()) {
                Json.print(cli.getOut(), json(suite, names, o, seconds));
            } else {
                printTable(cli.getOut(), names, o);
            }
            return 0;
        }

        private List<String> policyNames(CommandLine cli) {
            if (policies == null || policies.isEmpty()) {
                return EvictionSuite.DEFAULT_POLICIES;
            }
            // Baseline names are checked (and 'all' expanded) as evaluate eviction checks them.
            List<String> named = new ArrayList<>();
            for (String p : policies) {
                String name = p.strip().toLowerCase(Locale.ROOT);
                List<String> expanded = name.equals(ReflexEvictionPolicy.NAME) ? List.of(name)
                        : EvaluateCommand.baselines(cli, List.of(name));
                for (String n : expanded) {
                    if (!named.contains(n)) {
                        named.add(n);
                    }
                }
            }
            return List.copyOf(named);
        }

        private Map<String, Object> json(SuiteManifest suite, List<String> names, EvictionSuite.Outcome o, double seconds) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (SuiteSummary.Row r : o.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("trace", r.trace());
                row.put("size", r.size());
                row.put("policy", r.policy());
                row.put("hit_ratio", r.hitRatio());
                row.put("byte_hit_ratio", r.byteHitRatio());
                rows.add(row);
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            for (EvictionSuite.TraceRun run : o.runs()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("trace", run.entry().file());
                r.put("format", run.entry().format().label());
                r.put("requests_train", run.requestsTrain());
                r.put("requests_evaluate", run.requestsEvaluate());
                r.put("objects_evaluate", run.objectsEvaluate());
                r.put("model", run.model() == null ? null : run.model().toString());
                r.put("train_seconds", round(run.trainSeconds()));
                r.put("evaluate_seconds", round(run.evaluateSeconds()));
                r.put("reflex_fallbacks", run.reflexFallbacks());
                runs.add(r);
            }
            SuiteSummary s = o.summary();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("mean_hit_ratio", s.meanHitRatio());
            summary.put("best_classical_policy", s.bestClassicalPolicy());
            summary.put("per_cell_best_classical_mean", s.perCellBestClassicalMean());
            summary.put("belady_mean", s.beladyMean());
            summary.put("reflex_minus_best_classical_mean", s.reflexMinusBestClassicalMean());
            summary.put("cells", s.cells());
            summary.put("cells_reflex_ge_best_classical", s.cellsReflexGeBestClassical());
            summary.put("cells_reflex_below_lru", s.cellsReflexBelowLru());
            summary.put("worst_reflex_minus_lru", s.worstReflexMinusLru());
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("manifest", suite.file().toString());
            root.put("name", suite.name());
            root.put("split", suite.split());
            root.put("seed", seedOption.value());
            root.put("policies", names);
            root.put("seconds", round(seconds));
            root.put("traces", rows);
            root.put("trace_runs", runs);
            root.put("summary", summary);
            return root;
        }

        private static double round(double seconds) {
            return Math.round(seconds * 1000) / 1000.0;
        }

        /** One row per cell, a hit-ratio column per policy; then the summary, a line each. */
        private static void printTable(PrintWriter out, List<String> names, EvictionSuite.Outcome o) {
            int traceWidth = 5;
            for (EvictionSuite.TraceRun run : o.runs()) {
                traceWidth = Math.max(traceWidth, run.entry().file().length());
            }
            String traceColumn = "%-" + traceWidth + "s %8s";
            out.printf(Locale.ROOT, traceColumn, "trace", "size");
            for (String p : names) {
                out.printf(Locale.ROOT, " %8s", p.length() > 8 ? p.substring(0, 8) : p);
            }
            out.println();
            for (EvictionSuite.TraceRun run : o.runs()) {
                for (var size : run.entry().sizes()) {
                    out.printf(Locale.ROOT, traceColumn, run.entry().file(), size.label());
                    for (String p : names) {
                        double hit = run.results().stream().filter(r -> r.policy().equals(p) && r.capacity().equals(size))
                                .mapToDouble(SimulationResult::hitRatio).findFirst().orElse(Double.NaN);
                        out.printf(Locale.ROOT, " %8.4f", hit);
                    }
                    out.println();
                }
            }
            SuiteSummary s = o.summary();
            out.printf(Locale.ROOT, traceColumn, "mean", "");
            for (String p : names) {
                out.printf(Locale.ROOT, " %8.4f", s.meanHitRatio().get(p));
            }
            out.println();
            out.printf(Locale.ROOT, "cells: %d%n", s.cells());
            out.printf(Locale.ROOT, "best classical policy: %s (mean %s)%n", s.bestClassicalPolicy(),
                    s.bestClassicalPolicy() == null ? "-" : format(s.meanHitRatio().get(s.bestClassicalPolicy())));
            out.printf(Locale.ROOT, "per-cell best classical mean: %s%n", format(s.perCellBestClassicalMean()));
            out.printf(Locale.ROOT, "belady mean: %s%n", format(s.beladyMean()));
            out.printf(Locale.ROOT, "reflex minus best classical mean: %s%n", format(s.reflexMinusBestClassicalMean()));
            out.printf(Locale.ROOT, "cells reflex >= best classical of the cell: %s%n", format(s.cellsReflexGeBestClassical()));
            out.printf(Locale.ROOT, "cells reflex below lru (by more than %.3f): %s%n", SuiteSummary.BELOW_LRU_TOLERANCE,
                    format(s.cellsReflexBelowLru()));
            out.printf(Locale.ROOT, "worst reflex minus lru: %s%n", format(s.worstReflexMinusLru()));
            for (EvictionSuite.TraceRun run : o.runs()) {
                if (run.model() != null) {
                    out.printf(Locale.ROOT, "model %s: %s%n", run.entry().file(), run.model());
                }
            }
            out.flush();
        }

        private static String format(Number value) {
            if (value == null) {
                return "-";
            }
            return value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : value.toString();
        }
    }
}
