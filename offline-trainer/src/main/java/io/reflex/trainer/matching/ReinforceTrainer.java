package io.reflex.trainer.matching;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.matching.ArrivalHistory;
import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.engine.matching.ExpertRule;
import io.reflex.engine.matching.MatchingState;
import io.reflex.engine.matching.OfflineNodes;
import io.reflex.engine.matching.RobustnessSwitch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains the per-candidate scorer with REINFORCE, as the reference trains LOMAR.
 *
 * <p><b>An episode</b> replays one instance. At each item the expert decides on its shadow matching;
 * the candidates' rows are written exactly as the engine writes them ({@link CandidateFeatures});
 * the network's scores give a softmax policy {@code π} over them, and a proposal {@code x̃ ~ π} is
 * drawn. Without a switch (pure RL) the proposal is the action. With the <em>soft switch</em>, the
 * proposal's margin {@code Δ} ({@link RobustnessSwitch#margin}) gives
 * {@code p_RL = softmax([Δ / T, 0])₀ = σ(Δ / T)}, and the action is drawn from
 * {@code p_RL · π + (1 − p_RL) · onehot(expert's fallback)}; evaluation later uses the hard switch.
 *
 * <p><b>The update</b> maximises {@code (G − b) · Σ_t log p(a_t) + β_H · Σ_t H(π_t)}, where
 * {@code G} is the episode's reward minus the expert's reward on the same instance (a control
 * variate: it does not depend on the policy, so the expected gradient is unchanged, but the
 * instance-to-instance variance of the reward cancels; {@link Settings.Builder#expertControlVariate}
 * turns it off), {@code b} a moving-average baseline ({@code b ← β b + (1 − β) · mean batch G}),
 * {@code p} the mixture above and {@code H} the entropy of {@code π}. With the mixture, {@code ∇ log p(a) = (p_RL π(a) / p(a)) ∇ log π(a)}.
 * Gradients are accumulated over a batch of episodes in one pass (every step's rows of the batch run
 * forward again at update time as one block, on the weights that scored them: the weights change only
 * between batches), clipped to a global
 * norm and applied with the shared Adam ({@code io.reflex.compute}, in float, like every trainer);
 * the learning rate decays per epoch. Rewards and {@code T} are in units of the largest weight bound.
 *
 * <p>Deterministic for a given seed (instance order, sampling and initial weights all come from it).
 * Not thread-safe; a trainer instance runs one training at a time.
 */
public final class ReinforceTrainer {

    private final Settings settings;

    public ReinforceTrainer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * What a training produced: the network (mutable, owned by the caller), the episodes played, the
     * wall time, the last epoch's average reward, and feature rows for the exported model's golden
     * pairs ({@code goldenRowCount} rows of {@value CandidateFeatures#COUNT}).
     */
    public record Result(ScorerNetwork network, int episodes, double seconds, double lastEpochAverageReward,
                         float[] goldenRows, int goldenRowCount) {
    }

    /**
     * Trains a scorer on {@code instances} (all over {@code nodes}) from seeded random weights.
     *
     * @param progress receives one line per epoch (for stderr)
     */
    public Result train(List<MatchingInstance> instances, OfflineNodes nodes, Consumer<String> progress) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("no training instances");
        }
        int horizon = settings.horizon > 0 ? settings.horizon : instances.getFirst().online();
        int limit = settings.candidateLimit > 0 ? settings.candidateLimit : nodes.count();
        Episode episode = new Episode(nodes, horizon, limit, maxOnline(instances));
        SplittableRandom random = new SplittableRandom(settings.seed);
        ScorerNetwork network = ScorerNetwork.create(new VectorCpuBackend(), random.nextLong(), episode.maxRows,
                settings.hidden);
        double scale = nodes.maxWeightBound();
        RobustnessSwitch robustness = settings.softSwitch ? new RobustnessSwitch(settings.rho, settings.slack) : null;

        long began = System.nanoTime();
        int[] order = new int[instances.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double baseline = Double.NaN;
        double learningRate = settings.learningRate;
        double lastEpochAverage = 0;
        int episodes = 0;
        for (int epoch = 0; epoch < settings.epochs; epoch++) {
            shuffle(order, random);
            double epochReward = 0;
            for (int from = 0; from < order.length; from += settings.batchSize) {
                int to = Math.min(order.length, from + settings.batchSize);
                // Play the batch first, so every episode of the batch sees the same baseline.
                List<Episode.Trace> traces = new ArrayList<>(to - from);
                double sum = 0;
                double signalSum = 0;
                for (int k = from; k < to; k++) {
                    Episode.Trace trace = episode.play(instances.get(order[k]), network, robustness, settings, scale, random);
                    traces.add(trace);
                    sum += trace.reward();
                    signalSum += signal(trace);
                }
                double mean = signalSum / (to - from);
                if (Double.isNaN(baseline)) {
                    baseline = mean;
                }
                accumulate(network, traces, baseline, scale);
                network.ascend(learningRate, to - from, settings.maxGradientNorm);
                baseline = settings.baselineDecay * baseline + (1 - settings.baselineDecay) * mean;
                epochReward += sum;
                episodes += to - from;
            }
            lastEpochAverage = epochReward / order.length;
            learningRate *= settings.learningRateDecay;
            progress.accept(String.format("epoch %d/%d: average reward %.4f (baseline %.4f)", epoch + 1,
                    settings.epochs, lastEpochAverage, baseline));
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        float[] golden = episode.goldenRows(instances.getFirst(), 8);
        return new Result(network, episodes, seconds, lastEpochAverage, golden, golden.length / CandidateFeatures.COUNT);
    }

    /**
     * The batch's gradient in one pass: every step of every trace, in order, as one block of rows with
     * its score gradients (the weights have not changed since the rows were scored, and each parameter's
     * gradient adds the rows in the same order as one pass per step did: the same bits).
     */
    private void accumulate(ScorerNetwork network, List<Episode.Trace> traces, double baseline, double scale) {
        int total = 0;
        for (Episode.Trace trace : traces) {
            for (Episode.Step s : trace.steps()) {
                total += s.count();
            }
        }
        if (total == 0) {
            return;
        }
        float[] rows = network.batchInput(total);
        float[] upstream = network.scoreGradient();
        int at = 0;
        for (Episode.Trace trace : traces) {
            at = trace.write((signal(trace) - baseline) / scale, settings.entropyWeight, rows, upstream, at);
        }
        network.accumulate(total);
    }

    /**
     * The return the update weighs log-probabilities by: the episode's reward, minus (with
     * {@link Settings.Builder#expertControlVariate}) the expert's reward on the same instance. The
     * expert's reward does not depend on the policy, so subtracting it leaves the gradient unbiased
     * while cancelling most of the variance that comes from instances being richer or poorer.
     */
    private double signal(Episode.Trace trace) {
        double g = settings.expertControlVariate ? trace.reward() - trace.expertReward() : trace.reward();
        double shortfall = trace.expertReward() - trace.reward();
        // Risk-sensitive: an episode that ends below the expert is weighed (1 + λ) times, which buys the
        // worst case (the competitive ratio) at a little of the average.
        return shortfall > 0 ? g - settings.shortfallWeight * shortfall : g;
    }

    private static int maxOnline(List<MatchingInstance> instances) {
        int max = 0;
        for (MatchingInstance i : instances) {
            max = Math.max(max, i.online());
        }
        return max;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Replays instances, keeping what the update needs. Reused across episodes. */
    private static final class Episode {
        private final MatchingState own;
        private final MatchingState shadow;
        private final ArrivalHistory history;
        private final CandidateFeatures features;
        private final int maxRows;
        private final int[] candidates;
        private final double[] probabilities;

        Episode(OfflineNodes nodes, int horizon, int candidateLimit, int maxOnline) {
            this.own = new MatchingState(nodes);
            this.shadow = new MatchingState(nodes);
            this.history = new ArrivalHistory(nodes.count());
            this.features = new CandidateFeatures(nodes, horizon, candidateLimit);
            this.maxRows = features.maxRows();
            this.candidates = new int[maxRows];
            this.probabilities = new double[maxRows];
        }

        /**
         * One step's record: the candidate rows ({@code count × COUNT} features; the update runs them
         * forward again, with the same weights, to back-propagate), the policy over the rows, the
         * chosen row and the weight of ∇log π(a).
         */
        record Step(float[] rows, int count, double[] pi, int action, double coefficient) {
        }

        /** A played episode: its steps, its reward, and the expert's reward on the same instance. */
        record Trace(List<Step> steps, double reward, double expertReward) {
            /**
             * Writes every step's rows into {@code rows} and their score gradients into {@code upstream},
             * from row {@code at}; returns the row after the last.
             */
            int write(double advantage, double entropyWeight, float[] rows, float[] upstream, int at) {
                for (Step s : steps) {
                    double entropy = 0;
                    for (int j = 0; j < s.count; j++) {
                        double p = s.pi[j];
                        if (p > 0) {
                            entropy -= p * Math.log(p);
                        }
                    }
                    System.arraycopy(s.rows, 0, rows, at * CandidateFeatures.COUNT, s.count * CandidateFeatures.COUNT);
                    for (int j = 0; j < s.count; j++) {
                        double p = s.pi[j];
                        double g = advantage * s.coefficient * ((j == s.action ? 1 : 0) - p);
                        if (p > 0) {
                            g += entropyWeight * (-p * (Math.log(p) + entropy));
                        }
                        upstream[at + j] = (float) g;
                    }
                    at += s.count;
                }
                return at;
            }
        }

        Trace play(MatchingInstance instance, ScorerNetwork network, RobustnessSwitch robustness, Settings settings,
                   double scale, SplittableRandom random) {
            own.reset();
            shadow.reset();
            history.reset();
            List<Step> steps = new ArrayList<>(instance.online());
            float[] rows = new float[maxRows * CandidateFeatures.COUNT];
            for (int t = 0; t < instance.online(); t++) {
                double[] w = instance.weights(t);
                int expert = settings.expert.choose(w, shadow);
                shadow.record(expert, w);
                int count = features.write(w, own, history, candidates, rows);
                float[] scores = network.forward(rows, count);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    probabilities[j] = scores[j];
                    max = Math.max(max, probabilities[j]);
                }
                double total = 0;
                for (int j = 0; j < count; j++) {
                    probabilities[j] = Math.exp(probabilities[j] - max);
                    total += probabilities[j];
                }
                for (int j = 0; j < count; j++) {
                    probabilities[j] /= total;
                }
                int proposal = sample(probabilities, count, random);
                int actionRow;
                int actionNode;
                double coefficient;
                if (robustness == null) {
                    actionRow = proposal;
                    actionNode = candidates[proposal];
                    coefficient = 1;
                } else {
                    int node = candidates[proposal];
                    double margin = robustness.margin(own, shadow, node, node == MatchingState.SKIP ? 0 : w[node]);
                    double pRl = 1 / (1 + Math.exp(-margin / (settings.temperature * scale)));
                    int fallback = expert != MatchingState.SKIP && own.hasRoom(expert) ? expert : MatchingState.SKIP;
                    int fallbackRow = -1;
                    for (int j = 0; j < count; j++) {
                        if (candidates[j] == fallback) {
                            fallbackRow = j;
                            break;
                        }
                    }
                    // Draw from p_RL · π + (1 − p_RL) · onehot(fallback).
                    if (random.nextDouble() < pRl) {
                        actionRow = sample(probabilities, count, random);
                    } else {
                        actionRow = fallbackRow;
                    }
                    if (actionRow >= 0) {
                        actionNode = candidates[actionRow];
                        double mixture = pRl * probabilities[actionRow] + (actionRow == fallbackRow ? 1 - pRl : 0);
                        coefficient = mixture > 0 ? pRl * probabilities[actionRow] / mixture : 0;
                    } else {
                        // The fallback is outside the scored rows (a candidate limit): no gradient through π.
                        actionNode = fallback;
                        coefficient = 0;
                    }
                }
                steps.add(new Step(Arrays.copyOf(rows, count * CandidateFeatures.COUNT), count,
                        Arrays.copyOf(probabilities, count), actionRow, coefficient));
                own.record(actionNode, w);
                history.observe(w);
            }
            return new Trace(steps, own.reward(), shadow.reward());
        }

        private static int sample(double[] p, int count, SplittableRandom random) {
            double x = random.nextDouble();
            for (int j = 0; j < count - 1; j++) {
                x -= p[j];
                if (x < 0) {
                    return j;
                }
            }
            return count - 1;
        }

        /** Feature rows from the start of {@code instance} (greedy decisions), for the exported model's golden pairs. */
        float[] goldenRows(MatchingInstance instance, int rowsWanted) {
            own.reset();
            history.reset();
            float[] rows = new float[maxRows * CandidateFeatures.COUNT];
            float[] out = new float[rowsWanted * CandidateFeatures.COUNT];
            int have = 0;
            for (int t = 0; t < instance.online() && have < rowsWanted; t++) {
                double[] w = instance.weights(t);
                int count = features.write(w, own, history, candidates, rows);
                int take = Math.min(count, rowsWanted - have);
                System.arraycopy(rows, 0, out, have * CandidateFeatures.COUNT, take * CandidateFeatures.COUNT);
                have += take;
                own.record(ExpertRule.greedy().choose(w, own), w);
                history.observe(w);
            }
            return Arrays.copyOf(out, have * CandidateFeatures.COUNT);
        }
    }

    /** Validated training settings; defaults in brackets. Immutable once built. */
    public static final class Settings {
        final boolean softSwitch;
        final double rho;
        final double slack;
        final double temperature;
        final ExpertRule expert;
        final int[] hidden;
        final int epochs;
        final int batchSize;
        final double learningRate;
        final double learningRateDecay;
        final double baselineDecay;
        final double entropyWeight;
        final double maxGradientNorm;
        final long seed;
        final int candidateLimit;
        final int horizon;
        final boolean expertControlVariate;
        final double shortfallWeight;

        private Settings(Builder b) {
            this.softSwitch = b.softSwitch;
            this.rho = b.rho;
            this.slack = b.slack;
            this.temperature = b.temperature;
            this.expert = b.expert;
            this.hidden = b.hidden.clone();
            this.epochs = b.epochs;
            this.batchSize = b.batchSize;
            this.learningRate = b.learningRate;
            this.learningRateDecay = b.learningRateDecay;
            this.baselineDecay = b.baselineDecay;
            this.entropyWeight = b.entropyWeight;
            this.maxGradientNorm = b.maxGradientNorm;
            this.seed = b.seed;
            this.candidateLimit = b.candidateLimit;
            this.horizon = b.horizon;
            this.expertControlVariate = b.expertControlVariate;
            this.shortfallWeight = b.shortfallWeight;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Whether the soft switch is on (LOMAR training) or off (pure RL). */
        public boolean softSwitch() {
            return softSwitch;
        }

        public double rho() {
            return rho;
        }

        public int[] hidden() {
            return hidden.clone();
        }

        public int epochs() {
            return epochs;
        }

        @Override
        public String toString() {
            return (softSwitch ? "lomar(rho=" + rho + ", B=" + slack + ", T=" + temperature + ")" : "pure-rl")
                    + " hidden=" + Arrays.toString(hidden) + " epochs=" + epochs + " batch=" + batchSize
                    + " lr=" + learningRate + " seed=" + seed;
        }

        /** Builder for {@link Settings}; every setter validates its value. */
        public static final class Builder {
            private boolean softSwitch;
            private double rho;
            private double slack;
            private double temperature = 0.3;
            private ExpertRule expert = ExpertRule.greedy();
            private int[] hidden = {16, 16};
            private int epochs = 40;
            private int batchSize = 32;
            private double learningRate = 0.01;
            private double learningRateDecay = 0.97;
            private double baselineDecay = 0.8;
            private double shortfallWeight;
            private double entropyWeight = 0.01;
            private double maxGradientNorm = 1.0;
            private long seed = 42;
            private int candidateLimit;
            private int horizon;
            private boolean expertControlVariate = true;

            private Builder() {
            }

            /** Train through the soft switch at robustness ρ with slack B [off: pure RL]. */
            public Builder softSwitch(double rho, double slack) {
                if (!(rho >= 0 && rho <= 1)) {
                    throw new IllegalArgumentException("rho must be in [0, 1], got " + rho);
                }
                if (!(slack >= 0) || Double.isInfinite(slack)) {
                    throw new IllegalArgumentException("slack must be finite and >= 0, got " + slack);
                }
                this.softSwitch = true;
                this.rho = rho;
                this.slack = slack;
                return this;
            }

            /** Pure RL: no switch in training. */
            public Builder pureRl() {
                this.softSwitch = false;
                return this;
            }

            /** Soft-switch temperature T, in units of the largest weight bound [0.3]. */
            public Builder temperature(double t) {
                if (!(t > 0 && t <= 1e6)) {
                    throw new IllegalArgumentException("temperature must be in (0, 1e6], got " + t);
                }
                this.temperature = t;
                return this;
            }

            /** The expert of the soft switch [greedy]. */
            public Builder expert(ExpertRule expert) {
                this.expert = Objects.requireNonNull(expert, "expert");
                return this;
            }

            /** Hidden layer widths [16, 16]. */
            public Builder hidden(int... widths) {
                if (widths.length < 1 || widths.length > 4) {
                    throw new IllegalArgumentException("1 to 4 hidden layers, got " + widths.length);
                }
                for (int w : widths) {
                    if (w < 1 || w > 4096) {
                        throw new IllegalArgumentException("hidden width must be in [1, 4096], got " + w);
                    }
                }
                this.hidden = widths.clone();
                return this;
            }

            /** Passes over the training instances [40]. */
            public Builder epochs(int epochs) {
                if (epochs < 1 || epochs > 100_000) {
                    throw new IllegalArgumentException("epochs must be in [1, 100000], got " + epochs);
                }
                this.epochs = epochs;
                return this;
            }

            /** Episodes per update [32]. */
            public Builder batchSize(int size) {
                if (size < 1 || size > 100_000) {
                    throw new IllegalArgumentException("batch size must be in [1, 100000], got " + size);
                }
                this.batchSize = size;
                return this;
            }

            /** Adam's learning rate [0.01] and its decay per epoch [0.97]. */
            public Builder learningRate(double rate, double decayPerEpoch) {
                if (!(rate > 0 && rate < 10) || !(decayPerEpoch > 0 && decayPerEpoch <= 1)) {
                    throw new IllegalArgumentException("learning rate must be in (0, 10) and its decay in (0, 1], got "
                            + rate + " and " + decayPerEpoch);
                }
                this.learningRate = rate;
                this.learningRateDecay = decayPerEpoch;
                return this;
            }

            /** β of the moving-average baseline [0.8]. */
            public Builder baselineDecay(double beta) {
                if (!(beta >= 0 && beta < 1)) {
                    throw new IllegalArgumentException("baseline decay must be in [0, 1), got " + beta);
                }
                this.baselineDecay = beta;
                return this;
            }

            /** Weight of the entropy bonus [0.01]. */
            public Builder entropyWeight(double weight) {
                if (!(weight >= 0 && weight < 100)) {
                    throw new IllegalArgumentException("entropy weight must be in [0, 100), got " + weight);
                }
                this.entropyWeight = weight;
                return this;
            }

            /** Global gradient-norm clip [1]. */
            public Builder maxGradientNorm(double norm) {
                if (!(norm > 0) || Double.isInfinite(norm)) {
                    throw new IllegalArgumentException("gradient norm clip must be finite and > 0, got " + norm);
                }
                this.maxGradientNorm = norm;
                return this;
            }

            /** Seed of the initial weights, instance order and sampling [42]. */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /** Score at most k candidates per decision, as the matcher will [all]. */
            public Builder candidateLimit(int k) {
                if (k < 0) {
                    throw new IllegalArgumentException("candidate limit must be >= 1 (or 0 for all), got " + k);
                }
                this.candidateLimit = k;
                return this;
            }

            /** Items per episode for the progress feature [the first instance's item count]. */
            public Builder horizon(int items) {
                if (items < 0) {
                    throw new IllegalArgumentException("horizon must be >= 1 (or 0 for the instances' length), got " + items);
                }
                this.horizon = items;
                return this;
            }

            /**
             * Whether the return is the reward minus the expert's reward on the same instance (a
             * control variate that does not change the expected gradient) [true]; the moving-average
             * baseline then tracks that difference.
             */
            public Builder expertControlVariate(boolean enabled) {
                this.expertControlVariate = enabled;
                return this;
            }

            /**
             * λ ≥ 0: how much more an episode's shortfall below the expert's reward on the same
             * instance weighs in the return than a gain does [0: none]. Above 0 the objective is
             * risk-sensitive: it trades a little average reward for a better worst case.
             */
            public Builder shortfallWeight(double lambda) {
                if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                    throw new IllegalArgumentException("shortfall weight must be finite and >= 0, got " + lambda);
                }
                this.shortfallWeight = lambda;
                return this;
            }

            public Settings build() {
                return new Settings(this);
            }
        }
    }
}
