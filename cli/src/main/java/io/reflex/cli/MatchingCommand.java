package io.reflex.cli;

import io.reflex.engine.matching.ExpertRule;
import io.reflex.trainer.matching.BarabasiAlbertGenerator;
import io.reflex.trainer.matching.CoverageGainGenerator;
import io.reflex.trainer.matching.EdgeList;
import io.reflex.trainer.matching.ErdosRenyiGenerator;
import io.reflex.trainer.matching.InstanceGenerator;
import io.reflex.trainer.matching.MatchingEvaluation;
import io.reflex.trainer.matching.MatchingExperiment;
import io.reflex.trainer.matching.SpatialGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex matching ...}: online bipartite matching with LOMAR's robustness guarantee. */
@Command(name = "matching", mixinStandardHelpOptions = true,
        description = "Online bipartite matching: experts, a learned scorer, and LOMAR's robust switch.",
        subcommands = {MatchingCommand.Evaluate.class})
final class MatchingCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex matching --help)");
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Trains the learned scorer (pure RL, and LOMAR at each rho) on generated or file-sampled "
                    + "instances with a fixed seed, exports it to ONNX, and evaluates greedy, balance, greedy-t, rl and "
                    + "lomar on fresh instances: average reward, worst ratio to the exact optimum, worst ratio to the expert.",
                    "FILE format: one edge per line, 'online;offline,weight'; online items arrive in order of first appearance."})
    static final class Evaluate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--data", defaultValue = "synthetic", paramLabel = "synthetic|FILE",
                description = "'synthetic' (see --generator) or an edge-list file (default ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--generator", defaultValue = "coverage", paramLabel = "coverage|er|ba|spatial",
                description = "Synthetic setting: coverage (MovieLens-like, generated ratings), er, ba, spatial (default ${DEFAULT-VALUE}).")
        String generator;

        @Option(names = "--rho", defaultValue = "0.4,0.6,0.8", split = ",", paramLabel = "R1,R2,...",
                description = "Robustness levels for LOMAR, each in [0, 1] (default ${DEFAULT-VALUE}).")
        List<Double> rhos;

        @Option(names = "--slack", defaultValue = "0", paramLabel = "B",
                description = "LOMAR's slack B, in weight units (default ${DEFAULT-VALUE}).")
        double slack;

        @Option(names = "--expert", defaultValue = "greedy", paramLabel = "greedy|balance|greedy-t",
                description = "The expert LOMAR is held to (default ${DEFAULT-VALUE}).")
        String expert;

        @Option(names = "--offline", paramLabel = "U", description = "Offline nodes (synthetic default 10; FILE default all, else drawn once).")
        Integer offline;

        @Option(names = "--online", paramLabel = "V", description = "Online items per instance (synthetic default 60; FILE default all with an edge).")
        Integer online;

        @Option(names = "--instances", paramLabel = "N", description = "Evaluation instances (synthetic default 1000; FILE default 1).")
        Integer instances;

        @Option(names = "--train-instances", defaultValue = "2000", paramLabel = "N",
                description = "Training instances (default ${DEFAULT-VALUE}).")
        int trainInstances;

        @Option(names = "--epochs", defaultValue = "100", paramLabel = "N", description = "Training epochs (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--hidden", defaultValue = "16,16", split = ",", paramLabel = "H1,H2,...",
                description = "Hidden widths of the scorer MLP (default ${DEFAULT-VALUE}).")
        int[] hidden;

        @Option(names = "--capacity", defaultValue = "1", paramLabel = "C", description = "Capacity of every offline node (default ${DEFAULT-VALUE}).")
        int capacity;

        @Option(names = "--weight-bound", paramLabel = "W",
                description = "Supplied bound w_max for every node (default: each node's largest weight in the data).")
        Double weightBound;

        @Option(names = "--candidate-limit", defaultValue = "0", paramLabel = "K",
                description = "Score at most the K heaviest candidates per decision (default 0: all).")
        int candidateLimit;

        @Option(names = "--shortfall-weight", defaultValue = "1", paramLabel = "L",
                description = "Extra weight on an episode's shortfall below the expert in training (default ${DEFAULT-VALUE}).")
        double shortfallWeight;

        @Option(names = "--save-models", paramLabel = "DIR", description = "Keep the exported ONNX scorers in DIR.")
        Path saveModels;

        @Mixin
        SeedOption seedOption;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            ExpertRule rule;
            MatchingExperiment.Settings settings;
            try {
                rule = ExpertRule.byName(expert);
                settings = new MatchingExperiment.Settings(rhos, slack, rule, capacity,
                        weightBound == null ? Double.NaN : weightBound, epochs, hidden, seedOption.value(), candidateLimit, shortfallWeight, saveModels);
                check(trainInstances >= 1 && trainInstances <= 10_000_000, "--train-instances must be in [1, 10000000]");
                check(epochs >= 1 && epochs <= 100_000, "--epochs must be in [1, 100000]");
                check(candidateLimit >= 0, "--candidate-limit must be >= 0");
                check(shortfallWeight >= 0 && shortfallWeight <= 1000, "--shortfall-weight must be in [0, 1000]");
                check(instances == null || instances >= 1, "--instances must be >= 1");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (saveModels != null) {
                OutputPaths.requireDirectory(spec.commandLine(), "--save-models", saveModels);
            }
            MatchingExperiment.Data dataset = dataset();
            PrintWriter err = spec.commandLine().getErr();
            MatchingExperiment.Report report = MatchingExperiment.run(dataset, settings, line -> {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            });
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), toJson(report));
            } else {
                printTable(spec.commandLine().getOut(), report);
            }
            return 0;
        }

        private MatchingExperiment.Data dataset() {
            if (data.equals("synthetic")) {
                int u = offline == null ? 10 : offline;
                int v = online == null ? 60 : online;
                InstanceGenerator g;
                try {
                    g = switch (generator) {
                        case "coverage" -> new CoverageGainGenerator(u, v, 2000);
                        case "er" -> new ErdosRenyiGenerator(u, v, 0.1);
                        case "ba" -> new BarabasiAlbertGenerator(u, v, Math.min(u, 3.0));
                        case "spatial" -> new SpatialGenerator(u, v, 7);
                        default -> throw new IllegalArgumentException("unknown --generator '" + generator
                                + "'; expected coverage, er, ba or spatial");
                    };
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                return MatchingExperiment.synthetic(g, instances == null ? 1000 : instances, trainInstances, seedOption.value());
            }
            EdgeList edges = EdgeList.read(Path.of(data));   // a malformed file fails here, naming file and line
            try {
                return MatchingExperiment.file(edges, offline, online, instances == null ? 1 : instances, trainInstances, seedOption.value());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        private static Map<String, Object> toJson(MatchingExperiment.Report r) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("data", r.data());
            root.put("instances", r.instances());
            root.put("training_instances", r.trainingInstances());
            root.put("offline", r.offline());
            root.put("online", r.online());
            root.put("capacity", r.capacity());
            root.put("expert", r.expert());
            root.put("slack", r.slack());
            root.put("opt_avg_reward", round(r.optimumAverage()));
            root.put("train_seconds", round(r.trainSeconds()));
            root.put("training", "at run time, fixed seed, no cache");
            root.put("models", r.models());
            List<Map<String, Object>> results = new ArrayList<>();
            for (MatchingExperiment.Row row : r.rows()) {
                MatchingEvaluation.PolicyResult p = row.result();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", p.policy());
                m.put("rho", p.rho());
                m.put("avg_reward", round(p.averageReward()));
                m.put("competitive_ratio_vs_opt", round(p.competitiveRatioVsOpt()));
                m.put("min_ratio_vs_expert", round(p.minRatioVsExpert()));
                m.put("avg_ratio_vs_opt", round(p.averageRatioVsOpt()));
                m.put("rl_decision_share", Double.isNaN(p.rlDecisionShare()) ? null : round(p.rlDecisionShare()));
                m.put("guarantee_violations", p.rho() == null ? null : row.guaranteeViolations());
                m.put("bound_violations", p.boundViolations());
                results.add(m);
            }
            root.put("results", results);
            return root;
        }

        private static void printTable(PrintWriter out, MatchingExperiment.Report r) {
            out.printf("data %s: %d instances (%d offline x %d online, capacity %d), trained on %d in %.1f s%n", r.data(),
                    r.instances(), r.offline(), r.online(), r.capacity(), r.trainingInstances(), r.trainSeconds());
            out.printf("expert %s, slack B %s, optimum %.4f on average%n", r.expert(), r.slack(), r.optimumAverage());
            out.printf("%-9s %5s %11s %13s %11s %14s %9s %11s%n", "policy", "rho", "avg reward", "worst vs OPT",
                    "avg vs OPT", "worst vs exp.", "RL share", "violations");
            for (MatchingExperiment.Row row : r.rows()) {
                MatchingEvaluation.PolicyResult p = row.result();
                out.printf("%-9s %5s %11.4f %13.4f %11.4f %14.4f %9s %11s%n", p.policy(), p.rho() == null ? "-" : p.rho(),
                        p.averageReward(), p.competitiveRatioVsOpt(), p.averageRatioVsOpt(), p.minRatioVsExpert(),
                        Double.isNaN(p.rlDecisionShare()) ? "-" : String.format("%.3f", p.rlDecisionShare()),
                        p.rho() == null ? "-" : row.guaranteeViolations());
            }
            out.flush();
        }

        private static double round(double v) {
            return Math.round(v * 10_000.0) / 10_000.0;
        }
    }
}
