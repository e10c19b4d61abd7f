package io.reflex.trainer.rl;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.cache.SampledCandidates;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.nn.CandidateDuelingNetwork;
import io.reflex.trainer.nn.DuelingNetwork;
import io.reflex.trainer.nn.MlpExport;
import io.reflex.trainer.nn.QNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The offline eviction pipeline: replay a trace under the exploring LRU behaviour policy at one or
 * more cache sizes ({@link TransitionRecorder}), train a dueling Double DQN on the transitions
 * ({@link DoubleDqnTrainer}), and export the network as ONNX with {@link OnnxModelWriter} (batch 1, in
 * the engine's layout for its network: candidate rows {@code [1, 12] → [1, 2]} for the default
 * candidate-dueling network, joint {@code [1, 6K] → [1, K]} otherwise), with golden
 * input/output pairs from the trainer's own forward pass in its metadata so that the engine's load
 * check proves the export computes what was trained.
 *
 * <p>Deterministic: the same trace, sizes and settings give the same model bytes. Stateless and
 * thread-safe; each call allocates its own buffers.
 */
public final class EvictionTraining {

    /** Candidates per decision by default (Cold-RL's K). */
    public static final int K = 16;

    /**
     * Settings of the behaviour replays: K candidates per decision, ε-exploration, the reward's γ_c
     * and β ({@link TransitionRecorder}), and how many collect-and-train rounds: round 1 replays
     * under exploring LRU; each later round replays under the previous round's exported model (served
     * by the engine, explored the same way), adds those transitions to the pool, and retrains.
     * Serializable: a fleet replay sends it to its tasks.
     */
    public record Behaviour(int k, double epsilon, double costDiscount, double sizeExponent, int rounds, long seed,
                            int hitHistory, boolean sampled, double evictionCost) implements java.io.Serializable {
        public Behaviour {
            EvictionModel.requireK(k);
            if (rounds < 1 || rounds > 10) {
                throw new IllegalArgumentException("rounds must be in [1, 10], got " + rounds);
            }
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
            }
            if (!(costDiscount > 0 && costDiscount <= 1)) {
                throw new IllegalArgumentException("cost discount must be in (0, 1], got " + costDiscount);
            }
            if (!(sizeExponent >= 0 && sizeExponent <= 2)) {
                throw new IllegalArgumentException("size exponent must be in [0, 2], got " + sizeExponent);
            }
            if (!(evictionCost >= 0)) {
                throw new IllegalArgumentException("eviction cost must be >= 0, got " + evictionCost);
            }
            if (hitHistory < HitHistory.OFF) {
                throw new IllegalArgumentException("hit history must be >= 0 (or -1: off), got " + hitHistory);
            }
        }

        /** The K least recently used as candidates (the default). */
        public Behaviour(int k, double epsilon, double costDiscount, double sizeExponent, int rounds, long seed,
                         int hitHistory) {
            this(k, epsilon, costDiscount, sizeExponent, rounds, seed, hitHistory, false, 0);
        }

        /** Without a hit history (the hit-count feature is hits since admission). */
        public Behaviour(int k, double epsilon, double costDiscount, double sizeExponent, int rounds, long seed) {
            this(k, epsilon, costDiscount, sizeExponent, rounds, seed, HitHistory.OFF);
        }

        /** The default exploration ε over LRU's scores. */
        public static final double EPSILON = 0.3;
        /** The default γ_c: a victim's future miss is discounted per later decision by it. */
        public static final double COST_DISCOUNT = 0.98;
        /** The default β: a miss caused by an eviction costs (victim size / mean size)^-β. */
        public static final double SIZE_EXPONENT = 0.5;

        /** K = 16, ε = 0.3, γ_c = 0.98, β = 0.5, one round. */
        public static Behaviour defaults(long seed) {
            return new Behaviour(K, EPSILON, COST_DISCOUNT, SIZE_EXPONENT, 1, seed);
        }

        /** The same behaviour with K candidates per decision. */
        public Behaviour withK(int k) {
            return new Behaviour(k, epsilon, costDiscount, sizeExponent, rounds, seed, hitHistory, sampled, evictionCost);
        }

