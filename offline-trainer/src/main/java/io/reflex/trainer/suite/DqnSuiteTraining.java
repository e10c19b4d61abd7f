package io.reflex.trainer.suite;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.rl.DqnConfig;
import io.reflex.trainer.rl.EvictionTraining;

import java.nio.file.Path;
import java.util.List;

/**
 * The dueling Double DQN of {@link EvictionTraining}, set as {@code ./reflex train eviction --size
 * S1,S2 --candidates sampled --eviction-cost 0.1 --hit-history 3000 --k 64 --seed N} sets it (every
 * other setting at that command's default, which are {@link DqnConfig}'s and
 * {@link EvictionTraining.Behaviour#defaults}'), and trained through the same
 * {@link EvictionTraining#trainAndExport} call.
 *
 * <p>Immutable; each call allocates its own trainer on the CPU backend.
 */
public final class DqnSuiteTraining implements SuiteTraining {

    /** Candidates per decision. */
    static final int K = 64;
    /** Period of the hit-count feature's halving, in requests. */
    static final int HIT_HISTORY = 3_000;
    /** Fixed cost of every eviction added to each candidate's training cost. */
    static final double EVICTION_COST = 0.1;

    private final int steps;

    /** With {@link DqnConfig}'s default number of gradient steps. */
    public DqnSuiteTraining() {
        this(DqnConfig.defaults().steps());
    }

    private DqnSuiteTraining(int steps) {
        this.steps = steps;
    }

    /** The same training with {@code steps} gradient steps (for quick development runs and tests). */
    public DqnSuiteTraining withSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        return new DqnSuiteTraining(steps);
    }

    @Override
    public Path train(Trace training, List<Capacity> capacities, long seed, Path modelOut) {
        EvictionTraining.Behaviour d = EvictionTraining.Behaviour.defaults(seed);
        EvictionTraining.Behaviour behaviour = new EvictionTraining.Behaviour(K, d.epsilon(), d.costDiscount(),
                d.sizeExponent(), d.rounds(), seed, HIT_HISTORY, true, EVICTION_COST);
        DqnConfig config = DqnConfig.builder().steps(steps).seed(seed).build();
        return EvictionTraining.trainAndExport(training, capacities, behaviour, config, new VectorCpuBackend(), modelOut,
                null).model();
    }

    @Override
    public String toString() {
        return "dqn (k " + K + ", sampled candidates, eviction cost " + EVICTION_COST + ", hit history " + HIT_HISTORY
                + ", " + steps + " steps)";
    }
}
