package io.reflex.trainer.rl;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Training transitions kept outside the trainer, for example the Parquet datasets a fleet replay
 * writes ({@code ./reflex replay}), read one episode at a time: an episode is one replay of one
 * log (one shard) at one capacity, its decisions in order, its last one {@link TransitionSet#done}.
 * The source streams each episode's rows into a {@link TransitionSink} (the trainer's bounded
 * {@link TransitionReservoir}), so neither the store's rows nor a whole episode need be in memory at
 * once. This interface names no storage format: the module that reads one (the Spark adapter, for
 * Parquet) implements it and registers a {@link Provider}.
 *
 * <p>One reader, one thread; close it to release what the implementation holds (files, a Spark
 * session).
 */
public interface TransitionSource extends AutoCloseable {

    /**
     * The behaviour the episodes were replayed under: K, exploration, the reward's settings and the
     * candidates' kind. Its seed is the dataset's (each episode's exploration seed derives from it).
     */
    EvictionTraining.Behaviour behaviour();

    /** Candidates per decision (K) of every episode. */
    default int k() {
        return behaviour().k();
    }

    /**
     * Streams the next episode's transitions, in decision order, into {@code into}; false after the
     * last (nothing streamed). The same dataset gives the same episodes in the same order.
     *
     * @throws IOException naming the dataset when it cannot be read or does not hold transitions
     */
    boolean nextEpisode(TransitionSink into) throws IOException;

    /** The next episode, held whole, or null after the last. */
    default TransitionSet nextEpisode() throws IOException {
        TransitionSet.Builder builder = new TransitionSet.Builder(k());
        return nextEpisode(builder) ? builder.build() : null;
    }

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
