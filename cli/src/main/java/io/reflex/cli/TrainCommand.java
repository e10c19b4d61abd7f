package io.reflex.cli;

import io.reflex.compute.ComputeBackend;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.cli.BehaviourOptions;
import io.reflex.trainer.ope.BanditDataset;
import io.reflex.trainer.ope.LoggedDecisions;
import io.reflex.trainer.ope.RidgeRewardModel;
import io.reflex.trainer.rl.DqnConfig;
import io.reflex.trainer.rl.EvictionTraining;
import io.reflex.trainer.rl.NextAccessTraining;
import io.reflex.trainer.rl.TransitionReservoir;
import io.reflex.trainer.rl.TransitionSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex train ...}: offline training of learned policies. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a policy offline from a trace or a decision log.",
        subcommands = {TrainCommand.Eviction.class, TrainCommand.Bandit.class})
final class TrainCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing policy kind (try ./reflex train --help)");
    }

    /**
     * {@code ./reflex train eviction}: replays the trace at the given size(s) and trains the learned
     * eviction policy with one of two objectives, then exports the ONNX model the engine serves:
     * {@code next-access} (the default, chosen on the development suite: relaxed Belady over the
     * history-1 schema, {@link NextAccessTraining}) or {@code dqn} (Cold-RL's dueling Double DQN over
     * its six features, {@link EvictionTraining}). Options that belong to one objective only are
     * named so in their help; their defaults depend on the objective.
     */
    @Command(name = "eviction", mixinStandardHelpOptions = true,
            description = "Train the learned eviction policy and export it as ONNX: next-access (relaxed Belady over the "
                    + "history-1 features, the default) or dqn (Cold-RL's dueling Double DQN).")
    static final class Eviction implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--trace", paramLabel = "FILE", description = "The training trace (or --transitions).")
        Path trace;

        // Not TraceFormatOption: that one is required, and --transitions has no trace.
        @Option(names = "--format", paramLabel = "FMT", description = "Trace format (see simulate); with --trace.")
        String format;

        @Option(names = "--size", split = ",", paramLabel = "S",
                description = "Cache size(s) to replay for transitions, e.g. 25MB (a list pools their transitions).")
        List<String> sizes;

        @Option(names = "--transitions", paramLabel = "DIR",
                description = "Train the dqn objective from the transitions ./reflex replay wrote to DIR (Parquet, read "
                        + "through the Spark module, which ./reflex adds for this option) instead of replaying a trace.")
        String transitions;

        @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "Where to write the model.")
        Path out;

        @Mixin
        SeedOption seedOption;

        @Mixin
        DeviceOption device;

        @Mixin
        JsonTextOption json;

        @Option(names = "--objective", defaultValue = "next-access", paramLabel = "next-access|dqn",
                description = "next-access: regress each object's log time to its next request and evict the farthest "
                        + "(relaxed Belady); dqn: Cold-RL's dueling Double DQN (default ${DEFAULT-VALUE}).")
        String objective;

        @Option(names = "--steps", description = "Gradient steps (default 3000).")
        Integer steps;

        @Option(names = "--batch", description = "Batch size (default 256 for next-access, 128 for dqn).")
        Integer batch;

        @Option(names = "--hidden", split = ",",
                description = "Hidden widths (default 32,32 for next-access; dqn: 16,16 for the candidate network, 64,64 "
                        + "for the joint one).")
        List<Integer> hidden;

        @Option(names = "--admission", defaultValue = "false", negatable = true, fallbackValue = "true",
                description = "next-access: the model also decides whether an incoming object displaces the victim "
                        + "(default ${DEFAULT-VALUE}).")
        boolean admission;

        @Option(names = "--decisions", defaultValue = "3000", paramLabel = "N",
                description = "next-access: eviction decisions kept per replay as training rows (default ${DEFAULT-VALUE}).")
        int decisions;

        @Option(names = "--network", defaultValue = "candidate", paramLabel = "candidate|dueling",
                description = "candidate: one dueling row network shared by every candidate; dueling: one network over all K"
                        + " candidates (default ${DEFAULT-VALUE}).")
        String network;

        @Option(names = "--gamma", defaultValue = "0.9", description = "Discount of the DQN (default ${DEFAULT-VALUE}).")
        double gamma;

        @Option(names = "--rounds",
                description = "Collect-and-train rounds; each after the first replays under the previous model "
                        + "(default 3 for next-access, 1 for dqn).")
        Integer rounds;

        @Option(names = "--hindsight", defaultValue = "true", negatable = true, fallbackValue = "true",
                description = "Train every candidate's Q-value on its hindsight reward, not only the logged victim's (default ${DEFAULT-VALUE}).")
        boolean hindsight;

        @Option(names = "--cql-alpha", defaultValue = "0", description = "Weight of the CQL penalty; 0 disables (default ${DEFAULT-VALUE}).")
        double cqlAlpha;

        @Option(names = "--semi-markov", defaultValue = "true", negatable = true, fallbackValue = "true",
                description = "Discount the next decision by γ^(victim size / mean size) (default ${DEFAULT-VALUE}).")
        boolean semiMarkov;

        @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
        double learningRate;

        /** The exploring behaviour's options, ./reflex replay's too (--k and --candidates also next-access's). */
        @Mixin
        BehaviourOptions behaviourOptions;

        @Option(names = "--buffer", paramLabel = "N",
                description = "With --transitions: the replay buffer holds at most N transitions, a uniform sample of the "
                        + "dataset when it holds more (default " + TransitionReservoir.DEFAULT_CAPACITY + "; about 0.9 KB "
                        + "a transition at K = 16 once sampling). A buffer at least the dataset's size trains on every transition.")
        Integer buffer;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            if (transitions != null) {
                return fromTransitions(cli);
            }
            Args.require(cli, trace != null && format != null && sizes != null,
                    "--trace, --format and --size are required (or --transitions DIR)");
            // a trace's transitions are replayed in this process's memory anyway: a buffer would bound nothing
            Args.require(cli, buffer == null, "--buffer applies to --transitions only");
            TraceFormat traceFormat = ReplayArguments.format(cli, format);
            List<Capacity> capacities = ReplayArguments.capacities(cli, sizes);
            switch (objective) {
                case "next-access" -> {
                    refuseOptionsOfTheOther(cli, DQN_ONLY, "dqn");
                    return nextAccess(cli, traceFormat, capacities);
                }
                case "dqn" -> refuseOptionsOfTheOther(cli, NEXT_ACCESS_ONLY, "next-access");
                default -> throw new CommandLine.ParameterException(cli,
                        "--objective must be next-access or dqn, got '" + objective + "'");
            }
            int steps = this.steps == null ? 3000 : this.steps;
            int batch = this.batch == null ? 128 : this.batch;
            int rounds = this.rounds == null ? 1 : this.rounds;
            DqnConfig config;
            EvictionTraining.Behaviour behaviour;
            try {
                behaviour = behaviourOptions.behaviour(rounds, seedOption.value());
                config = config(behaviour.k(), seedOption.value(), steps, batch, network, hidden, gamma, cqlAlpha, learningRate,
                        semiMarkov, hindsight);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            ReplayArguments.requireFile(cli, trace, "trace");
            OutputPaths.requireFile(cli, "--out", out);
            PrintWriter err = cli.getErr();
            ComputeBackend backend = device.backend(cli, "train eviction");
            Trace data = traceFormat.read(trace, Strictness.STRICT);
            err.printf(Locale.ROOT, "train eviction: %,d requests, %,d objects; %s%n", data.length(), data.objectCount(), config);
            EvictionTraining.Result r = EvictionTraining.trainAndExport(data, capacities, behaviour, config,
                    backend, out, progress(err, "train eviction", steps * rounds));
            print(cli.getOut(), r, json.enabled(), null);
            return 0;
        }

        /**
         * The dqn objective on transitions a fleet replay wrote: the behaviour options shaped those
         * transitions when they were replayed, so here they (and the trace's) are refused, as is the
         * next-access objective, whose rows a replay does not record. The dataset is read through
         * the {@link TransitionSource.Provider} on the class path (the Spark module's).
         */
        private Integer fromTransitions(CommandLine cli) throws Exception {
            List<String> refused = new java.util.ArrayList<>(List.of("--trace", "--format", "--size", "--rounds", "--admission",
                    "--decisions"));
            refused.addAll(BehaviourOptions.NAMES);
            for (String o : refused) {
                Args.require(cli, !cli.getParseResult().hasMatchedOption(o),
                        "%s does not apply to --transitions (the replay that wrote them chose it: see %s/stats)", o, transitions);
            }
            int buffer = this.buffer == null ? TransitionReservoir.DEFAULT_CAPACITY : this.buffer;
            Args.require(cli, buffer >= 2, "--buffer must be at least 2 (transitions held), got %d", buffer);
            Args.require(cli, !cli.getParseResult().hasMatchedOption("--objective") || objective.equals("dqn"),
                    "--transitions holds dqn transitions: --objective must be dqn");
            OutputPaths.requireFile(cli, "--out", out);
            TransitionSource.Provider provider = TransitionSource.Provider.find().orElseThrow(() ->
                    new CommandLine.ParameterException(cli, "--transitions needs the Spark module's jar on the class path: "
                            + "run it through ./reflex, which adds it"));
            int steps = this.steps == null ? 3000 : this.steps;
            PrintWriter err = cli.getErr();
            ComputeBackend backend = device.backend(cli, "train eviction");
            EvictionTraining.Result r;
            try (TransitionSource source = provider.open(transitions)) {
                DqnConfig config;
                try {
                    // K is the dataset's: the network's widths follow it
                    config = config(source.k(), seedOption.value(), steps, batch == null ? 128 : batch, network, hidden,
                            gamma, cqlAlpha, learningRate, semiMarkov, hindsight);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cli, e.getMessage());
                }
                Args.require(cli, buffer <= TransitionReservoir.maxCapacity(source.k()),
                        "--buffer must be at most %d at K = %d (one Java array of states), got %d",
                        TransitionReservoir.maxCapacity(source.k()), source.k(), buffer);
                err.printf(Locale.ROOT, "train eviction: transitions from %s (%s); buffer %,d transitions; %s%n", transitions,
                        source.behaviour(), buffer, config);
                try {
                    r = EvictionTraining.trainAndExport(source, config, buffer, backend, out,
                            progress(err, "train eviction", steps));
                } catch (OutOfMemoryError e) {
                    // the buffer's arrays are unreachable once trainAndExport has thrown: say which knob, in one line
                    throw new IllegalStateException(String.format(Locale.ROOT, "out of heap (-Xmx %,d MB) reading %s into a "
                            + "replay buffer of up to %,d transitions (%,d bytes each once sampling): lower --buffer or "
                            + "raise the heap (JAVA_TOOL_OPTIONS=-Xmx...)", Runtime.getRuntime().maxMemory() >> 20,
                            transitions, buffer, TransitionReservoir.bytesPerTransition(source.k())), e);
                }
            }
            print(cli.getOut(), r, json.enabled(), buffer);
            return 0;
        }

        /** Options of the dqn objective only. */
        private static final List<String> DQN_ONLY = List.of("--network", "--gamma", "--epsilon", "--cost-discount",
                "--size-exponent", "--hindsight", "--cql-alpha", "--semi-markov", "--hit-history", "--eviction-cost");
        /** Options of the next-access objective only. */
        private static final List<String> NEXT_ACCESS_ONLY = List.of("--admission", "--decisions");

        /** An option of the other objective would be silently ignored: refuse it instead, naming it. */
        private static void refuseOptionsOfTheOther(CommandLine cli, List<String> options, String objective) {
            for (String o : options) {
                Args.require(cli, !cli.getParseResult().hasMatchedOption(o), "%s applies to --objective %s only", o, objective);
            }
        }

        private Integer nextAccess(CommandLine cli, TraceFormat traceFormat, List<Capacity> capacities) throws Exception {
            NextAccessTraining.Settings d = NextAccessTraining.Settings.defaults(seedOption.value());
            NextAccessTraining.Settings settings;
            try {
                String candidates = behaviourOptions.candidates();
                Integer k = behaviourOptions.k();
                EvictionModel.Candidates c = candidates == null ? d.candidates() : switch (candidates) {
                    case "lru" -> EvictionModel.Candidates.LRU;
                    case "sampled" -> EvictionModel.Candidates.SAMPLED;
                    default -> throw new IllegalArgumentException("--candidates must be lru or sampled, got '" + candidates + "'");
                };
                int[] widths = hidden == null ? d.hidden() : hidden.stream().mapToInt(Integer::intValue).toArray();
                settings = new NextAccessTraining.Settings(k == null ? d.k() : k, c, admission,
                        rounds == null ? d.rounds() : rounds, d.selectRound(), decisions, widths, steps == null ? d.steps() : steps,
                        batch == null ? d.batch() : batch, (float) learningRate, seedOption.value());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            ReplayArguments.requireFile(cli, trace, "trace");
            OutputPaths.requireFile(cli, "--out", out);
            PrintWriter err = cli.getErr();
            ComputeBackend backend = device.backend(cli, "train eviction");
            Trace data = traceFormat.read(trace, Strictness.STRICT);
            err.printf(Locale.ROOT, "train eviction: %,d requests, %,d objects; next-access, K %d, %s candidates, "
                    + "admission %s%n", data.length(), data.objectCount(), settings.k(), settings.candidates().value(),
                    settings.admission());
            NextAccessTraining.Result r = NextAccessTraining.trainAndExport(data, capacities, settings,
                    backend, out, line -> {
                        err.println("train eviction: " + line);
                        err.flush();
                    });
            String layers = HistoryFeatures.WIDTH + "-" + java.util.Arrays.stream(settings.hidden())
                    .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("-")) + "-1";
            if (json.enabled()) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("model", r.model().toString());
                root.put("train_seconds", Math.round(r.trainSeconds() * 1000) / 1000.0);
                root.put("transitions", r.rows());
                root.put("objective", "next-access");
                root.put("layers", layers);
                root.put("final_loss", r.finalLoss());
                root.put("selected_round", r.selectedRound());
                root.put("round_hit_ratios", java.util.Arrays.stream(r.roundHitRatios()).boxed().toList());
                Json.print(cli.getOut(), root);
            } else {
                cli.getOut().printf(Locale.ROOT, "model %s (next-access %s): %,d training rows, %.1f s%n", r.model(), layers,
                        r.rows(), r.trainSeconds());
                cli.getOut().flush();
            }
            return 0;
        }

        static DqnConfig config(int k, long seed, int steps, int batch, String network, List<Integer> hidden, double gamma,
                                double cqlAlpha, double learningRate, boolean semiMarkov, boolean hindsight) {
            DqnConfig.Network kind = switch (network) {
                case "candidate" -> DqnConfig.Network.CANDIDATE_DUELING;
                case "dueling" -> DqnConfig.Network.DUELING;
                default -> throw new IllegalArgumentException("--network must be candidate or dueling, got '" + network + "'");
            };
            DqnConfig.Builder b = DqnConfig.builder().network(kind).steps(steps).batchSize(batch).gamma(gamma)
                    .cqlAlpha(cqlAlpha).learningRate(learningRate).semiMarkov(semiMarkov).hindsight(hindsight).seed(seed);
            if (hidden != null) {
                int[] widths = new int[hidden.size() + 2];
                boolean joint = kind == DqnConfig.Network.DUELING;
                widths[0] = joint ? k * EvictionFeatures.PER_CANDIDATE : EvictionFeatures.ROW_WIDTH;
                for (int i = 0; i < hidden.size(); i++) {
                    widths[i + 1] = hidden.get(i);
                }
                widths[widths.length - 1] = joint ? k + 1 : 2;
                b.widths(widths);
            }
            return b.build();
        }

        /** Prints the result; {@code buffer} (null for a trace) adds the replay buffer's bound and what was read. */
        static void print(PrintWriter out, EvictionTraining.Result r, boolean json, Integer buffer) {
            if (json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("model", r.model().toString());
                root.put("train_seconds", Math.round(r.trainSeconds() * 1000) / 1000.0);
                root.put("transitions", r.transitions());
                if (buffer != null) {
                    root.put("transitions_read", r.transitionsRead());
                    root.put("buffer", buffer);
                }
                root.put("layers", r.network().toGraph().layerName());
                double[] last = r.curve().getLast();
                root.put("final_loss", last[1]);
                Json.print(out, root);
            } else {
                String read = buffer == null || r.transitionsRead() == r.transitions() ? ""
                        : String.format(Locale.ROOT, " (a uniform sample of the %,d read)", r.transitionsRead());
                out.printf(Locale.ROOT, "model %s (%s): %,d transitions%s, %.1f s%n", r.model(),
                        r.network().toGraph().layerName(), r.transitions(), read, r.trainSeconds());
                out.flush();
            }
        }
    }

    /** Plain periodic progress lines on stderr: every 10% of the steps. */
    static java.util.function.IntConsumer progress(PrintWriter err, String what, int total) {
        long start = System.nanoTime();
        int[] lastDecile = {0};
        return done -> {
            int decile = (int) (10L * done / total);
            if (decile > lastDecile[0]) {
                lastDecile[0] = decile;
                err.printf(Locale.ROOT, "%s: %3d%% (%,d / %,d steps, %.1f s)%n", what, decile * 10, done, total,
                        (System.nanoTime() - start) / 1e9);
                err.flush();
            }
        };
    }

    /**
     * {@code ./reflex train bandit}: learns a reward model from a decision log (one ridge regression
     * per action on the logged features) and exports it as an ONNX policy whose outputs are the
     * predicted rewards, for the engine to serve greedily or with exploration.
     */
    @Command(name = "bandit", mixinStandardHelpOptions = true,
            description = {"Learn a policy from a decision log: per action, a ridge regression of the logged rewards on "
                    + "the logged features; exported as a one-layer ONNX model scoring each action by predicted reward.",
                    "Then check it with ./reflex promote before it serves."})
    static final class Bandit implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--log", required = true, paramLabel = "DIR", description = "The decision log directory.")
        Path log;

        @Option(names = "--actions", required = true, paramLabel = "K", description = "Actions the loop chooses among.")
        int actions;

        @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "Where to write the model.")
        Path out;

        @Option(names = "--loop", paramLabel = "NAME", description = "The loop to read (required when the log holds several).")
        String loop;

        @Option(names = "--ridge", defaultValue = "1", paramLabel = "L", description = "Ridge penalty (default ${DEFAULT-VALUE}).")
        double ridge;

        @Mixin
        JsonTextOption json;

        @Override
        public Integer call() {
            Args.require(spec.commandLine(), actions >= 1 && actions <= 65_535 && ridge >= 0, "--actions must be in [1, 65535] and --ridge >= 0");
            OutputPaths.requireFile(spec.commandLine(), "--out", out);
            long start = System.nanoTime();
            LoggedDecisions logged = OpeInputs.readLog(spec, log, loop);
            BanditDataset data;
            try {
                data = logged.bandit(actions);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(log + ": " + e.getMessage(), e);
            }
            if (data.size() == 0) {
                throw new IllegalArgumentException("decision log " + log + " holds no decision with an outcome to learn from");
            }
            RidgeRewardModel model = RidgeRewardModel.fit(data, ridge);
            OnnxModelWriter.of(model.toScorer().toGraph()).fixedBatch(1)
                    .metadata("reflex.trainer", "ridge reward model per action")
                    .write(out);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", out.toString());
            root.put("train_seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
            root.put("decisions", data.size());
            root.put("decisions_without_outcome", logged.withoutOutcome());
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), root);
            } else {
                root.forEach((k, v) -> spec.commandLine().getOut().printf("%-26s %s%n", k, v));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
