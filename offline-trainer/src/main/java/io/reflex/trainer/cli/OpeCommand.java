package io.reflex.trainer.cli;

import io.reflex.trainer.ope.OpeBenchmark;
import io.reflex.trainer.ope.OpeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex ope ...}: off-policy evaluation of logged decisions, and of the estimators themselves. */
@Command(name = "ope", mixinStandardHelpOptions = true,
        description = "Off-policy evaluation: estimate a policy's value from logged decisions before it serves.",
        subcommands = {OpeCommand.Benchmark.class})
final class OpeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex ope --help)");
    }

    @Command(name = "benchmark", mixinStandardHelpOptions = true,
            description = {"Evaluates the estimators on simulators with a known true value (a contextual bandit with a "
                    + "known click model; a small finite-horizon MDP solved exactly): median relative error and "
                    + "bootstrap interval coverage over N logs."})
    static final class Benchmark implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--seeds", defaultValue = "10", paramLabel = "N", description = "Logs per simulator (default ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--decisions", defaultValue = "100000", paramLabel = "N",
                description = "Logged decisions per bandit log (default ${DEFAULT-VALUE}).")
        int decisions;

        @Option(names = "--episodes", defaultValue = "20000", paramLabel = "N",
                description = "Logged episodes (of 5 steps) per sequential log (default ${DEFAULT-VALUE}).")
        int episodes;

        @Option(names = "--resamples", defaultValue = "200", paramLabel = "B", description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
        int resamples;

        @Option(names = "--level", defaultValue = "0.95", paramLabel = "L", description = "Interval confidence level (default ${DEFAULT-VALUE}).")
        double level;

        @Option(names = "--switch-tau", defaultValue = "10", paramLabel = "T", description = "Switch-DR's weight threshold (default ${DEFAULT-VALUE}).")
        double switchTau;

        @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Seed of the simulators (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "Print one JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            OpeBenchmark.Settings settings;
            try {
                settings = new OpeBenchmark.Settings(seeds, decisions, episodes,
                        new OpeSettings(resamples, level, 0, switchTau, OpeSettings.DEFAULTS.ridge(), 1), seed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter err = spec.commandLine().getErr();
            OpeBenchmark.Report report = OpeBenchmark.run(settings, line -> {
                err.println(line);
                err.flush();
            });
            if (json) {
                Json.print(spec.commandLine().getOut(), toJson(report));
            } else {
                printTable(spec.commandLine().getOut(), report);
            }
            return 0;
        }

        private static Map<String, Object> toJson(OpeBenchmark.Report r) {
            Map<String, Object> root = new LinkedHashMap<>();
            OpeBenchmark.Settings s = r.settings();
            root.put("seeds", s.seeds());
            root.put("decisions", s.decisions());
            root.put("episodes", s.episodes());
            root.put("resamples", s.ope().resamples());
            root.put("level", s.ope().level());
            root.put("seconds", OpeFormat.round(r.seconds()));
            List<Map<String, Object>> simulators = new ArrayList<>();
            simulators.add(simulator("bandit", r.banditTruth(), r.banditLogging(),
                    "5 features, 5 actions, Bernoulli clicks; logging epsilon-greedy 0.3; target greedy"));
            simulators.add(simulator("sequential", r.sequenceTruth(), r.sequenceLogging(),
                    "5 states, 3 actions, 5 steps; logging softmax T=1; target epsilon-greedy 0.1"));
            root.put("simulators", simulators);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (OpeBenchmark.Row row : r.rows()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", row.estimator());
                m.put("simulator", row.simulator());
                m.put("median_relative_error", OpeFormat.round(row.medianRelativeError()));
                m.put("ci_coverage", OpeFormat.round(row.coverage()));
                m.put("truth", OpeFormat.round(row.truth()));
                m.put("mean_estimate", OpeFormat.round(row.meanEstimate()));
                m.put("mean_ci_width", OpeFormat.round(row.meanIntervalWidth()));
                rows.add(m);
            }
            root.put("estimators", rows);
            return root;
        }

        private static Map<String, Object> simulator(String name, double truth, double logging, String description) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("target_value", OpeFormat.round(truth));
            m.put("logging_value", OpeFormat.round(logging));
            m.put("description", description);
            return m;
        }

        private static void printTable(PrintWriter out, OpeBenchmark.Report r) {
            OpeBenchmark.Settings s = r.settings();
            out.printf("%d seeds; bandit: %d decisions per log, target value %.4f (logging %.4f); "
                            + "sequential: %d episodes per log, target value %.4f (logging %.4f); %d resamples, %.0f%% intervals; %.1f s%n",
                    s.seeds(), s.decisions(), r.banditTruth(), r.banditLogging(), s.episodes(), r.sequenceTruth(),
                    r.sequenceLogging(), s.ope().resamples(), 100 * s.ope().level(), r.seconds());
            out.printf("%-11s %-10s %12s %10s %14s %13s%n", "simulator", "estimator", "median rel.", "coverage",
                    "mean estimate", "mean CI width");
            for (OpeBenchmark.Row row : r.rows()) {
                out.printf("%-11s %-10s %11.4f%% %9.0f%% %14.4f %13.4f%n", row.simulator(), row.estimator(),
                        100 * row.medianRelativeError(), 100 * row.coverage(), row.meanEstimate(), row.meanIntervalWidth());
            }
            out.flush();
        }
    }
}
