package io.reflex.trainer.rl;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.nn.ComputeBackend;
import io.reflex.trainer.nn.DuelingNetwork;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The offline eviction pipeline: replay a trace under the exploring LRU behaviour policy at one or
 * more cache sizes ({@link TransitionRecorder}), train a dueling Double DQN on the transitions
 * ({@link DoubleDqnTrainer}), and export the network as ONNX with {@link OnnxModelWriter} (batch 1,
 * input {@code [1, 6K]}, output {@code [1, K]}, the engine's eviction shape), with golden
 * input/output pairs from the trainer's own forward pass in its metadata so that the engine's load
 * check proves the export computes what was trained.
 *
 * <p>Deterministic: the same trace, sizes and settings give the same model bytes. Stateless and
 * thread-safe; each call allocates its own buffers.
 */
public final class EvictionTraining {

    /** Candidates per decision (Cold-RL's K). */
    public static final int K = 16;

    /** Exploration and reward settings of the behaviour replay. */
    public record Behaviour(double epsilon, double costDiscount, long seed) {
        public Behaviour {
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
            }
            if (!(costDiscount > 0 && costDiscount <= 1)) {
                throw new IllegalArgumentException("cost discount must be in (0, 1], got " + costDiscount);
            }
        }

        /** ε = 0.3, γ_c = 0.98. */
        public static Behaviour defaults(long seed) {
            return new Behaviour(0.3, 0.98, seed);
        }
    }

    /** What {@link #trainAndExport} produced. */
    public record Result(Path model, int transitions, double trainSeconds, List<double[]> curve, DuelingNetwork network,
                         TransitionSet data) {
    }

    private EvictionTraining() {
    }

    /** The transitions of one behaviour replay per capacity, concatenated in order. */
    public static TransitionSet collect(Trace trace, List<Capacity> capacities, Behaviour behaviour) {
        List<TransitionSet> parts = new ArrayList<>();
        for (int i = 0; i < capacities.size(); i++) {
            TransitionRecorder recorder = new TransitionRecorder(trace, K,
                    new EpsilonGreedy(behaviour.epsilon(), behaviour.seed() * 31 + i), behaviour.costDiscount());
            CacheSimulator.replay(trace, capacities.get(i), recorder);
            if (recorder.decisions() > 0) {
                parts.add(recorder.transitions());
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the trace never filled the cache at " + capacities
                    + ": no eviction to learn from");
        }
        return TransitionSet.concat(parts);
    }

    /**
     * Collects, trains and writes the model to {@code out}.
     *
     * @param progress called with steps done (may be null)
     */
    public static Result trainAndExport(Trace trace, List<Capacity> capacities, Behaviour behaviour, DqnConfig config,
                                        ComputeBackend backend, Path out, IntConsumer progress) {
        Objects.requireNonNull(out, "out");
        long start = System.nanoTime();
        TransitionSet data = collect(trace, capacities, behaviour);
        DoubleDqnTrainer.Result trained = new DoubleDqnTrainer(backend, config).train(data, progress);
        export(trained.network(), data, out);
        return new Result(out, data.size(), (System.nanoTime() - start) / 1e9, trained.curve(), trained.network(), data);
    }

    /**
     * Writes {@code network} as the engine's eviction model, with golden pairs computed by the
     * network itself on four logged states.
     */
    public static void export(DuelingNetwork network, TransitionSet data, Path out) {
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        int golden = Math.min(4, data.size());
        for (int g = 0; g < golden; g++) {
            float[] state = data.state((int) ((long) g * data.size() / golden));
            float[] q = network.forward(state, 1);
            inputs.add(state);
            outputs.add(java.util.Arrays.copyOf(q, network.actions()));
        }
        OnnxModelWriter.of(network.toGraph()).inputName("state").outputName("q").fixedBatch(1)
                .producer("reflex-offline-trainer")
                .metadata("reflex.loop", "eviction").metadata("reflex.k", Integer.toString(data.k()))
                .golden(new GoldenPairs(inputs, outputs)).write(out);
    }
}
