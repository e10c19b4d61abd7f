package io.reflex.cli;

import io.reflex.trainer.adapt.AdaptState;
import io.reflex.trainer.adapt.LogAdaptation;
import io.reflex.trainer.adapt.RetrainRound;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.rl.NextAccessTraining;
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

/**
 * {@code ./reflex adapt}: follows a growing NGINX access log, retrains on its trailing window and
 * replaces the served model file, atomically, only when the new model beats the served one and LRU
 * on recent requests it never saw ({@link LogAdaptation}); or, with {@code --decision-log}, follows
 * a decision loop's log and publishes a challenger only when it beats the logged policy off-policy
 * ({@link DecisionAdapt}).
 */
@Command(name = "adapt", mixinStandardHelpOptions = true, subcommands = AdaptDemoCommand.class,
        description = {"Follow a growing NGINX access log, retrain the eviction model on its trailing window, and "
                + "replace the served model file (atomically; the sidecar hot-reloads it) only when the new model "
                + "beats the served one and LRU on the most recent requests, which it was not trained on.",
                "The position in the log and the window live in --state: a restart resumes there. Survives log "
                        + "rotation (rename or copytruncate), a partial last line and restarts.",
                "--source, --sizes, --model-out and --state are required (they are not shown as such so that "
                        + "`adapt demo` needs none of them).",
                "With --decision-log DIR (instead of --source and --sizes): follow a decision loop's log, score "
                        + "--challenger against the logged policy off-policy (DR) as outcomes arrive, and publish it to "
                        + "--model-out only when its lower bound beats the incumbent's upper bound after at least "
                        + "--min-decisions; --target and --state are required."})
final class AdaptCommand implements Callable<Integer> {

