package io.reflex.trainer.ope;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.explore.SoftmaxSelector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Evaluates the evaluators: on simulators where the target policy's true value is exact, draws one
 * log per seed, estimates with every estimator, and reports each estimator's median relative error
 * {@code |V̂ − V| / |V|} and the share of seeds whose bootstrap interval covers {@code V}.
 *
 * <ul>
 *   <li>{@code bandit}: {@link SyntheticBandit#standard}; logging ε-greedy (ε = 0.3) on the
 *       behaviour scorer, through the engine's {@link EpsilonGreedy}; target greedy on the target
 *       scorer; {@code decisions} logged decisions per seed.
 *   <li>{@code sequential}: {@link SequentialTask#standard}; logging softmax (T = 1) on the behaviour
 *       scorer, through the engine's {@link SoftmaxSelector}; target ε-greedy (ε = 0.1) on the target
 *       scorer; {@code episodes} logged episodes per seed.
 * </ul>
 * The environment is fixed by the base seed; seed {@code i} draws log {@code i} and bootstrap
 * {@code i}, the simulator's draws and the logging selector's from distinct seeds (one seed for both
 * would correlate exploration with contexts and rewards, and the logs would no longer be i.i.d.). Seeds run in parallel on the common fork-join pool; the results do not depend on the
 * scheduling.
 *
 * <p>Stateless; {@link #run} is thread-safe.
 */
public final class OpeBenchmark {

    /** Logging exploration of the bandit. */
    static final double BANDIT_EPSILON = 0.3;
    /** Logging temperature of the sequential task. */
    static final double SEQUENCE_TEMPERATURE = 1.0;
    /** The sequential target's exploration. */
    static final TargetRule SEQUENCE_TARGET = new TargetRule(TargetRule.Kind.EPSILON, 0.1);

    /**
     * What to run.
     *
     * @param seeds     logs per simulator, at least 1
     * @param decisions logged decisions per bandit log
     * @param episodes  logged episodes per sequential log
     * @param ope       estimator and bootstrap settings of the bandit (its seed is replaced per log)
     * @param sequenceResamples bootstrap resamples of the sequential task: fewer, because FQE refits
     *                  its regressions on every resample
     * @param baseSeed  the environments' seed
     */
    public record Settings(int seeds, int decisions, int episodes, OpeSettings ope, int sequenceResamples,
                           long baseSeed) {
        public Settings {
            new BootstrapInterval(sequenceResamples, ope.level(), 0);   // validates the count
            if (seeds < 1 || seeds > 10_000) {
                throw new IllegalArgumentException("seeds must be in [1, 10000], got " + seeds);
            }
            if (decisions < 10 || decisions > 50_000_000) {
                throw new IllegalArgumentException("decisions must be in [10, 50000000], got " + decisions);
            }
            if (episodes < 10 || episodes > 10_000_000) {
                throw new IllegalArgumentException("episodes must be in [10, 10000000], got " + episodes);
            }
        }
    }

    /**
     * One estimator on one simulator.
     *
     * @param simulator             {@code bandit} or {@code sequential}
     * @param estimator             the estimator's name
     * @param truth                 the target's true value
     * @param medianRelativeError   median over seeds of {@code |V̂ − V| / |V|}
     * @param coverage              share of seeds whose interval contains V
     * @param meanEstimate          mean point estimate over seeds
     * @param meanIntervalWidth     mean interval width over seeds
     */
    public record Row(String simulator, String estimator, double truth, double medianRelativeError, double coverage,
                      double meanEstimate, double meanIntervalWidth) {
    }

    /**
     * The benchmark's result.
     *
     * @param settings       what ran
     * @param banditTruth    the bandit target's true value
     * @param banditLogging  the bandit logging policy's true value
     * @param sequenceTruth  the sequential target's true value
     * @param sequenceLogging the sequential logging policy's true value
     * @param rows           one per simulator and estimator
     * @param seconds        wall time
     */
    public record Report(Settings settings, double banditTruth, double banditLogging, double sequenceTruth,
                         double sequenceLogging, List<Row> rows, double seconds) {
    }

    private OpeBenchmark() {
    }

    /** Runs the benchmark; {@code progress} receives a line per simulator. */
    public static Report run(Settings s, Consumer<String> progress) {
        long start = System.nanoTime();
        SyntheticBandit bandit = SyntheticBandit.standard(s.baseSeed());
        double banditTruth = bandit.value(new TargetPolicy(bandit.targetScorer(), TargetRule.GREEDY));
        double banditLogging = bandit.value(new TargetPolicy(bandit.behaviourScorer(),
                new TargetRule(TargetRule.Kind.EPSILON, BANDIT_EPSILON)));
        progress.accept("ope benchmark: bandit, " + s.seeds() + " logs of " + s.decisions() + " decisions, truth "
                + banditTruth);
        List<List<Estimate>> banditRuns = IntStream.range(0, s.seeds()).parallel().mapToObj(i -> {
            long seed = mix(s.baseSeed(), i);
            BanditDataset data = bandit.log(s.decisions(), bandit.behaviourScorer(),
                    new EpsilonGreedy(BANDIT_EPSILON, mix(seed, 1)), seed);
            return OffPolicyEvaluation.bandit(data, new TargetPolicy(bandit.targetScorer(), TargetRule.GREEDY),
                    s.ope().withSeed(seed ^ 0xB007L));
        }).toList();

        SequentialTask task = SequentialTask.standard(s.baseSeed());
        OpeSettings sequenceOpe = new OpeSettings(s.sequenceResamples(), s.ope().level(), 0, s.ope().switchTau(),
                s.ope().ridge(), task.gamma());
        double sequenceTruth = task.value(new TargetPolicy(task.targetScorer(), SEQUENCE_TARGET));
        double sequenceLogging = task.value(new TargetPolicy(task.behaviourScorer(),
                new TargetRule(TargetRule.Kind.SOFTMAX, SEQUENCE_TEMPERATURE)));
        progress.accept("ope benchmark: sequential, " + s.seeds() + " logs of " + s.episodes() + " episodes, truth "
                + sequenceTruth);
        List<List<Estimate>> sequenceRuns = IntStream.range(0, s.seeds()).parallel().mapToObj(i -> {
            long seed = mix(s.baseSeed() + 1, i);
            EpisodeDataset data = task.log(s.episodes(), task.behaviourScorer(),
                    new SoftmaxSelector(SEQUENCE_TEMPERATURE, mix(seed, 1)), seed);
            return OffPolicyEvaluation.sequence(data, new TargetPolicy(task.targetScorer(), SEQUENCE_TARGET),
                    sequenceOpe.withSeed(seed ^ 0xB007L));
        }).toList();

        List<Row> rows = new ArrayList<>();
        rows.addAll(summarise("bandit", banditTruth, banditRuns));
        rows.addAll(summarise("sequential", sequenceTruth, sequenceRuns));
        return new Report(s, banditTruth, banditLogging, sequenceTruth, sequenceLogging, rows,
                (System.nanoTime() - start) / 1e9);
    }

    private static List<Row> summarise(String simulator, double truth, List<List<Estimate>> runs) {
        List<Row> rows = new ArrayList<>();
        int estimators = runs.getFirst().size();
        for (int e = 0; e < estimators; e++) {
            double[] errors = new double[runs.size()];
            int covered = 0;
            double sum = 0;
            double width = 0;
            for (int i = 0; i < runs.size(); i++) {
                Estimate est = runs.get(i).get(e);
                errors[i] = Math.abs(est.value() - truth) / Math.abs(truth);
                covered += est.covers(truth) ? 1 : 0;
                sum += est.value();
                width += est.ciHigh() - est.ciLow();
            }
            Arrays.sort(errors);
            rows.add(new Row(simulator, runs.getFirst().get(e).name(), truth, median(errors),
                    (double) covered / runs.size(), sum / runs.size(), width / runs.size()));
        }
        return rows;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A well-spread derived seed (SplittableRandom's mixing), so nearby seeds give unrelated streams. */
    public static long mix(long base, int i) {
        long z = base * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
