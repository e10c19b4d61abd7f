package io.reflex.cli;

import io.reflex.engine.adapt.DecisionShadow;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.explore.SoftmaxSelector;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.trainer.ope.BanditDataset;
import io.reflex.trainer.ope.Estimate;
import io.reflex.trainer.ope.LoggedDecisions;
import io.reflex.trainer.ope.OffPolicyEvaluation;
import io.reflex.trainer.ope.OnnxActionScorer;
import io.reflex.trainer.ope.OpeBenchmark;
import io.reflex.trainer.ope.OpeSettings;
import io.reflex.trainer.ope.SequentialTask;
import io.reflex.trainer.ope.SimulatedTraffic;
import io.reflex.trainer.ope.SyntheticBandit;
import io.reflex.trainer.ope.TargetPolicy;
import io.reflex.trainer.ope.TargetRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex ope ...}: off-policy evaluation of logged decisions, and of the estimators themselves. */
@Command(name = "ope", mixinStandardHelpOptions = true,
        description = "Off-policy evaluation: estimate a policy's value from logged decisions before it serves.",
        subcommands = {OpeCommand.Benchmark.class, OpeCommand.Evaluate.class, OpeCommand.Simulate.class})
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

        @Option(names = "--sequence-resamples", defaultValue = "200", paramLabel = "B",
                description = "Bootstrap resamples on the sequential task, where FQE refits per resample (default ${DEFAULT-VALUE}).")
        int sequenceResamples;

        @Mixin
        IntervalOptions intervals;

        @Mixin
        SeedOption seedOption;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            OpeBenchmark.Settings settings;
            try {
                settings = new OpeBenchmark.Settings(seeds, decisions, episodes,
                        intervals.settings(0, 1), sequenceResamples, seedOption.value());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter err = spec.commandLine().getErr();
            OpeBenchmark.Report report = OpeBenchmark.run(settings, line -> {
                err.println(line);
                err.flush();
            });
            if (json.enabled()) {
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
            root.put("sequence_resamples", s.sequenceResamples());
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
                            + "sequential: %d episodes per log, target value %.4f (logging %.4f); %d/%d resamples, %.0f%% intervals; %.1f s%n",
                    s.seeds(), s.decisions(), r.banditTruth(), r.banditLogging(), s.episodes(), r.sequenceTruth(),
                    r.sequenceLogging(), s.ope().resamples(), s.sequenceResamples(), 100 * s.ope().level(), r.seconds());
            out.printf("%-11s %-10s %12s %10s %14s %13s%n", "simulator", "estimator", "median rel.", "coverage",
                    "mean estimate", "mean CI width");
            for (OpeBenchmark.Row row : r.rows()) {
                out.printf("%-11s %-10s %11.4f%% %9.0f%% %14.4f %13.4f%n", row.simulator(), row.estimator(),
                        100 * row.medianRelativeError(), 100 * row.coverage(), row.meanEstimate(), row.meanIntervalWidth());
            }
            out.flush();
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Estimates a policy's value from the engine's decision log: decisions joined to outcomes by "
                    + "decision id; bandit estimators (ips, snips, dm, dr, sndr, switch-dr) by default, sequence "
                    + "estimators (pdis, wpdis, seq-dr, fqe) with --sequence, each with a bootstrap interval.",
                    "The model's inputs are the logged features, its outputs one score per action; --target says how "
                            + "scores become action probabilities (greedy: the argmax, as served without exploration).",
                    "Episodes (--sequence): feature 0 of each decision is its step index; an episode starts at step 0."})
    static final class Evaluate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "DIR", description = "The decision log directory.")
        Path log;

        @Option(names = "--policy", required = true, paramLabel = "MODEL.onnx", description = "The policy to evaluate.")
        Path policy;

        @Option(names = "--loop", paramLabel = "NAME", description = "The loop to read (required when the log holds several).")
        String loop;

        @Option(names = "--target", defaultValue = "greedy", paramLabel = "greedy|softmax:T|epsilon:E",
                description = "How the policy's scores become action probabilities (default ${DEFAULT-VALUE}).")
        String target;

        @Option(names = "--sequence", description = "Evaluate episodes (pdis, wpdis, seq-dr, fqe) instead of single decisions.")
        boolean sequence;

        @Option(names = "--gamma", defaultValue = "1", paramLabel = "G", description = "Discount for --sequence (default ${DEFAULT-VALUE}).")
        double gamma;

        @Mixin
        IntervalOptions intervals;

        @Mixin
        SeedOption seedOption;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            OpeSettings settings;
            TargetRule rule;
            try {
                settings = intervals.settings(seedOption.value(), gamma);
                rule = TargetRule.parse(target);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            LoggedDecisions logged = OpeInputs.readLog(spec, log, loop);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("log", log.toString());
            root.put("policy", policy.toString());
            root.put("loop", logged.loops().size() == 1 ? logged.loops().getFirst() : loop);
            root.put("target", rule.toString());
            root.put("decisions", logged.decisions());
            root.put("decisions_with_outcome", logged.withOutcome());
            root.put("decisions_without_outcome", logged.withoutOutcome());
            root.put("orphan_outcomes", logged.orphanOutcomes());
            root.put("torn_tails_skipped", logged.tornTailsSkipped());
            root.put("log_damage", logged.damage().size());
            root.put("log_records_lost", logged.recordsLost());
            List<Estimate> estimates;
            try (OnnxActionScorer scorer = OpeInputs.loadModel(policy, logged)) {
                TargetPolicy targetPolicy = new TargetPolicy(scorer, rule);
                if (sequence) {
                    LoggedDecisions.EpisodeCut cut = logged.episodes(scorer.actionCount());
                    root.put("episodes", cut.data().size());
                    root.put("incomplete_episodes", cut.incomplete());
                    root.put("logged_mean_return", OpeFormat.round(cut.data().meanReturn(gamma)));
                    estimates = OffPolicyEvaluation.sequence(cut.data(), targetPolicy, settings);
                } else {
                    BanditDataset data = logged.bandit(scorer.actionCount());
                    root.put("logged_mean_reward", OpeFormat.round(data.meanReward()));
                    estimates = OffPolicyEvaluation.bandit(data, targetPolicy, settings);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(log + ": " + e.getMessage(), e);
            }
            root.put("resamples", intervals.resamples);
            root.put("level", intervals.level);
            root.put("estimates", estimates.stream().map(OpeInputs::toJson).toList());
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), root);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s: %d decisions (%d with an outcome, %d without, %d orphan outcomes, %d torn tails)%s%n", log,
                        logged.decisions(), logged.withOutcome(), logged.withoutOutcome(), logged.orphanOutcomes(),
                        logged.tornTailsSkipped(), sequence ? "; " + root.get("episodes") + " complete episodes, "
                                + root.get("incomplete_episodes") + " incomplete" : "");
                out.printf("policy %s, target %s; %d resamples, %.0f%% intervals%n", policy, rule, intervals.resamples, 100 * intervals.level);
                out.printf("%-10s %10s %10s %10s%n", "estimator", "value", "ci low", "ci high");
                for (Estimate e : estimates) {
                    out.printf("%-10s %10.4f %10.4f %10.4f%n", e.name(), e.value(), e.ciLow(), e.ciHigh());
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"Writes a decision log to try ope evaluate and promote on: the engine (policy store, decision "
                    + "runtime, epsilon-greedy exploration, decision log) serving a simulated contextual bandit, or "
                    + "--task sequential episodes logged with softmax exploration.",
                    "OUT receives log/ and three models: incumbent.onnx (the one that served), candidate.onnx (better), "
                            + "worse.onnx (the incumbent's scores negated).",
                    "--shadow candidate|incumbent|worse: that model runs beside the serving loop, never acting, scored "
                            + "off-policy on each decision as its reward arrives, and is hot-swapped in when its lower bound "
                            + "beats the incumbent's upper bound (bandit only)."})
    static final class Simulate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the log and models go (must not hold a log yet).")
        Path out;

        @Option(names = "--task", defaultValue = "bandit", paramLabel = "bandit|sequential", description = "What to simulate (default ${DEFAULT-VALUE}).")
        String task;

        @Option(names = "--decisions", defaultValue = "20000", paramLabel = "N",
                description = "Decisions (bandit) or episodes of 5 steps (sequential) (default ${DEFAULT-VALUE}).")
        int decisions;

        @Option(names = "--epsilon", defaultValue = "0.3", paramLabel = "E", description = "Exploration of the bandit (default ${DEFAULT-VALUE}).")
        double epsilon;

        @Option(names = "--shadow", paramLabel = "MODEL",
                description = "A challenger in the shadow of the serving loop: candidate, incumbent or worse (bandit only).")
        String shadow;

        @Mixin
        SeedOption seedOption;

        @Mixin
        JsonTextOption json;

        @Override
        public Integer call() throws Exception {
            Args.require(spec.commandLine(), decisions >= 1 && decisions <= 10_000_000, "--decisions must be in [1, 10000000]");
            Args.require(spec.commandLine(), task.equals("bandit") || task.equals("sequential"),
                    "unknown --task '%s'; expected bandit or sequential", task);
            Args.require(spec.commandLine(), shadow == null || task.equals("bandit") && List.of("candidate", "incumbent", "worse")
                    .contains(shadow), "--shadow must be candidate, incumbent or worse, with --task bandit; got '%s'", shadow);
            OutputPaths.requireDirectory(spec.commandLine(), "--out", out);
            Path logDir = out.resolve("log");
            if (Files.isDirectory(logDir)) {
                try (var files = Files.list(logDir)) {
                    Args.require(spec.commandLine(), files.findAny().isEmpty(),
                            "--out %s: %s already holds a log; choose an empty directory", out, logDir);
                }
            }
            Files.createDirectories(logDir);
            Path incumbent = out.resolve("incumbent.onnx");
            Path candidate = out.resolve("candidate.onnx");
            Path worse = out.resolve("worse.onnx");
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("log", logDir.toString());
            root.put("task", task);
            if (task.equals("bandit")) {
                SyntheticBandit env = SyntheticBandit.standard(seedOption.value());
                OnnxModelWriter.of(env.behaviourScorer().toGraph()).fixedBatch(1).write(incumbent);
                OnnxModelWriter.of(env.targetScorer().toGraph()).fixedBatch(1).write(candidate);
                OnnxModelWriter.of(env.behaviourScorer().negated().toGraph()).fixedBatch(1).write(worse);
                SimulatedTraffic.Result r;
                try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
                     DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                             .fallback((x, y) -> Arrays.fill(y, 0f))
                             .shape(env.featureCount(), env.actionCount()).deadline(Duration.ofSeconds(1)).build();
                     DecisionSession session = runtime.newSession();
                     DecisionLogWriter writer = DecisionLogWriter.builder(logDir).capacity(1 << 16)
                             .maxFeatures(env.featureCount()).open()) {
                    var swap = store.offer(incumbent);
                    if (!swap.accepted()) {
                        throw new IllegalStateException(incumbent + ": " + swap.reason());
                    }
                    // The challenger is judged under the loop's own exploration, as it would serve.
                    try (DecisionShadow challenger = shadow == null ? null : DecisionShadow.builder().runtime(runtime)
                            .challenger(out.resolve(shadow + ".onnx")).rule(new EpsilonGreedy(epsilon, 0)).build()) {
                        r = SimulatedTraffic.run(env, session, new EpsilonGreedy(epsilon, OpeBenchmark.mix(seedOption.value(), 1)),
                                writer.forLoop("bandit"), challenger, decisions, seedOption.value());
                        if (challenger != null) {
                            root.put("shadow", shadowReport(challenger, r));
                        }
                    }
                }
                root.put("decisions", r.decisions());
                root.put("mean_reward", OpeFormat.round(r.meanReward()));
                TargetPolicy greedy = new TargetPolicy(env.behaviourScorer(), TargetRule.GREEDY);
                root.put("true_value_incumbent", OpeFormat.round(env.value(greedy)));
                root.put("true_value_candidate", OpeFormat.round(env.value(new TargetPolicy(env.targetScorer(), TargetRule.GREEDY))));
                root.put("true_value_worse", OpeFormat.round(env.value(new TargetPolicy(env.behaviourScorer().negated(), TargetRule.GREEDY))));
            } else {
                SequentialTask env = SequentialTask.standard(seedOption.value());
                OnnxModelWriter.of(env.behaviourScorer().toGraph()).fixedBatch(1).write(incumbent);
                OnnxModelWriter.of(env.targetScorer().toGraph()).fixedBatch(1).write(candidate);
                OnnxModelWriter.of(env.behaviourScorer().negated().toGraph()).fixedBatch(1).write(worse);
                var data = env.log(decisions, env.behaviourScorer(), new SoftmaxSelector(1.0, OpeBenchmark.mix(seedOption.value(), 1)), seedOption.value());
                try (DecisionLogWriter writer = DecisionLogWriter.builder(logDir).capacity(1 << 16)
                        .maxFeatures(env.featureCount()).open()) {
                    SimulatedTraffic.write(data, writer.forLoop("sequential"), 1);
                }
                root.put("episodes", data.size());
                root.put("decisions", data.decisions());
                root.put("mean_return", OpeFormat.round(data.meanReturn(env.gamma())));
                root.put("true_value_incumbent_softmax_1", OpeFormat.round(env.value(new TargetPolicy(env.behaviourScorer(),
                        new TargetRule(TargetRule.Kind.SOFTMAX, 1.0)))));
                root.put("true_value_candidate_greedy", OpeFormat.round(env.value(new TargetPolicy(env.targetScorer(), TargetRule.GREEDY))));
            }
            if (root.containsKey("shadow")) {
                root.put("shadow", root.remove("shadow"));   // after the figures it is judged against
            }
            root.put("models", Map.of("incumbent", incumbent.toString(), "candidate", candidate.toString(),
                    "worse", worse.toString()));
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), root);
            } else {
                root.forEach((k, v) -> spec.commandLine().getOut().printf("%-30s %s%n", k, v));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }

        private static Map<String, Object> shadowReport(DecisionShadow s, SimulatedTraffic.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            DecisionShadow.Promotion p = s.promotion();
            m.put("promoted", p != null && p.swap().accepted());
            m.put("promoted_at_decision", p == null ? null : p.atDecision());
            m.put("challenger_value", p == null ? OpeFormat.round(s.challenge().challenger().dr()) : OpeFormat.round(p.challengerValue()));
            m.put("challenger_ci_low", OpeFormat.round(p == null ? s.challenge().challengerLower() : p.challengerLower()));
            m.put("incumbent_value", OpeFormat.round(p == null ? s.challenge().incumbentMean() : p.incumbentValue()));
            m.put("incumbent_ci_high", OpeFormat.round(p == null ? s.challenge().incumbentUpper() : p.incumbentUpper()));
            m.put("scored_decisions", s.scoredDecisions());
            m.put("serving_at_end", r.lastVersion() == null ? null : r.lastVersion().file().getFileName().toString());
            return m;
        }
    }
}
