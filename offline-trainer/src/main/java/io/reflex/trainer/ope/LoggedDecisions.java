package io.reflex.trainer.ope;

import io.reflex.engine.log.DecisionLogReader;
import io.reflex.engine.log.LogDamage;
import io.reflex.engine.log.LogRecord;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The engine's decision log read back for learning and evaluation: decisions joined to their
 * outcomes by decision id.
 *
 * <p>Joining: an outcome's reward belongs to the decision whose id it names; several outcomes of one
 * decision add up (partial or delayed rewards). A decision without any outcome is counted
 * ({@link #withoutOutcome()}) and left out of the datasets, never silently: the reward of a decision
 * nobody reported on is unknown, not zero. An outcome naming no decision in the log (its decision was
 * in a deleted segment, or dropped under load) is counted too ({@link #orphanOutcomes()}). Torn tails
 * are skipped by {@link DecisionLogReader} and counted ({@link #tornTailsSkipped()}).
 *
 * <p>Episodes (for sequential evaluation), by convention: a decision's <em>first feature is its step
 * index</em> within the episode. An episode is a run of one loop's decisions, in log order, starting
 * at a decision with step 0 and going on while each decision's step is one more than the last. A run
 * that does not start at step 0 (the log began mid-episode), that skips a step (a record was
 * dropped), or whose steps miss an outcome is counted in {@link EpisodeCut#incomplete()} and left
 * out. Episodes of one loop must therefore not interleave; give concurrent episodes their own loops.
 *
 * <p>Immutable after {@link #read}; thread-safe for reading.
 */
public final class LoggedDecisions {

    private final Path dir;
    private final List<LogRecord.Decision> decisions;
    private final Map<Long, Double> rewards;
    private final long orphanOutcomes;
    private final long tornTails;
    private final List<LogDamage> damage;
    private final List<String> loops;

    private LoggedDecisions(Path dir, List<LogRecord.Decision> decisions, Map<Long, Double> rewards,
                            long orphanOutcomes, long tornTails, List<LogDamage> damage, List<String> loops) {
        this.dir = dir;
        this.decisions = decisions;
        this.rewards = rewards;
        this.orphanOutcomes = orphanOutcomes;
        this.tornTails = tornTails;
        this.damage = damage;
        this.loops = loops;
    }

    /**
     * Reads {@code dir}, keeping the decisions of {@code loop} (null: every loop, which must then be
     * only one).
     *
     * @throws IllegalArgumentException naming the directory and the decision or field at fault
     * @throws UncheckedIOException     when the directory is missing or unreadable
     */
    public static LoggedDecisions read(Path dir, String loop) {
        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord.Decision> decisions = new ArrayList<>();
        List<LogRecord.Outcome> outcomes = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        Set<Long> everyDecision = new HashSet<>();
        reader.forEach(r -> {
            switch (r) {
                case LogRecord.Decision d -> {
                    seen.add(d.loop());
                    everyDecision.add(d.decisionId());
                    if (loop == null || loop.equals(d.loop())) {
                        decisions.add(d);
                    }
                }
                case LogRecord.Outcome o -> outcomes.add(o);
            }
        });
        if (loop == null && seen.size() > 1) {
            throw new IllegalArgumentException("decision log " + dir + " holds the loops " + seen
                    + "; choose one (--loop)");
        }
        if (loop != null && !seen.contains(loop)) {
            throw new IllegalArgumentException("decision log " + dir + " has no decision of loop '" + loop + "'"
                    + (seen.isEmpty() ? "" : "; it holds " + seen));
        }
        Map<Long, LogRecord.Decision> byId = new HashMap<>(decisions.size() * 2);
        int width = -1;
        for (LogRecord.Decision d : decisions) {
            if (width < 0) {
                width = d.features().length;
            } else if (d.features().length != width) {
                throw new IllegalArgumentException("decision log " + dir + ": decision " + d.decisionId() + " has "
                        + d.features().length + " features, earlier decisions " + width);
            }
            float p = d.propensity();
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("decision log " + dir + ": decision " + d.decisionId()
                        + " has propensity " + p + ", outside (0, 1] (was exploration logged?)");
            }
            if (d.action() < 0) {
                throw new IllegalArgumentException("decision log " + dir + ": decision " + d.decisionId()
                        + " has action " + d.action());
            }
            byId.put(d.decisionId(), d);
        }
        Map<Long, Double> rewards = new HashMap<>(decisions.size() * 2);
        long orphans = 0;
        for (LogRecord.Outcome o : outcomes) {
            if (!byId.containsKey(o.decisionId())) {
                // An outcome of another loop's decision is not an orphan; only one of no decision is.
                orphans += everyDecision.contains(o.decisionId()) ? 0 : 1;
                continue;
            }
            if (!Float.isFinite(o.reward())) {
                throw new IllegalArgumentException("decision log " + dir + ": outcome " + o.sequence() + " of decision "
                        + o.decisionId() + " has reward " + o.reward());
            }
            rewards.merge(o.decisionId(), (double) o.reward(), Double::sum);
        }
        return new LoggedDecisions(dir, List.copyOf(decisions), rewards, orphans, reader.tornTailsSkipped(),
                reader.damage().stream().filter(LogDamage::isCorruption).toList(), List.copyOf(seen));
    }

    /** The log directory. */
    public Path dir() {
        return dir;
    }

    /** Decisions read (of the chosen loop). */
    public int decisions() {
        return decisions.size();
    }

    /** Decisions with at least one outcome. */
    public int withOutcome() {
        return rewards.size();
    }

    /** Decisions without any outcome: left out of the datasets. */
    public int withoutOutcome() {
        return decisions.size() - rewards.size();
    }

    /** Outcomes naming a decision the log does not hold. */
    public long orphanOutcomes() {
        return orphanOutcomes;
    }

    /**
     * Corruption and missing segments the reader reported (torn tails aside): estimates from a
     * damaged log rest on the records that survived, which a report should say.
     */
    public List<LogDamage> damage() {
        return damage;
    }

    /** Records lost to {@link #damage()}, as the sequence numbers around each damage tell. */
    public long recordsLost() {
        long lost = 0;
        for (LogDamage d : damage) {
            lost += switch (d) {
                case LogDamage.Skipped s -> s.recordsLost();
                case LogDamage.MissingSegment m -> m.records();
            };
        }
        return lost;
    }

    /** Torn segment tails the reader skipped. */
    public long tornTailsSkipped() {
        return tornTails;
    }

    /** Every loop name in the log. */
    public List<String> loops() {
        return loops;
    }

    /** Features per decision (0 when there is none). */
    public int featureCount() {
        return decisions.isEmpty() ? 0 : decisions.getFirst().features().length;
    }

    /**
     * The decisions with an outcome as a bandit dataset over {@code actionCount} actions.
     *
     * @throws IllegalArgumentException naming the decision whose action is out of range
     */
    public BanditDataset bandit(int actionCount) {
        int n = withOutcome();
        float[][] x = new float[n][];
        int[] a = new int[n];
        double[] r = new double[n];
        double[] p = new double[n];
        int i = 0;
        for (LogRecord.Decision d : decisions) {
            Double reward = rewards.get(d.decisionId());
            if (reward == null) {
                continue;
            }
            checkAction(d, actionCount);
            x[i] = d.features();
            a[i] = d.action();
            r[i] = reward;
            p[i] = d.propensity();
            i++;
        }
        return new BanditDataset(actionCount, x, a, r, p);
    }

    /**
     * The complete episodes and how many were cut.
     *
     * @param data       the complete episodes
     * @param incomplete episodes (or runs of steps) left out: not starting at step 0, skipping a step,
     *                   or with a step lacking its outcome
     */
    public record EpisodeCut(EpisodeDataset data, int incomplete) {
    }

    /**
     * The decisions cut into episodes by the step-index convention (see the class comment).
     *
     * @throws IllegalArgumentException if decisions have no features (no step index), or an action is
     *                                  out of range
     */
    public EpisodeCut episodes(int actionCount) {
        if (!decisions.isEmpty() && featureCount() == 0) {
            throw new IllegalArgumentException("decision log " + dir + ": decisions have no features, so no step index "
                    + "(feature 0) to cut episodes by");
        }
        List<EpisodeDataset.Episode> complete = new ArrayList<>();
        int incomplete = 0;
        List<LogRecord.Decision> run = new ArrayList<>();
        boolean broken = false;
        for (LogRecord.Decision d : decisions) {
            checkAction(d, actionCount);
            float step = d.features()[0];
            if (step == 0) {
                if (!run.isEmpty()) {
                    incomplete += close(run, broken, complete);
                }
                run.clear();
                broken = false;
            } else if (run.isEmpty() || step != run.getLast().features()[0] + 1) {
                // Mid-episode start or a skipped step: the rest of this run is unusable.
                broken = true;
            }
            run.add(d);
        }
        if (!run.isEmpty()) {
            incomplete += close(run, broken, complete);
        }
        return new EpisodeCut(new EpisodeDataset(actionCount, complete), incomplete);
    }

    /** Adds the run as an episode when it is whole; returns 1 when it was left out. */
    private int close(List<LogRecord.Decision> run, boolean broken, List<EpisodeDataset.Episode> out) {
        int n = run.size();
        float[][] x = new float[n][];
        int[] a = new int[n];
        double[] r = new double[n];
        double[] p = new double[n];
        for (int t = 0; t < n; t++) {
            LogRecord.Decision d = run.get(t);
            Double reward = rewards.get(d.decisionId());
            if (broken || reward == null) {
                return 1;
            }
            x[t] = d.features();
            a[t] = d.action();
            r[t] = reward;
            p[t] = d.propensity();
        }
        out.add(new EpisodeDataset.Episode(x, a, r, p));
        return 0;
    }

    private void checkAction(LogRecord.Decision d, int actionCount) {
        if (d.action() >= actionCount) {
            throw new IllegalArgumentException("decision log " + dir + ": decision " + d.decisionId() + " took action "
                    + d.action() + ", but the policy has " + actionCount + " actions");
        }
    }
}
