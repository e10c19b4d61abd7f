package io.reflex.trainer.rl;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Training transitions kept outside the trainer, for example the Parquet datasets a fleet replay
 * writes ({@code ./reflex replay}), read one episode at a time: an episode is one replay of one
 * log (one shard) at one capacity, its decisions in order, its last one {@link TransitionSet#done}.
 * The trainer pulls episodes into its own compact arrays, so the store's rows (and whatever library
 * reads them) are never all in memory at once. This interface names no storage format: the module
 * that reads one (the Spark adapter, for Parquet) implements it and registers a {@link Provider}.
 *
 * <p>One reader, one thread; close it to release what the implementation holds (files, a Spark
 * session).
 */
public interface TransitionSource extends AutoCloseable {

    /** Candidates per decision (K) of every episode. */
    int k();

    /**
     * The next episode, in a stable order (the same dataset gives the same episodes in the same
     * order), or null after the last.
     *
     * @throws IOException naming the dataset when it cannot be read or does not hold transitions
     */
    TransitionSet nextEpisode() throws IOException;

    @Override
    void close() throws IOException;

    /**
     * Opens transition datasets by location. Implementations register with {@link ServiceLoader}
     * ({@code META-INF/services/io.reflex.trainer.rl.TransitionSource$Provider}); stateless.
     */
    interface Provider {

        /**
         * Opens the dataset at {@code location} (a directory, or any URI the implementation reads).
         *
         * @throws IOException naming the location when it holds no transitions
         */
        TransitionSource open(String location) throws IOException;

        /** The first provider on the class path, if any. */
        static Optional<Provider> find() {
            return ServiceLoader.load(Provider.class).findFirst();
        }
    }
}