    /** Default trailing window, in requests. */
    static final int DEFAULT_WINDOW = 200_000;
    /** Default new requests between rounds. */
    static final long DEFAULT_EVERY = 50_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", paramLabel = "ACCESS_LOG",
            description = "The access log to follow (it need not exist yet).")
    Path source;

    @Option(names = "--format", defaultValue = "nginx", paramLabel = "FMT",
            description = "The log's format: nginx (NGINX's combined layout or Reflex's extended one; default).")
    String format;

    @Option(names = "--sizes", split = ",", paramLabel = "S1,S2",
            description = "The cache's size(s), as for train eviction (e.g. 256m or 50000).")
    List<String> sizes;

    @Option(names = "--model-out", paramLabel = "MODEL.onnx",
            description = "The served model file: replaced only by a model that wins.")
    Path modelOut;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where the log position, the window and the latest candidate are kept.")
    Path state;

    @Option(names = "--window", defaultValue = "" + DEFAULT_WINDOW, paramLabel = "N",
            description = "Trailing requests retrained on (default ${DEFAULT-VALUE}; 32 bytes each in memory and in --state).")
    int window;

    @Option(names = "--every", paramLabel = "N",
            description = "New requests between retraining rounds (default " + DEFAULT_EVERY + "); with --decision-log, "
                    + "scored decisions between rounds (default " + DecisionAdapt.DEFAULT_EVERY + ").")
    Long every;

    @Option(names = "--decision-log", paramLabel = "DIR",
            description = "Follow this decision log (the engine's segmented format) instead of an access log.")
    Path decisionLog;

    @Option(names = "--challenger", paramLabel = "MODEL.onnx",
            description = "With --decision-log: the model scored against the logged policy and published when it wins.")
    Path challenger;

    @Option(names = "--target", paramLabel = "RULE",
            description = "With --decision-log: how the challenger would serve: greedy, softmax:T or epsilon:E (the loop's "
                    + "own exploration, to be judged like the incumbent, whose mean reward pays for it).")
    String target;

    @Option(names = "--loop", paramLabel = "NAME",
            description = "With --decision-log: the loop to follow (default: the log's only loop).")
    String loop;

    @Option(names = "--min-decisions", paramLabel = "N",
            description = "With --decision-log: scored decisions before any promotion (default " + DecisionAdapt.DEFAULT_MIN_DECISIONS + ").")
    Integer minDecisions;

    @Option(names = "--max-pending", defaultValue = "" + DecisionAdapt.DEFAULT_MAX_PENDING, paramLabel = "N",
            description = "With --decision-log: decisions held awaiting their outcome; older ones are given up (default ${DEFAULT-VALUE}).")
    int maxPending;

    @Option(names = "--min-requests", paramLabel = "N",
            description = "Requests the window must hold before any round, and so any promotion (default: the whole --window).")
    Long minRequests;

    @Option(names = "--holdout", defaultValue = "0.2", paramLabel = "F",
            description = "The window's most recent share held out of training for the check (default ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--min-gain", defaultValue = "0.002", paramLabel = "G",
            description = "Hit-ratio margin the new model must have over both the served model and LRU (default ${DEFAULT-VALUE}).")
    double minGain;

    @Mixin
    TrainingBudgetOption budget;

    @Option(names = "--poll-ms", defaultValue = "1000", paramLabel = "MS",
            description = "How often the log is checked for new lines when it has none (default ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--once", description = "Read what the log holds now, run a round if one is due, save and exit.")
    boolean once;

    @Mixin
    SeedOption seedOption;

    @Mixin
    DeviceOption device;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (decisionLog != null) {
            Args.require(cli, source == null && sizes == null, "--decision-log follows a decision log; --source and --sizes are for access logs");
            Args.require(cli, challenger != null, "missing --challenger MODEL.onnx (with --decision-log)");
            Args.require(cli, target != null, "missing --target RULE (with --decision-log): the loop's exploration, e.g. epsilon:0.3");
            Args.require(cli, modelOut != null, "missing --model-out MODEL.onnx");
            Args.require(cli, state != null, "missing --state DIR");
            Args.require(cli, pollMillis >= 1, "--poll-ms must be >= 1, got %d", pollMillis);
            OutputPaths.requireFile(cli, "--model-out", modelOut);
            OutputPaths.requireDirectory(cli, "--state", state);
            return new DecisionAdapt(cli, decisionLog, loop, challenger, target, modelOut, state,
                    every == null ? DecisionAdapt.DEFAULT_EVERY : every,
                    minDecisions == null ? DecisionAdapt.DEFAULT_MIN_DECISIONS : minDecisions, maxPending, pollMillis, once,
                    json.enabled()).run();
        }
        Args.require(cli, challenger == null && target == null && loop == null && minDecisions == null,
                "--challenger, --target, --loop and --min-decisions go with --decision-log");
        long every = this.every == null ? DEFAULT_EVERY : this.every;
        // Not picocli-required: they would be required of `adapt demo` too.
        Args.require(cli, source != null, "missing --source ACCESS_LOG (or the subcommand demo)");
        Args.require(cli, sizes != null && !sizes.isEmpty(), "missing --sizes");
        Args.require(cli, modelOut != null, "missing --model-out MODEL.onnx");
        Args.require(cli, state != null, "missing --state DIR");
        TraceFormat traceFormat = ReplayArguments.format(cli, format);
        List<Capacity> capacities = ReplayArguments.capacities(cli, sizes);
        Args.require(cli, window >= 2, "--window must be >= 2, got %d", window);
        Args.require(cli, pollMillis >= 1, "--poll-ms must be >= 1, got %d", pollMillis);
        OutputPaths.requireFile(cli, "--model-out", modelOut);
        OutputPaths.requireDirectory(cli, "--state", state);
        PrintWriter out = cli.getOut();
        LogAdaptation adaptation;
        try {
            NextAccessTraining.Settings training = budget.settings(seedOption.value());
            RetrainRound round = new RetrainRound(capacities, training, device.backend(cli, "adapt"), holdout, minGain,
                    RetrainRound.NGINX_CLASSICAL);
            adaptation = new LogAdaptation(source, traceFormat, modelOut, state, window, every,
                    minRequests == null ? window : minRequests, round, new Report(out, json.enabled()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        try (adaptation) {
            AdaptState s = adaptation.state();
            cli.getErr().printf(Locale.ROOT, "adapt: following %s from line %d; window %,d of %,d requests, %d rounds so far%n",
                    source, s.position().line() + 1, s.window().size(), window, s.rounds());
            cli.getErr().flush();
            do {
                if (!adaptation.step() && !once) {
                    Thread.sleep(pollMillis);
                }
            } while (!once);
            summary(out, s);
        }
        return 0;
    }

    private void summary(PrintWriter out, AdaptState s) {
        if (json.enabled()) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("event", "summary");
            root.put("requests", s.window().added());
            root.put("window_requests", s.window().size());
            root.put("rounds", s.rounds());
            root.put("promotions", s.promotions());
            root.put("malformed_lines", s.malformed());
            root.put("line", s.position().line());
            Json.print(out, root);
        } else {
            out.printf(Locale.ROOT, "adapt: %,d requests read (%,d in the window), %d rounds, %d promotions, %,d malformed lines%n",
                    s.window().added(), s.window().size(), s.rounds(), s.promotions(), s.malformed());
            out.flush();
        }
    }

    /** Prints each event as a line of text, or as a JSON object per line. */
    private record Report(PrintWriter out, boolean json) implements LogAdaptation.Listener {

        @Override
        public void note(long atRequest, String line) {
            AdaptNotes.print(out, json, "request", atRequest, line);
        }

        @Override
        public void round(long atRequest, RetrainRound.Verdict v) {
            if (json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("event", "round");
                root.put("at_request", atRequest);
                root.put("train_requests", v.trainRequests());
                root.put("holdout_requests", v.holdoutRequests());
                root.put("hit_ratio_candidate", v.candidate());
                root.put("hit_ratio_served", Double.isNaN(v.incumbent()) ? null : v.incumbent());
                root.put("hit_ratio_lru", v.classical());
                root.put("promoted", v.promoted());
                root.put("reason", v.reason());
                root.put("train_seconds", Math.round(v.trainSeconds() * 1000) / 1000.0);
                Json.print(out, root);
            } else {
                out.printf(Locale.ROOT, "adapt: round at request %,d: candidate %.4f, served %s, LRU %.4f on the last %,d "
                                + "requests: %s (%s)%n", atRequest, v.candidate(),
                        Double.isNaN(v.incumbent()) ? "none" : String.format(Locale.ROOT, "%.4f", v.incumbent()),
                        v.classical(), v.holdoutRequests(), v.promoted() ? "promoted" : "kept the served model", v.reason());
                out.flush();
            }
        }
    }
}
