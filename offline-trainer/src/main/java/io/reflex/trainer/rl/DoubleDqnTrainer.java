package io.reflex.trainer.rl;

import io.reflex.compute.ComputeBackend;
import io.reflex.trainer.nn.QNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Dueling Double DQN over logged eviction transitions (offline: the replay buffer is the whole
 * {@link TransitionSet}, sampled uniformly with a seeded stream; a {@link TransitionReservoir} bounds
 * it when the transitions do not fit).
 *
 * <p>Per gradient step, for a batch of transitions {@code (s, a, r, s')}:
 * <pre>
 *   a*  = argmax over the valid candidates of s' of Q_online(s', ·)        (Double DQN: online picks,
 *   y   = r + γ^span · Q_target(s', a*)  (0 instead when s' does not exist)   target evaluates)
 *   L   = Huber(Q_online(s, a) − y)  [+ α · (logsumexp_valid Q_online(s, ·) − Q_online(s, a))]
 * </pre>
 * With {@link DqnConfig#permuteCandidates()}, each sampled state's candidates are shuffled (and the
 * logged action with them) before the update. {@code span} is 1 unless {@link DqnConfig#semiMarkov()}, in which case it is the victim's size in
 * mean resident sizes ({@link TransitionSet#span}): freeing more space pushes the next eviction, and
 * the misses it will cost, further away. The bracketed term is the CQL(H) penalty, for logs from a single behaviour policy: it pushes down
 * the Q-values of actions the log rarely shows relative to the logged one. The target network
 * follows the online one by Polyak averaging (τ). Gradients are clipped by global norm, and Adam
 * steps. Only positions of real candidates enter a max or the penalty.
 *
 * <p>All arithmetic runs through the {@link ComputeBackend}. Deterministic: the same transitions,
 * configuration and seed give the same weights bit for bit. Not thread-safe; allocates its batch
 * buffers once.
 */
public final class DoubleDqnTrainer {

    /** What training produced: the online network and the loss curve (mean loss per reporting interval). */
    public record Result(QNetwork network, List<double[]> curve, double seconds) {
    }

    private final ComputeBackend backend;
    private final DqnConfig config;

    public DoubleDqnTrainer(ComputeBackend backend, DqnConfig config) {
        this.backend = backend;
        this.config = config;
    }

    /**
     * Trains on {@code data}.
     *
     * @param progress called with the number of steps done, every 1% of the steps (may be null)
     */
    public Result train(TransitionSet data, IntConsumer progress) {
        int width = data.stateWidth();
        int actions = data.k();
        config.requireFits(data.k());
        if (data.size() < 2) {
            throw new IllegalArgumentException("need at least 2 transitions, got " + data.size());
        }
        long start = System.nanoTime();
        int b = config.batchSize();
        QNetwork online = config.newNetwork(backend, data.k(), b);
        QNetwork target = config.newNetwork(backend, data.k(), b);
        target.copyWeightsFrom(online);
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
        float[] states = new float[b * width];
        float[] next = new float[b * width];
        int[] index = new int[b];
        int[] bestNext = new int[b];
        int[] loggedAction = new int[b];
        int[] counts = new int[b];
        int[] nextCounts = new int[b];
        int[] permutation = new int[b * data.k()];
        float[] row = new float[width];
        float[] targets = new float[b * actions];
        float[] weights = new float[b * actions];
        float[] grad = new float[b * actions];
        float[] qCopy = new float[b * actions];
        double gamma = config.gamma();
        float alpha = config.cqlAlpha();
        List<double[]> curve = new ArrayList<>();
        int interval = Math.max(1, config.steps() / 100);
        double lossSum = 0;
        double qSum = 0;
        int inInterval = 0;
        for (int step = 1; step <= config.steps(); step++) {
            for (int r = 0; r < b; r++) {
                int t = random.nextInt(data.size());
                index[r] = t;
                data.copyState(t, states, r * width);
                loggedAction[r] = data.action(t);
                counts[r] = data.candidateCount(t);
                nextCounts[r] = data.done(t) ? 1 : data.nextCandidateCount(t);
                if (config.permuteCandidates()) {
                    loggedAction[r] = permute(states, r * width, data.candidateCount(t), data.action(t), permutation,
                            r * data.k(), row, random);
                }
                if (!data.done(t)) {
                    data.copyNextState(t, next, r * width);
                } else {
                    java.util.Arrays.fill(next, r * width, (r + 1) * width, 0f);
                }
            }
            // Double DQN: the online network chooses the next action...
            float[] q = online.forward(next, b, nextCounts);
            for (int r = 0; r < b; r++) {
                int t = index[r];
                int n = nextCounts[r];
                int best = 0;
                for (int a = 1; a < n; a++) {
                    if (q[r * actions + a] > q[r * actions + best]) {
                        best = a;
                    }
                }
                bestNext[r] = best;
            }
            // ...the target network evaluates it.
            float[] qt = target.forward(next, b, nextCounts);
            java.util.Arrays.fill(weights, 0f);
            for (int r = 0; r < b; r++) {
                int t = index[r];
                double y = data.reward(t);
                if (!data.done(t)) {
                    double discount = config.semiMarkov() ? Math.pow(gamma, data.span(t)) : gamma;
                    y += discount * qt[r * actions + bestNext[r]];
                }
                int a = loggedAction[r];
                targets[r * actions + a] = (float) y;
                weights[r * actions + a] = 1f;
                if (config.hindsight()) {
                    double bootstrap = data.done(t) ? 0 : qt[r * actions + bestNext[r]];
                    int n = data.candidateCount(t);
                    for (int j = 0; j < n; j++) {
                        int original = config.permuteCandidates() ? permutation[r * data.k() + j] : j;
                        double discount = config.semiMarkov() ? Math.pow(gamma, data.candidateSpan(t, original)) : gamma;
                        targets[r * actions + j] = (float) (data.candidateReward(t, original) + discount * bootstrap);
                        weights[r * actions + j] = 1f;
                    }
                }
            }
            online.zeroGrad();
            q = online.forward(states, b, counts);
            System.arraycopy(q, 0, qCopy, 0, b * actions);
            double loss = backend.huber(qCopy, targets, weights, b * actions, config.huberDelta(), b, grad);
            if (alpha > 0) {
                loss += cqlPenalty(data, index, loggedAction, qCopy, grad, b, actions, alpha);
            }
            online.backward(grad);
            online.clipGradients(config.gradientClip());
            online.adamStep(config.learningRate());
            target.softUpdateFrom(online, config.tau());
            lossSum += loss;
            for (int r = 0; r < b; r++) {
                qSum += qCopy[r * actions + loggedAction[r]];
            }
            if (++inInterval == interval || step == config.steps()) {
                curve.add(new double[] {step, lossSum / inInterval, qSum / ((double) inInterval * b)});
                lossSum = 0;
                qSum = 0;
                inInterval = 0;
                if (progress != null) {
                    progress.accept(step);
                }
            }
        }
        return new Result(online, List.copyOf(curve), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Shuffles the first {@code n} candidate rows of the state at {@code offset} (seeded
     * Fisher-Yates), leaves in {@code permutation[at + i]} the original position of the candidate now
     * in slot {@code i}, and returns where the logged action went. A candidate's value of eviction depends
     * on its own features, not on the slot it was logged in, so this shows every output slot every
     * kind of candidate, where the LRU-heavy log shows slot 0 almost always.
     */
    private static int permute(float[] states, int offset, int n, int action, int[] permutation, int at, float[] row,
                               SplittableRandom random) {
        int f = io.reflex.engine.eviction.EvictionFeatures.PER_CANDIDATE;
        for (int i = 0; i < n; i++) {
            permutation[at + i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = permutation[at + i];
            permutation[at + i] = permutation[at + j];
            permutation[at + j] = tmp;
        }
        System.arraycopy(states, offset, row, 0, n * f);
        int moved = action;
        for (int i = 0; i < n; i++) {
            System.arraycopy(row, permutation[at + i] * f, states, offset + i * f, f);
            if (permutation[at + i] == action) {
                moved = i;
            }
        }
        return moved;
    }

    /** Adds α·(softmax − one-hot(a))/b to the gradient over valid candidates; returns the penalty. */
    private static double cqlPenalty(TransitionSet data, int[] index, int[] loggedAction, float[] q, float[] grad, int b,
                                     int actions, float alpha) {
        double penalty = 0;
        for (int r = 0; r < b; r++) {
            int t = index[r];
            int n = data.candidateCount(t);
            int base = r * actions;
            double max = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < n; a++) {
                max = Math.max(max, q[base + a]);
            }
            double sum = 0;
            for (int a = 0; a < n; a++) {
                sum += Math.exp(q[base + a] - max);
            }
            double lse = max + Math.log(sum);
            int logged = loggedAction[r];
            penalty += lse - q[base + logged];
            for (int a = 0; a < n; a++) {
                double softmax = Math.exp(q[base + a] - lse);
                grad[base + a] += (float) (alpha * (softmax - (a == logged ? 1 : 0)) / b);
            }
        }
        return alpha * penalty / b;
    }
}
