package io.reflex.cli;

import io.reflex.engine.adapt.PolicyChallenge;
import io.reflex.trainer.adapt.DecisionAdaptState;
import io.reflex.trainer.adapt.DecisionLogAdaptation;
import io.reflex.trainer.ope.TargetRule;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./reflex adapt --decision-log}: runs a {@link DecisionLogAdaptation} until the challenger is
 * published (or, with {@code --once}, over what the log holds now) and prints its rounds, notes and
 * summary as lines of text or JSON objects. Not thread-safe; one run per instance.
 */
final class DecisionAdapt {

    /** Default scored decisions between rounds (and promotion checks). */
    static final int DEFAULT_EVERY = 1_000;
    /** Default scored decisions before any promotion. */
    static final int DEFAULT_MIN_DECISIONS = 5_000;
    /** Default decisions held awaiting their outcome. */
    static final int DEFAULT_MAX_PENDING = 65_536;

    private final CommandLine cli;
    private final Path log;
    private final String loop;
    private final Path challenger;
    private final String target;
    private final Path modelOut;
    private final Path state;
    private final long every;
    private final int minDecisions;
    private final int maxPending;
    private final long pollMillis;
    private final boolean once;
    private final boolean json;

    DecisionAdapt(CommandLine cli, Path log, String loop, Path challenger, String target, Path modelOut, Path state,
                  long every, int minDecisions, int maxPending, long pollMillis, boolean once, boolean json) {
        this.cli = cli;
        this.log = log;
        this.loop = loop;
        this.challenger = challenger;
        this.target = target;
        this.modelOut = modelOut;
        this.state = state;
        this.every = every;
        this.minDecisions = minDecisions;
        this.maxPending = maxPending;
        this.pollMillis = pollMillis;
        this.once = once;
        this.json = json;
    }

    int run() throws Exception {
        Args.require(cli, every >= 1 && every <= Integer.MAX_VALUE, "--every must be in [1, 2147483647] decisions, got %d", every);
        Args.require(cli, minDecisions >= 2, "--min-decisions must be >= 2, got %d", minDecisions);
        Args.require(cli, maxPending >= 1, "--max-pending must be >= 1, got %d", maxPending);
        TargetRule rule;
        try {
            rule = TargetRule.parse(target);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--target: " + e.getMessage());
        }
        PrintWriter out = cli.getOut();
        try (DecisionLogAdaptation adaptation = new DecisionLogAdaptation(log, loop, challenger, rule.selector(),
                rule.toString(), modelOut, state, (int) every, minDecisions, maxPending, PolicyChallenge.DEFAULT_Z,
                new Report(out, json))) {
            DecisionAdaptState s = adaptation.state();
            cli.getErr().printf(Locale.ROOT, "adapt: following %s from sequence %d; %,d decisions scored so far%s%n", log,
                    s.nextSequence(), adaptation.challenge().decisions(),
                    s.promoted() ? "; the challenger was already published at decision " + s.promotedAt() : "");
            cli.getErr().flush();
            while (!s.promoted()) {
                boolean read = adaptation.step();
                if (once) {
                    break;
                }
                if (!read) {
                    Thread.sleep(pollMillis);
                }
            }
            summary(out, adaptation);
        }
        return 0;
    }

    private void summary(PrintWriter out, DecisionLogAdaptation a) {
        DecisionAdaptState s = a.state();
        PolicyChallenge c = a.challenge();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("event", "summary");
            root.put("decisions", s.decisions());
            root.put("outcomes", s.outcomes());
            root.put("scored", c.decisions());
            root.put("pending", s.pending());
            root.put("without_outcome", s.withoutOutcome());
            root.put("unmatched_outcomes", s.unmatchedOutcomes());
            root.put("rounds", s.rounds());
            root.put("promoted", s.promoted());
            root.put("promoted_at_decision", s.promoted() ? s.promotedAt() : null);
            root.put("next_sequence", s.nextSequence());
            Json.print(out, root);
        } else {
            out.printf(Locale.ROOT, "adapt: %,d decisions read, %,d scored, %,d pending, %,d without an outcome, %,d unmatched"
                            + " outcomes; %d rounds; %s%n", s.decisions(), c.decisions(), s.pending(), s.withoutOutcome(),
                    s.unmatchedOutcomes(), s.rounds(), s.promoted() ? "challenger published at decision " + s.promotedAt()
                            : "challenger not published");
            out.flush();
        }
    }

    /** Prints each event as a line of text, or as a JSON object per line. */
    private record Report(PrintWriter out, boolean json) implements DecisionLogAdaptation.Listener {

        @Override
        public void note(long atDecision, String line) {
            AdaptNotes.print(out, json, "decision", atDecision, line);
        }

        @Override
        public void round(DecisionLogAdaptation.Round r) {
            if (json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("event", "round");
                root.put("at_decision", r.atDecision());
                root.put("log_sequence", r.logSequence());
                Map<String, Object> ch = new LinkedHashMap<>();
                ch.put("value", OpeFormat.round(r.challengerValue()));
                ch.put("ci_low", OpeFormat.round(r.challengerLow()));
                ch.put("ci_high", OpeFormat.round(r.challengerHigh()));
                ch.put("ips", OpeFormat.round(r.ips()));
                ch.put("snips", OpeFormat.round(r.snips()));
                root.put("challenger", ch);
                Map<String, Object> inc = new LinkedHashMap<>();
                inc.put("value", OpeFormat.round(r.incumbentValue()));
                inc.put("ci_low", OpeFormat.round(r.incumbentLow()));
                inc.put("ci_high", OpeFormat.round(r.incumbentHigh()));
                root.put("incumbent", inc);
                root.put("promoted", r.promoted());
                root.put("reason", r.reason());
                Json.print(out, root);
            } else {
                out.printf(Locale.ROOT, "adapt: round at decision %,d: challenger %.4f [%.4f, %.4f], incumbent %.4f [%.4f, %.4f]:"
                                + " %s (%s)%n", r.atDecision(), r.challengerValue(), r.challengerLow(), r.challengerHigh(),
                        r.incumbentValue(), r.incumbentLow(), r.incumbentHigh(),
                        r.promoted() ? "published" : "kept the served model", r.reason());
                out.flush();
            }
        }
    }
}
