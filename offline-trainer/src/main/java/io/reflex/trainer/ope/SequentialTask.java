package io.reflex.trainer.ope;

import io.reflex.engine.explore.ActionSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small finite-horizon Markov decision process whose every policy's value is computed exactly by
 * dynamic programming: {@code S} states, {@code K} actions, episodes of {@code H} steps from a uniform
 * initial state, random transition probabilities {@code P(s'|s, a)}, and Bernoulli rewards with
 * random means {@code m(s, a)}. A step's context is {@code [t, onehot(s)]}: the step index first (the
 * convention {@link LoggedDecisions} uses to cut episodes from a log), then the state.
 *
 * <p>Immutable and thread-safe; sampling takes its seed as an argument.
 */
public final class SequentialTask {

    private final int states;
    private final int actions;
    private final int horizon;
    private final double gamma;
    private final double[] transitions;
    private final double[] meanRewards;
    private final LinearActionScorer behaviourScorer;
    private final LinearActionScorer targetScorer;

    /**
     * @param states  at least 2
     * @param actions at least 2
     * @param horizon steps per episode, at least 1
     * @param gamma   discount in [0, 1]
     * @param seed    the environment seed
     */
    public SequentialTask(int states, int actions, int horizon, double gamma, long seed) {
        if (states < 2 || actions < 2 || horizon < 1 || !(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("a sequential task needs >= 2 states, >= 2 actions, horizon >= 1 and gamma in [0, 1]");
        }
        this.states = states;
        this.actions = actions;
        this.horizon = horizon;
        this.gamma = gamma;
        SplittableRandom r = new SplittableRandom(seed);
        this.transitions = new double[states * actions * states];
        for (int sa = 0; sa < states * actions; sa++) {
            double total = 0;
            for (int s2 = 0; s2 < states; s2++) {
                // Exponentials of Gaussians: each row is a skewed distribution, not a uniform one.
                double w = Math.exp(1.5 * r.nextGaussian());
                transitions[sa * states + s2] = w;
                total += w;
            }
            for (int s2 = 0; s2 < states; s2++) {
                transitions[sa * states + s2] /= total;
            }
        }
        this.meanRewards = new double[states * actions];
        for (int i = 0; i < meanRewards.length; i++) {
            meanRewards[i] = r.nextDouble();
        }
        int width = featureCount();
        float[] wb = new float[actions * width];
        float[] wt = new float[actions * width];
        for (int a = 0; a < actions; a++) {
            for (int s = 0; s < states; s++) {
                // Weight 0 on the step index: both policies are stationary.
                wb[a * width + 1 + s] = (float) r.nextGaussian();
                wt[a * width + 1 + s] = (float) (4 * meanRewards[s * actions + a] + 0.5 * r.nextGaussian());
            }
        }
        this.behaviourScorer = new LinearActionScorer(width, actions, wb, new float[actions]);
        this.targetScorer = new LinearActionScorer(width, actions, wt, new float[actions]);
    }

    /** The benchmark's task: 5 states, 3 actions, 5 steps, undiscounted. */
    public static SequentialTask standard(long seed) {
        return new SequentialTask(5, 3, 5, 1.0, seed);
    }

    /** Context width: the step index and the one-hot state. */
    public int featureCount() {
        return 1 + states;
    }

    public int actionCount() {
        return actions;
    }

    public int horizon() {
        return horizon;
    }

    public double gamma() {
        return gamma;
    }

    /** Random preferences per state: the logging policy's scores. */
    public LinearActionScorer behaviourScorer() {
        return behaviourScorer;
    }

    /** Scores that mostly follow the immediate mean reward: the target's. */
    public LinearActionScorer targetScorer() {
        return targetScorer;
    }

    /** The context of state {@code s} at step {@code t}. */
    public float[] context(int t, int s) {
        float[] x = new float[featureCount()];
        x[0] = t;
        x[1 + s] = 1;
        return x;
    }

    /** The exact expected discounted return of {@code policy} from a uniform initial state. */
    public double value(TargetPolicy policy) {
        double[] next = new double[states];
        double[] current = new double[states];
        double[] p = new double[actions];
        for (int t = horizon - 1; t >= 0; t--) {
            for (int s = 0; s < states; s++) {
                policy.distribution(context(t, s), p);
                double v = 0;
                for (int a = 0; a < actions; a++) {
                    double future = 0;
                    for (int s2 = 0; s2 < states; s2++) {
                        future += transitions[(s * actions + a) * states + s2] * next[s2];
                    }
                    v += p[a] * (meanRewards[s * actions + a] + gamma * future);
                }
                current[s] = v;
            }
            double[] swap = next;
            next = current;
            current = swap;
        }
        double j = 0;
        for (int s = 0; s < states; s++) {
            j += next[s];
        }
        return j / states;
    }

    /** Logs {@code n} episodes, choosing with {@code behaviour} on {@code scorer}'s scores. */
    public EpisodeDataset log(int n, ActionScorer scorer, ActionSelector behaviour, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<EpisodeDataset.Episode> episodes = new ArrayList<>(n);
        float[] scores = new float[actions];
        for (int i = 0; i < n; i++) {
            float[][] x = new float[horizon][];
            int[] a = new int[horizon];
            double[] r = new double[horizon];
            double[] p = new double[horizon];
            int s = random.nextInt(states);
            for (int t = 0; t < horizon; t++) {
                x[t] = context(t, s);
                scorer.score(x[t], scores);
                a[t] = behaviour.choose(scores, 0, actions);
                p[t] = behaviour.probability();
                r[t] = random.nextDouble() < meanRewards[s * actions + a[t]] ? 1 : 0;
                s = nextState(s, a[t], random);
            }
            episodes.add(new EpisodeDataset.Episode(x, a, r, p));
        }
        return new EpisodeDataset(actions, episodes);
    }

    private int nextState(int s, int a, SplittableRandom random) {
        double u = random.nextDouble();
        int row = (s * actions + a) * states;
        for (int s2 = 0; s2 < states - 1; s2++) {
            u -= transitions[row + s2];
            if (u < 0) {
                return s2;
            }
        }
        return states - 1;
    }
}
