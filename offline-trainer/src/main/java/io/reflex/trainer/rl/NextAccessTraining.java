package io.reflex.trainer.rl;

import io.reflex.compute.ComputeBackend;
import io.reflex.engine.adapt.FeatureProfile;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.learned.NextAccessPolicy;
import io.reflex.trainer.nn.MlpExport;
import io.reflex.trainer.nn.RegressionNetwork;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a {@value HistoryFeatures#SCHEMA} eviction model by relaxed Belady (as LRB and 3L-Cache):
 * replay the trace at each capacity, record the rows of sampled decisions with the log time to each
 * object's next request as the label ({@link NextAccessSamples}), fit a small ReLU network to them
 * ({@link RegressionNetwork}), and export it as ONNX ({@code rows [1, 11] → next [1, 1]}) with the
 * {@link EvictionModel} contract, golden pairs and the {@link FeatureProfile} of the rows it met in
 * its own replay (the rows of every round without one) in its metadata.
 *
 * <p>The first round replays under LRU over the candidates; each later round replays under the
 * model the previous round wrote (served by the engine, admission included), pools its rows and
 * refits, so the model also learns the caches it makes itself (as DAgger).
 *
 * <p>With {@code selectRound}, the model exported is the round whose model replayed the trace best
 * (the mean hit ratio over the capacities; the last round's model gets one more replay for it;
 * ties go to the later round). A fit on few rows can land on a worse model than the round before
 * it; which one a short trace gets moves with the seed by more than the designs differ, and the
 * replay is the evidence the training has anyway. On the development suite it lifted the mean hit
 * ratio from 0.4489 to 0.4522 (seed 1) and from 0.4527 to 0.4528 (seed 2), docs/measurements.md.
 *
 * <p>Deterministic: the same trace, capacities and settings give the same model bytes. Stateless
 * and thread-safe; each call allocates its own buffers.
 */
public final class NextAccessTraining {

    /**
     * @param k                  candidates per decision
     * @param candidates         which objects a decision sees
     * @param admission          whether the model answers admission
     * @param rounds             replay-and-fit rounds
     * @param selectRound        export the round whose model replayed best, not the last one
     * @param decisionsPerReplay decisions kept per replay (each gives up to K + 1 rows)
     * @param hidden             hidden widths
     * @param steps              Adam steps per fit
     * @param batch              rows per step
     * @param learningRate       Adam's step size
     * @param seed               seed of the reservoirs, the initial weights and the batches
     */
    public record Settings(int k, EvictionModel.Candidates candidates, boolean admission, int rounds,
                           boolean selectRound, int decisionsPerReplay, int[] hidden, int steps, int batch, float learningRate, long seed) {
        public Settings {
            Objects.requireNonNull(candidates, "candidates");
            EvictionModel.requireK(k);
            if (rounds < 1 || rounds > 10) {
                throw new IllegalArgumentException("rounds must be in [1, 10], got " + rounds);
            }
            if (decisionsPerReplay < 1 || steps < 1 || batch < 1) {
                throw new IllegalArgumentException("decisions per replay, steps and batch must be >= 1, got "
                        + decisionsPerReplay + ", " + steps + ", " + batch);
            }
            if (hidden.length < 1 || Arrays.stream(hidden).anyMatch(w -> w < 1 || w > 1024)) {
                throw new IllegalArgumentException("hidden widths must be in [1, 1024], got " + Arrays.toString(hidden));
            }
            if (!(learningRate > 0 && learningRate < 1)) {
                throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
            }
            hidden = hidden.clone();
        }

        /** The defaults, chosen on the whole development suite (docs/measurements.md). */
        public static Settings defaults(long seed) {
            return new Settings(64, EvictionModel.Candidates.SAMPLED, false, 3, true, 3_000, new int[] {32, 32}, 3_000, 256,
                    1e-3f, seed);
        }

        public EvictionModel contract() {
            return new EvictionModel(HistoryFeatures.SCHEMA, candidates, k, admission);
        }
    }

    /**
     * What a training produced: the model file, the rows and loss of the last fit, and the round
     * (1-based) whose model was exported with each round's model's mean replay hit ratio
     * ({@code roundHitRatios[r - 1]} for round {@code r}; NaN where it was not replayed, the last
     * round's without {@code selectRound}).
     */
    public record Result(Path model, int rows, double trainSeconds, double finalLoss, int selectedRound,
                         double[] roundHitRatios) {
    }

    private NextAccessTraining() {
    }

    /**
     * Replays, fits and writes the model to {@code out} (overwritten by each round).
     *
     * @param progress receives one line per round (may be null)
     */
    public static Result trainAndExport(Trace trace, List<Capacity> capacities, Settings settings,
                                        ComputeBackend backend, Path out, Consumer<String> progress) {
        Objects.requireNonNull(out, "out");
        if (capacities.isEmpty()) {
            throw new IllegalArgumentException("at least one capacity is needed");
        }
        long start = System.nanoTime();
        List<NextAccessSamples> pool = new ArrayList<>();
        double loss = Double.NaN;
        int rows = 0;
        int rounds = settings.rounds();
        // modelHitRatio[r]: round r's model (r >= 1), replayed in round r + 1 or after the last
        double[] modelHitRatio = new double[rounds + 1];
        Arrays.fill(modelHitRatio, Double.NaN);
        OnnxModelWriter[] models = new OnnxModelWriter[rounds + 1];
        // replayed[m]: the rows of the replays under round m's model (0: LRU over the candidates)
        List<List<NextAccessSamples>> replayed = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            StringBuilder replays = new StringBuilder();
            double sum = 0;
            List<NextAccessSamples> thisRound = new ArrayList<>();
            for (int c = 0; c < capacities.size(); c++) {
                NextAccessSamples samples = samples(trace, settings, round, c);
                SimulationResult result = replay(trace, capacities.get(c), settings, round == 0 ? null : out, samples);
                sum += result.hitRatio();
                replays.append(String.format(java.util.Locale.ROOT, "%s%.4f at %s", c == 0 ? "" : ", ",
                        result.hitRatio(), capacities.get(c)));
                thisRound.add(samples);
            }
            pool.addAll(thisRound);
            replayed.add(thisRound);
            if (round > 0) {
                modelHitRatio[round] = sum / capacities.size();
            }
            rows = pool.stream().mapToInt(NextAccessSamples::rowCount).sum();
            if (rows == 0) {
                throw new IllegalArgumentException(trace.name() + ": no eviction decisions to learn from at "
                        + capacities + " (is every capacity larger than the trace's working set?)");
            }
            float[] x = new float[rows * HistoryFeatures.WIDTH];
            float[] y = new float[rows];
            int r = 0;
            for (NextAccessSamples s : pool) {
                r = s.copyTo(x, y, r);
            }
            RegressionNetwork network = new RegressionNetwork(backend, widths(settings), settings.batch(), settings.seed());
            loss = fit(network, x, y, rows, settings);
            models[round + 1] = MlpExport.recordDevice(modelWriter(network, x, rows, settings.contract()), backend);
            models[round + 1].write(out);
            if (progress != null) {
                progress.accept(String.format(java.util.Locale.ROOT, "round %d: replayed under %s, hit ratio %s; %,d rows, loss %.5f",
                        round + 1, round == 0 ? "LRU over the candidates" : "round " + round + "'s model", replays, rows, loss));
            }
        }
        int selected = rounds;
        if (settings.selectRound()) {
            double sum = 0;
            List<NextAccessSamples> last = new ArrayList<>();
            for (int c = 0; c < capacities.size(); c++) {
                NextAccessSamples samples = samples(trace, settings, rounds, c);
                sum += replay(trace, capacities.get(c), settings, out, samples).hitRatio();
                last.add(samples);
            }
            replayed.add(last);
            modelHitRatio[rounds] = sum / capacities.size();
            for (int r = rounds - 1; r >= 1; r--) {
                if (modelHitRatio[r] > modelHitRatio[selected]) {
                    selected = r;
                }
            }
            if (progress != null) {
                progress.accept(String.format(java.util.Locale.ROOT,
                        "exported round %d's model: mean replay hit ratio of each round's model %s", selected,
                        Arrays.toString(Arrays.copyOfRange(modelHitRatio, 1, rounds + 1))));
            }
        }
        // The profile a host checks live inputs against: the rows the exported model met in its own
        // replay (a policy shapes what is resident, so rows made under another policy would read as
        // drift), else every training row.
        List<NextAccessSamples> profiled = selected < replayed.size()
                && replayed.get(selected).stream().mapToInt(NextAccessSamples::rowCount).sum() > 0
                ? replayed.get(selected) : pool;
        models[selected].metadata(FeatureProfile.METADATA, profile(profiled).format()).write(out);
        return new Result(out, rows, (System.nanoTime() - start) / 1e9, loss, selected,
                Arrays.copyOfRange(modelHitRatio, 1, rounds + 1));
    }

    private static NextAccessSamples samples(Trace trace, Settings settings, int round, int capacity) {
        return new NextAccessSamples(trace, settings.k(), settings.decisionsPerReplay(),
                settings.seed() * 1_000_003L + round * 101L + capacity);
    }

    /** The profile of every row the samples kept (at least one). */
    private static FeatureProfile profile(List<NextAccessSamples> samples) {
        int n = samples.stream().mapToInt(NextAccessSamples::rowCount).sum();
        float[] x = new float[n * HistoryFeatures.WIDTH];
        float[] y = new float[n];
        int r = 0;
        for (NextAccessSamples s : samples) {
            r = s.copyTo(x, y, r);
        }
        return FeatureProfile.of(x, n, HistoryFeatures.WIDTH, FeatureProfile.DEFAULT_BINS);
    }

    private static int[] widths(Settings s) {
        int[] w = new int[s.hidden().length + 2];
        w[0] = HistoryFeatures.WIDTH;
        System.arraycopy(s.hidden(), 0, w, 1, s.hidden().length);
        w[w.length - 1] = 1;
        return w;
    }

    /**
     * One replay under LRU over the candidates ({@code model} null) or under {@code model}, its
     * decisions recorded into {@code samples} (null: not recorded).
     */
    private static SimulationResult replay(Trace trace, Capacity capacity, Settings settings, Path model,
                                           NextAccessSamples samples) {
        NextAccessLoop loop = null;
        if (model != null) {
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
            SwapResult swap = store.offer(model);
            if (!swap.accepted()) {
                store.close();
                throw new IllegalStateException("the engine refused the model of the previous round: " + swap.reason());
            }
            loop = NextAccessLoop.builder().k(settings.k()).admission(settings.admission()).store(store).noDeadline().build();
        }
        try (NextAccessPolicy behaviour = new NextAccessPolicy(settings.contract(), loop, samples, 0)) {
            return CacheSimulator.replay(trace, capacity, behaviour, SimulationOptions.defaults());
        }
    }

    /** Minibatch Adam on the mean squared error; returns the mean loss of the last tenth of the steps. */
    private static double fit(RegressionNetwork network, float[] x, float[] y, int rows, Settings s) {
        SplittableRandom random = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
        int w = HistoryFeatures.WIDTH;
        float[] input = network.input();
        float[] target = new float[s.batch()];
        double tail = 0;
        int tailSteps = Math.max(1, s.steps() / 10);
        for (int step = 0; step < s.steps(); step++) {
            for (int b = 0; b < s.batch(); b++) {
                int r = random.nextInt(rows);
                System.arraycopy(x, r * w, input, b * w, w);
                target[b] = y[r];
            }
            double loss = network.train(s.batch(), target, s.learningRate());
            if (step >= s.steps() - tailSteps) {
                tail += loss;
            }
        }
        return tail / tailSteps;
    }

    /** The model file's writer: the network's graph, the contract and golden pairs from the training rows. */
    private static OnnxModelWriter modelWriter(RegressionNetwork network, float[] x, int rows, EvictionModel contract) {
        int w = HistoryFeatures.WIDTH;
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        int golden = Math.min(8, rows);
        for (int g = 0; g < golden; g++) {
            int r = (int) ((long) g * rows / golden);
            float[] row = Arrays.copyOfRange(x, r * w, (r + 1) * w);
            System.arraycopy(row, 0, network.input(), 0, w);
            inputs.add(row);
            outputs.add(new float[] {network.forward(1)[0]});
        }
        OnnxModelWriter writer = OnnxModelWriter.of(network.toGraph()).inputName("rows").outputName("next").fixedBatch(1)
                .producer("reflex-offline-trainer").metadata("reflex.loop", "eviction")
                .golden(new GoldenPairs(inputs, outputs));
        for (var e : new java.util.TreeMap<>(contract.toMetadata()).entrySet()) {
            writer = writer.metadata(e.getKey(), e.getValue());
        }
        return writer;
    }
}
