package io.reflex.cli;

import io.reflex.trainer.ope.BanditDataset;
import io.reflex.trainer.ope.Estimate;
import io.reflex.trainer.ope.LoggedDecisions;
import io.reflex.trainer.ope.OnnxActionScorer;
import io.reflex.trainer.ope.PromotionGate;
import io.reflex.trainer.ope.TargetPolicy;
import io.reflex.trainer.ope.TargetRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex promote}: the safe promotion gate. Exit 0 when the candidate is promoted,
 * {@value #REFUSED} when it is refused; 1 and 2 stay the usual failure and usage codes.
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promotes a candidate model only when the lower confidence bound of its off-policy estimate on "
                + "the logged decisions beats the incumbent's estimate (same estimator, same logs), and says why "
                + "either way.",
                "Exit status: 0 promoted, 3 refused, 1 error, 2 bad usage."})
final class PromoteCommand implements Callable<Integer> {

    /** The exit status of a refused candidate. */
    static final int REFUSED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--candidate", required = true, paramLabel = "MODEL.onnx", description = "The model that wants to serve.")
    Path candidate;

    @Option(names = "--incumbent", required = true, paramLabel = "MODEL.onnx", description = "The model serving now.")
    Path incumbent;

    @Option(names = "--log", required = true, paramLabel = "DIR", description = "The decision log directory.")
    Path log;

    @Option(names = "--loop", paramLabel = "NAME", description = "The loop to read (required when the log holds several).")
    String loop;

    @Option(names = "--estimator", defaultValue = "dr", paramLabel = "NAME",
            description = "ips, snips, dm, dr, sndr or switch-dr (default ${DEFAULT-VALUE}).")
    String estimator;

    @Option(names = "--target", defaultValue = "greedy", paramLabel = "greedy|softmax:T|epsilon:E",
            description = "How both models' scores become action probabilities (default ${DEFAULT-VALUE}).")
    String target;

    @Mixin
    IntervalOptions intervals;

    @Mixin
    SeedOption seedOption;

    @Mixin
    JsonTextOption json;

    @Override
    public Integer call() {
        PromotionGate gate;
        TargetRule rule;
        try {
            gate = new PromotionGate(estimator, intervals.settings(seedOption.value(), 1));
            rule = TargetRule.parse(target);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LoggedDecisions logged = OpeInputs.readLog(spec, log, loop);
        PromotionGate.Verdict verdict;
        try (OnnxActionScorer c = OpeInputs.loadModel(candidate, logged);
             OnnxActionScorer i = OpeInputs.loadModel(incumbent, logged)) {
            if (c.actionCount() != i.actionCount()) {
                throw new IllegalArgumentException(candidate + ": the candidate scores " + c.actionCount()
                        + " actions, the incumbent " + incumbent + " " + i.actionCount());
            }
            BanditDataset data;
            try {
                data = logged.bandit(c.actionCount());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(log + ": " + e.getMessage(), e);
            }
            verdict = gate.decide(data, new TargetPolicy(c, rule), new TargetPolicy(i, rule));
        }
        if (json.enabled()) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("promoted", verdict.promoted());
            root.put("reason", verdict.reason());
            root.put("estimator", verdict.estimator());
            root.put("level", intervals.level);
            root.put("target", rule.toString());
            root.put("log", log.toString());
            root.put("decisions", logged.decisions());
            root.put("decisions_with_outcome", logged.withOutcome());
            root.put("decisions_without_outcome", logged.withoutOutcome());
            root.put("candidate", model(candidate, verdict.candidate()));
            root.put("incumbent", model(incumbent, verdict.incumbent()));
            Json.print(spec.commandLine().getOut(), root);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.println(verdict.reason());
            if (logged.withoutOutcome() > 0) {
                out.printf("(%d of %d logged decisions had no outcome and were left out)%n", logged.withoutOutcome(),
                        logged.decisions());
            }
            out.flush();
        }
        return verdict.promoted() ? 0 : REFUSED;
    }

    private static Map<String, Object> model(Path file, Estimate e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", file.toString());
        if (e != null) {
            m.putAll(OpeInputs.toJson(e));
            m.remove("name");
        }
        return m;
    }
}
