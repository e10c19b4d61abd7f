package io.reflex.trainer.suite;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.rl.NextAccessTraining;

import java.nio.file.Path;
import java.util.List;

/**
 * Relaxed-Belady training of a {@code history-1} model ({@link NextAccessTraining}) with its
 * defaults ({@link NextAccessTraining.Settings#defaults}), as {@code ./reflex train eviction --size
 * S1,S2 --seed N} trains it.
 *
 * <p>Immutable; each call allocates its own trainer on the CPU backend.
 */
public final class NextAccessSuiteTraining implements SuiteTraining {

    @Override
    public Path train(Trace training, List<Capacity> capacities, long seed, Path modelOut) {
        return NextAccessTraining.trainAndExport(training, capacities, NextAccessTraining.Settings.defaults(seed),
                new VectorCpuBackend(), modelOut, null).model();
    }

    @Override
    public String toString() {
        NextAccessTraining.Settings s = NextAccessTraining.Settings.defaults(0);
        return "next-access (k " + s.k() + ", " + s.candidates().value() + " candidates, admission " + s.admission()
                + ", " + s.rounds() + " rounds)";
    }
}