        /** The same behaviour seeded with {@code seed} (a fleet replay's shard seeds its own). */
        public Behaviour withSeed(long seed) {
            return new Behaviour(k, epsilon, costDiscount, sizeExponent, rounds, seed, hitHistory, sampled, evictionCost);
        }
    }

    /**
     * What {@link #trainAndExport} produced: {@code transitions} trained on (the replay buffer's) of
     * {@code transitionsRead} collected or read.
     */
    public record Result(Path model, int transitions, long transitionsRead, double trainSeconds, List<double[]> curve,
                         QNetwork network, TransitionSet data) {
    }

    private EvictionTraining() {
    }

    /**
     * The K a model was trained for, from its {@code reflex.k} metadata ({@link #K} when absent).
     *
     * @throws IllegalArgumentException naming the file when the entry is not a number in [1, 64]
     */
    public static int candidatesOf(Path model) {
        String k = OnnxModel.read(model).metadata().get("reflex.k");
        if (k == null) {
            return K;
        }
        try {
            int n = Integer.parseInt(k.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(model + ": metadata reflex.k must be a number in [1, 64], got '" + k + "'");
    }

    /** The transitions of one exploring-LRU replay per capacity, concatenated in order. */
    public static TransitionSet collect(Trace trace, List<Capacity> capacities, Behaviour behaviour) {
        return collect(trace, capacities, behaviour, null, 0);
    }

    /**
     * The transitions of one replay per capacity under {@code model} (null: LRU), explored with ε,
     * concatenated in order; {@code round} varies the exploration seed.
     */
    public static TransitionSet collect(Trace trace, List<Capacity> capacities, Behaviour behaviour, Path model,
                                        int round) {
        List<TransitionSet> parts = new ArrayList<>();
        for (int i = 0; i < capacities.size(); i++) {
            long exploreSeed = behaviour.seed() * 31 + i + 1_000L * round;
            EpsilonGreedy explore = new EpsilonGreedy(behaviour.epsilon(), exploreSeed);
            SampledCandidates sampler = behaviour.sampled()
                    ? new SampledCandidates(trace.objectCount(), exploreSeed ^ 0x5DEECE66DL) : null;
            if (model == null) {
                Replay replay = lruReplay(trace, capacities.get(i), behaviour, explore, sampler);
                if (replay.transitions() != null) {
                    parts.add(replay.transitions());
                }
                continue;
            }
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
            try {
                SwapResult swap = store.offer(model);
                if (!swap.accepted()) {
                    throw new IllegalArgumentException("the engine refused " + model + ": " + swap.reason());
                }
                try (EvictionLoop loop = EvictionLoop.builder().k(behaviour.k()).store(store)
                        .deadline(Duration.ofMillis(50)).build();
                     EvictionLoop.Decider decider = loop.newDecider()) {
                    TransitionRecorder recorder = new TransitionRecorder(trace, behaviour.k(), explore,
                            behaviour.costDiscount(), behaviour.sizeExponent(), decider, behaviour.hitHistory(), sampler,
                            behaviour.evictionCost());
                    CacheSimulator.replay(trace, capacities.get(i), recorder);
                    addIfAny(parts, recorder);
                }
            } finally {
                store.close();
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the trace never filled the cache at " + capacities
                    + ": no eviction to learn from");
        }
        return TransitionSet.concat(parts);
    }

    /**
     * One exploring-LRU replay at one capacity: its transitions (null when the cache never evicted)
     * and the replay's own result (requests, hits).
     */
    public record Replay(Capacity capacity, TransitionSet transitions, SimulationResult result) {
    }

    /**
     * The exploring-LRU replays of {@link #collect(Trace, List, Behaviour)}, one per capacity and
     * each on its own, with the same exploration seeds: {@code collect} is the concatenation of their
     * transitions. A fleet replay writes these per log and capacity.
     */
    public static List<Replay> replayEach(Trace trace, List<Capacity> capacities, Behaviour behaviour) {
        List<Replay> replays = new ArrayList<>();
        for (int i = 0; i < capacities.size(); i++) {
            long exploreSeed = behaviour.seed() * 31 + i;
            replays.add(lruReplay(trace, capacities.get(i), behaviour, new EpsilonGreedy(behaviour.epsilon(), exploreSeed),
                    behaviour.sampled() ? new SampledCandidates(trace.objectCount(), exploreSeed ^ 0x5DEECE66DL) : null));
        }
        return replays;
    }

    private static Replay lruReplay(Trace trace, Capacity capacity, Behaviour behaviour, EpsilonGreedy explore,
                                    SampledCandidates sampler) {
        TransitionRecorder recorder = new TransitionRecorder(trace, behaviour.k(), explore,
                behaviour.costDiscount(), behaviour.sizeExponent(), null, behaviour.hitHistory(), sampler,
                behaviour.evictionCost());
        SimulationResult result = CacheSimulator.replay(trace, capacity, recorder);
        return new Replay(capacity, recorder.decisions() > 0 ? recorder.transitions() : null, result);
    }

    private static void addIfAny(List<TransitionSet> parts, TransitionRecorder recorder) {
        if (recorder.decisions() > 0) {
            parts.add(recorder.transitions());
        }
    }

    /**
     * Collects, trains and writes the model to {@code out}, for {@link Behaviour#rounds()} rounds (each
     * later round collects under the model the previous one wrote to {@code out}, pools, retrains and
     * overwrites it).
     *
     * @param progress called with steps done over all rounds (may be null)
     */
    public static Result trainAndExport(Trace trace, List<Capacity> capacities, Behaviour behaviour, DqnConfig config,
                                        ComputeBackend backend, Path out, IntConsumer progress) {
        Objects.requireNonNull(out, "out");
        long start = System.nanoTime();
        TransitionSet data = null;
        DoubleDqnTrainer.Result trained = null;
        List<double[]> curve = new ArrayList<>();
        for (int round = 0; round < behaviour.rounds(); round++) {
            TransitionSet fresh = collect(trace, capacities, behaviour, round == 0 ? null : out, round);
            data = data == null ? fresh : TransitionSet.concat(List.of(data, fresh));
            int done = round * config.steps();
            trained = new DoubleDqnTrainer(backend, config).train(data,
                    progress == null ? null : steps -> progress.accept(done + steps));
            for (double[] point : trained.curve()) {
                curve.add(new double[] {point[0] + done, point[1], point[2]});
            }
            export(trained.network(), data, out, behaviour.hitHistory(), behaviour.sampled(), backend);
        }
        return new Result(out, data.size(), data.size(), (System.nanoTime() - start) / 1e9, List.copyOf(curve),
                trained.network(), data);
    }

    /**
     * Trains on transitions stored outside the trainer ({@link TransitionSource}, e.g. a fleet
     * replay's Parquet) and writes the model to {@code out}: one round, no collection of its own.
     * The episodes stream into a {@link TransitionReservoir} of at most {@code buffer} transitions,
     * sampled with the configuration's seed, so the trainer holds at most
     * {@code buffer × }{@link TransitionReservoir#bytesPerTransition} bytes of transitions however
     * large the dataset; a buffer at least the dataset's size keeps every transition, in order, and
     * gives the model the whole set gives. The model is exported for the features the source's
     * behaviour recorded (its hit history and candidates' kind in the metadata).
     *
     * @throws IOException              naming the dataset when it cannot be read
     * @throws IllegalArgumentException when it holds fewer than 2 transitions, or the buffer is below 2
     */
    public static Result trainAndExport(TransitionSource source, DqnConfig config, int buffer, ComputeBackend backend,
                                        Path out, IntConsumer progress) throws IOException {
        Objects.requireNonNull(out, "out");
        long start = System.nanoTime();
        TransitionReservoir reservoir = new TransitionReservoir(source.k(), buffer, config.seed());
        while (source.nextEpisode(reservoir)) {
            // each episode streams into the reservoir
        }
        TransitionSet data = reservoir.build();
        DoubleDqnTrainer.Result trained = new DoubleDqnTrainer(backend, config).train(data, progress);
        Behaviour behaviour = source.behaviour();
        export(trained.network(), data, out, behaviour.hitHistory(), behaviour.sampled(), backend);
        return new Result(out, data.size(), reservoir.seen(), (System.nanoTime() - start) / 1e9, trained.curve(),
                trained.network(), data);
    }

    /**
     * Writes {@code network} as the engine's eviction model, with golden pairs computed by the
     * network itself on logged states: a {@link DuelingNetwork} as the joint layout ({@code state
     * [1, 6K] → q [1, K]}, four states), a {@link CandidateDuelingNetwork} as the candidate-rows
     * layout ({@code rows [1, 12] → va [1, 2]}, the rows of four states), which the engine's
     * {@code EvictionLoop} recognises by shape.
     */
    public static void export(QNetwork network, TransitionSet data, Path out) {
        export(network, data, out, HitHistory.OFF);
    }

    /**
     * As {@link #export(QNetwork, TransitionSet, Path)}; a {@code hitHistory} period other than
     * {@link HitHistory#OFF} goes into the {@code reflex.hit-history} metadata, which the simulator's
     * {@code reflex} policy reads to build the hit-count feature the same way.
     */
    public static void export(QNetwork network, TransitionSet data, Path out, int hitHistory) {
        export(network, data, out, hitHistory, false);
    }

    /**
     * As {@link #export(QNetwork, TransitionSet, Path, int)}; {@code sampled} writes
     * {@code reflex.candidates=sampled} ({@link SampledCandidates#METADATA}): the model was trained on
     * candidates sampled from the whole resident set, and the simulator's {@code reflex} policy
     * samples them the same way.
     */
    public static void export(QNetwork network, TransitionSet data, Path out, int hitHistory, boolean sampled) {
        export(network, data, out, hitHistory, sampled, new VectorCpuBackend());
    }

    /** As {@link #export(QNetwork, TransitionSet, Path, int, boolean)}, recording a GPU {@code backend}'s device. */
    static void export(QNetwork network, TransitionSet data, Path out, int hitHistory, boolean sampled,
                       ComputeBackend backend) {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        int golden = Math.min(4, data.size());
        boolean rows = network instanceof CandidateDuelingNetwork;
        int k = data.k();
        for (int g = 0; g < golden; g++) {
            int t = (int) ((long) g * data.size() / golden);
            float[] state = data.state(t);
            if (rows) {
                CandidateDuelingNetwork c = (CandidateDuelingNetwork) network;
                int n = data.candidateCount(t);
                float[] rowInput = new float[k * EvictionFeatures.ROW_WIDTH];
                EvictionFeatures.rows(state, 0, n, k, rowInput, 0);
                float[] va = c.rowOutputs(rowInput, n);
                for (int i = 0; i < n; i++) {
                    inputs.add(Arrays.copyOfRange(rowInput, i * EvictionFeatures.ROW_WIDTH, (i + 1) * EvictionFeatures.ROW_WIDTH));
                    outputs.add(Arrays.copyOfRange(va, 2 * i, 2 * i + 2));
                }
            } else {
                float[] q = network.forward(state, 1, new int[] {data.candidateCount(t)});
                inputs.add(state);
                outputs.add(Arrays.copyOf(q, network.actions()));
            }
        }
        OnnxModelWriter writer = OnnxModelWriter.of(network.toGraph()).inputName(rows ? "rows" : "state").outputName(rows ? "va" : "q").fixedBatch(1)
                .producer("reflex-offline-trainer")
                .metadata("reflex.loop", "eviction").metadata("reflex.k", Integer.toString(k))
                .metadata("reflex.layout", rows ? "candidate-rows" : "joint")
                .golden(new GoldenPairs(inputs, outputs));
        if (hitHistory >= 0) {
            writer = writer.metadata(EvictionFeatures.HIT_HISTORY_METADATA, Integer.toString(hitHistory));
        }
        if (sampled) {
            writer = writer.metadata(SampledCandidates.METADATA, SampledCandidates.SAMPLED);
        }
        MlpExport.recordDevice(writer, backend).write(out);
    }
}
