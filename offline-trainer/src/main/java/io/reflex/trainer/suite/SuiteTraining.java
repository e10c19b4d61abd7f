package io.reflex.trainer.suite;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;

import java.nio.file.Path;
import java.util.List;

/**
 * How the suite trains the learned eviction policy: one model per trace, on that trace's training
 * part, pooled over all of the trace's capacities, written where the suite asks. The suite then
 * evaluates the file as the {@code reflex} policy exactly as {@code ./reflex evaluate eviction}
 * would, so any design that exports a model the engine serves can plug in here.
 *
 * <p>Implementations are called from one thread at a time, once per trace.
 */
@FunctionalInterface
public interface SuiteTraining {

    /**
     * Trains a model on {@code training} and writes it.
     *
     * @param training   the trace's training part (its first {@code split} of requests)
     * @param capacities the capacities the suite will evaluate this trace at
     * @param seed       the suite's seed
     * @param modelOut   where to write the model
     * @return the model file (normally {@code modelOut})
     */
    Path train(Trace training, List<Capacity> capacities, long seed, Path modelOut) throws Exception;

    /**
     * The training the suite uses unless told otherwise: the one place the learned design is chosen
     * (the default objective of {@code ./reflex train eviction}, {@link NextAccessSuiteTraining}).
     */
    static SuiteTraining standard() {
        return new NextAccessSuiteTraining();
    }
}
