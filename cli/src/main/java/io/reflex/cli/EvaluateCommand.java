package io.reflex.cli;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.rl.EvictionEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex evaluate ...}: learned policies against the baselines. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a trained policy.",
        subcommands = {EvaluateCommand.Eviction.class})
final class EvaluateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing policy kind (try ./reflex evaluate --help)");
    }

    /**
     * {@code ./reflex evaluate eviction}: the exported model, loaded by the engine and run by its
     * eviction loop inside the simulator (rows {@code "policy":"reflex"}), beside every standard
     * baseline, at each size.
     */
    @Command(name = "eviction", mixinStandardHelpOptions = true,
            description = "Replay a trace through the learned eviction model and every baseline.")
    static final class Eviction implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The exported model.")
        Path model;

        @Option(names = "--trace", required = true, paramLabel = "FILE", description = "The evaluation trace.")
        Path trace;

        @Mixin
        TraceFormatOption format;

        @Option(names = "--sizes", required = true, split = ",", paramLabel = "S1,S2", description = "Cache sizes.")
        List<String> sizes;

        @Option(names = "--policies", split = ",", paramLabel = "P1,P2",
                description = "Baselines (default: the standard twelve; 'all' adds the extras).")
        List<String> policies;

        @Mixin
        JsonOption json;

        @Option(names = "--threads", defaultValue = "0", description = "Replays at once (default: one per core).")
        int threads;

        @Mixin
        SeedOption seedOption;

        @Mixin
        LruFloorOption lruFloor;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            TraceFormat traceFormat = format.parse(cli);
            List<Capacity> capacities = ReplayArguments.capacities(cli, sizes);
            List<String> baselines = baselines(cli, policies);
            ReplayArguments.requireFile(cli, model, "model");
            ReplayArguments.requireFile(cli, trace, "trace");
            Trace data = traceFormat.read(trace, Strictness.STRICT);
            PrintWriter err = cli.getErr();
            err.printf(Locale.ROOT, "evaluate eviction: %,d requests, %,d objects; %d sizes x (reflex + %d baselines)%n",
                    data.length(), data.objectCount(), capacities.size(), baselines.size());
            int pool = threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads;
            long start = System.nanoTime();
            EvictionEvaluation.Outcome o = EvictionEvaluation.run(model, data, capacities, baselines, seedOption.value(), pool,
                    lruFloor.enabled());
            double seconds = (System.nanoTime() - start) / 1e9;
            PrintWriter out = cli.getOut();
            if (json.enabled()) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("trace", trace.toString());
                root.put("model", model.toString());
                root.put("requests", data.length());
                root.put("objects", data.objectCount());
                root.put("seconds", Math.round(seconds * 1000) / 1000.0);
                root.put("reflex_decisions", o.decisions());
                root.put("reflex_fallbacks", o.fallbacks());
                root.put("lru_floor", lruFloor.enabled());
                root.put("reflex_floor_demotions", o.floorDemotions());
                root.put("reflex_floor_promotions", o.floorPromotions());
                root.put("results", rows(o.results()));
                Json.print(out, root);
            } else {
                printTable(out, o.results(), capacities);
                out.printf(Locale.ROOT, "reflex: %,d decisions, %,d fell back to LRU; %.1f s%n", o.decisions(), o.fallbacks(),
                        seconds);
                out.flush();
            }
            return 0;
        }
    }

    static List<String> baselines(CommandLine cli, List<String> policies) {
        if (policies == null || policies.isEmpty()) {
            return PolicyCatalog.STANDARD;
        }
        List<String> names = new ArrayList<>();
        for (String p : policies) {
            String name = p.strip().toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                names.addAll(PolicyCatalog.names());
            } else if (!PolicyCatalog.isKnown(name)) {
                throw new CommandLine.ParameterException(cli, "unknown policy '" + p.strip() + "' (known: "
                        + String.join(", ", PolicyCatalog.names()) + ")");
            } else if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    static List<Map<String, Object>> rows(List<SimulationResult> results) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SimulationResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("policy", r.policy());
            row.put("size", r.capacity().label());
            row.put("hit_ratio", r.hitRatio());
            row.put("byte_hit_ratio", r.byteHitRatio());
            row.put("requests_per_sec", Math.round(r.requestsPerSecond()));
            row.put("hits", r.hits());
            row.put("evictions", r.evictions());
            rows.add(row);
        }
        return rows;
    }

    /** Policies as rows, sizes as columns: hit ratio (byte hit ratio). */
    static void printTable(PrintWriter out, List<SimulationResult> results, List<Capacity> capacities) {
        List<String> policies = new ArrayList<>();
        for (SimulationResult r : results) {
            if (!policies.contains(r.policy())) {
                policies.add(r.policy());
            }
        }
        out.printf(Locale.ROOT, "%-13s", "policy");
        for (Capacity c : capacities) {
            out.printf(Locale.ROOT, " %17s", c.label());
        }
        out.println();
        for (String p : policies) {
            out.printf(Locale.ROOT, "%-13s", p);
            for (Capacity c : capacities) {
                SimulationResult hit = null;
                for (SimulationResult r : results) {
                    if (r.policy().equals(p) && r.capacity().equals(c)) {
                        hit = r;
                    }
                }
                out.printf(Locale.ROOT, " %17s", hit == null ? "-"
                        : String.format(Locale.ROOT, "%.3f (%.3f)", hit.hitRatio(), hit.byteHitRatio()));
            }
            out.println();
        }
        out.flush();
    }
}
