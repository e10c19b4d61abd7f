package io.reflex.trainer.cli;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.report.EvictionReport;
import io.reflex.trainer.nn.VectorCpuBackend;
import io.reflex.trainer.rl.DqnConfig;
import io.reflex.trainer.rl.EvictionEvaluation;
import io.reflex.trainer.rl.EvictionTraining;
import io.reflex.trainer.workload.TrapWorkload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

/**
 * {@code ./reflex quickstart}: the main job end to end on an embedded default. Generates Cold-RL's
 * trap workload, trains the eviction policy on one seed, exports it, and evaluates the exported
 * file (loaded by the engine) on held-out seeds against every standard baseline at 25, 100 and
 * 400 MB; prints the table and writes an HTML report.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train learned eviction on the trap workload, evaluate on held-out seeds, write a report.")
final class QuickstartCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--out", defaultValue = "reflex-quickstart", paramLabel = "DIR",
            description = "Where the model and report go (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--train-seed", defaultValue = "1", description = "Seed of the training trace (default ${DEFAULT-VALUE}).")
    long trainSeed;

    @Option(names = "--eval-seeds", defaultValue = "2,3", split = ",",
            description = "Seeds of the held-out traces (default ${DEFAULT-VALUE}).")
    List<Long> evalSeeds;

    @Option(names = "--requests", defaultValue = "0", description = "Requests per trace (default: the trap default, 30,000).")
    int requests;

    @Option(names = "--sizes", defaultValue = "25MB,100MB,400MB", split = ",", description = "Cache sizes (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--steps", defaultValue = "3000", description = "Gradient steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--k", defaultValue = "64",
            description = "Candidates per decision, the K least recently used (default ${DEFAULT-VALUE}, the protocol's largest).")
    int k;

    @Option(names = "--hit-history", defaultValue = "3000", paramLabel = "PERIOD",
            description = "The hit-count feature as a request count that survives eviction, halved every PERIOD requests "
                    + "(0: never; default ${DEFAULT-VALUE}, chosen on trap seed 4); -1: hits since admission, the feature "
                    + "the Caffeine adapter and the NGINX sidecar supply (they refuse a model trained with a history).")
    int hitHistory;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        List<Capacity> capacities = ReplayArguments.capacities(cli, sizes);
        if (evalSeeds.contains(trainSeed)) {
            throw new CommandLine.ParameterException(cli, "--eval-seeds must not contain the training seed " + trainSeed);
        }
        if (steps < 1 || requests < 0 || k < 1 || k > 64 || hitHistory < -1) {
            throw new CommandLine.ParameterException(cli, "--steps must be >= 1, --requests >= 0, --k in [1, 64] and --hit-history >= -1");
        }
        PrintWriter err = cli.getErr();
        long start = System.nanoTime();
        Files.createDirectories(outDir);
        Path model = outDir.resolve("eviction.onnx");
        Trace train = trap(trainSeed);
        err.printf(Locale.ROOT, "quickstart: training trace (trap, seed %d): %,d requests, %,d objects%n", trainSeed,
                train.length(), train.objectCount());
        DqnConfig config = TrainCommand.Eviction.config(k, trainSeed, steps, 128, "candidate", null, 0.9, 0, 1e-3, true, true);
        EvictionTraining.Behaviour behaviour = new EvictionTraining.Behaviour(k, 0.3, 0.98, 0.5, 1, trainSeed, hitHistory);
        EvictionTraining.Result trained = EvictionTraining.trainAndExport(train, capacities, behaviour, config,
                new VectorCpuBackend(), model,
                TrainCommand.progress(err, "quickstart: training", steps));
        err.printf(Locale.ROOT, "quickstart: %,d transitions, trained and exported %s (%s) in %.1f s%n",
                trained.transitions(), model, trained.network().toGraph().layerName(), trained.trainSeconds());

        int threads = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, double[][]> sums = new LinkedHashMap<>();   // policy -> {hit[], byteHit[]}
        List<long[]> latencies = new ArrayList<>();
        long decisions = 0;
        long fallbacks = 0;
        for (long seed : evalSeeds) {
            Trace held = trap(seed);
            EvictionEvaluation.Outcome o = EvictionEvaluation.run(model, held, capacities, PolicyCatalog.STANDARD, 42, threads);
            err.printf(Locale.ROOT, "quickstart: evaluated on held-out seed %d (%,d requests) at %s%n", seed, held.length(),
                    sizes);
            decisions += o.decisions();
            fallbacks += o.fallbacks();
            latencies.add(o.latencies());
            for (SimulationResult r : o.results()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("policy", r.policy());
                row.put("size", r.capacity().label());
                row.put("seed", seed);
                row.put("hit_ratio", r.hitRatio());
                row.put("byte_hit_ratio", r.byteHitRatio());
                rows.add(row);
                double[][] s = sums.computeIfAbsent(r.policy(), p -> new double[2][capacities.size()]);
                int i = capacities.indexOf(r.capacity());
                s[0][i] += r.hitRatio() / evalSeeds.size();
                s[1][i] += r.byteHitRatio() / evalSeeds.size();
            }
        }
        List<EvictionReport.Row> table = new ArrayList<>();
        sums.forEach((p, s) -> table.add(new EvictionReport.Row(p, s[0], s[1])));
        Path report = outDir.resolve("report.html");
        long[] allLatencies = latencies.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        String summary = String.format(Locale.ROOT, "Trap workload (Cold-RL's adversarial trace). Trained on seed %d "
                        + "(%,d transitions from exploring-LRU replays at %s with K = %d candidates, a dueling Double DQN "
                        + "shared by the candidates %s trained on hindsight targets, %,d steps, %.1f s); "
                        + "evaluated on held-out seeds %s. The reflex rows are the exported ONNX file loaded by the engine "
                        + "and run by its eviction loop (%,d decisions, %,d LRU fallbacks).", trainSeed,
                trained.transitions(), sizes, k, trained.network().toGraph().layerName(), steps, trained.trainSeconds(),
                evalSeeds, decisions, fallbacks);
        EvictionReport.write(report, summary, sizes, table, trained.curve(), allLatencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "quickstart: done in %.1f s; report %s%n", seconds, report);
        PrintWriter out = cli.getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("workload", "trap");
            root.put("train_seed", trainSeed);
            root.put("eval_seeds", evalSeeds);
            root.put("model", model.toString());
            root.put("transitions", trained.transitions());
            root.put("train_seconds", Math.round(trained.trainSeconds() * 1000) / 1000.0);
            root.put("seconds", Math.round(seconds * 1000) / 1000.0);
            root.put("reflex_decisions", decisions);
            root.put("reflex_fallbacks", fallbacks);
            root.put("results", rows);
            root.put("report", report.toString());
            Json.print(out, root);
        } else {
            out.printf(Locale.ROOT, "trap workload: trained on seed %d, mean hit ratio (byte hit ratio) over held-out seeds %s%n",
                    trainSeed, evalSeeds);
            out.printf(Locale.ROOT, "%-13s", "policy");
            for (String s : sizes) {
                out.printf(Locale.ROOT, " %17s", s);
            }
            out.println();
            for (EvictionReport.Row r : table) {
                out.printf(Locale.ROOT, "%-13s", r.policy());
                for (int i = 0; i < sizes.size(); i++) {
                    out.printf(Locale.ROOT, " %17s", String.format(Locale.ROOT, "%.3f (%.3f)", r.hitRatio()[i],
                            r.byteHitRatio()[i]));
                }
                out.println();
            }
            out.printf(Locale.ROOT, "reflex: %,d decisions, %,d LRU fallbacks; %.1f s in all%nreport: %s%n", decisions,
                    fallbacks, seconds, report);
            out.flush();
        }
        return 0;
    }

    private Trace trap(long seed) {
        TrapWorkload.Builder b = TrapWorkload.builder().seed(seed);
        if (requests > 0) {
            b.requests(requests);
        }
        return b.build().toTrace();
    }
}
