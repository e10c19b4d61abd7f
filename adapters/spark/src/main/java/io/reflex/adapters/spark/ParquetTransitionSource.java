package io.reflex.adapters.spark;

import io.reflex.trainer.rl.TransitionSet;
import io.reflex.trainer.rl.TransitionSource;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The trainer's {@link TransitionSource} over a fleet replay's output ({@link FleetReplay}): the
 * episodes are the (shard, capacity) replays that recorded transitions, in shard-name order and then
 * in the order the capacities were given, each read with its own query (Parquet partition pruning
 * reads one directory) and streamed in decision order with {@code toLocalIterator}, so at most one
 * episode's rows pass through this JVM at a time. Found by the trainer through
 * {@link java.util.ServiceLoader} ({@link Provider}).
 *
 * <p>One reader, one thread. Closing stops the Spark session if this source started it.
 */
public final class ParquetTransitionSource implements TransitionSource {

    /** The {@link java.util.ServiceLoader} entry: opens a fleet replay's output directory. */
    public static final class Provider implements TransitionSource.Provider {
        @Override
        public TransitionSource open(String location) throws IOException {
            return ParquetTransitionSource.open(location, null);
        }
    }

    private final SparkSession spark;
    private final boolean ownsSession;
    private final Dataset<Row> transitions;
    private final TransitionRows.Reader reader;
    private final List<Row> episodes;
    private int next;

    private ParquetTransitionSource(SparkSession spark, boolean ownsSession, Dataset<Row> transitions,
                                    List<Row> episodes) {
        this.spark = spark;
        this.ownsSession = ownsSession;
        this.transitions = transitions;
        this.reader = new TransitionRows.Reader(transitions.schema());
        this.episodes = episodes;
    }

    /**
     * Opens the output of a fleet replay at {@code location} on {@code spark} (null: a session of
     * its own, on {@code local[*]} unless {@code spark.master} says otherwise, stopped by
     * {@link #close()}).
     *
     * @throws IOException naming the location when it holds no fleet replay's output
     */
    public static ParquetTransitionSource open(String location, SparkSession spark) throws IOException {
        boolean owns = spark == null;
        SparkSession session = owns ? Sessions.create("reflex train eviction", null) : spark;
        try {
            Path stats = new Path(location, FleetReplay.STATS);
            Path rows = new Path(location, FleetReplay.TRANSITIONS);
            if (!stats.getFileSystem(session.sparkContext().hadoopConfiguration()).exists(stats)
                    || !rows.getFileSystem(session.sparkContext().hadoopConfiguration()).exists(rows)) {
                throw new IOException(location + ": not the output of ./reflex replay (no " + FleetReplay.STATS + "/ and "
                        + FleetReplay.TRANSITIONS + "/ in it)");
            }
            List<Row> episodes = session.read().parquet(stats.toString()).where(col("transitions").gt(0))
                    .select(TransitionRows.SHARD, TransitionRows.CAPACITY)
                    .orderBy(col(TransitionRows.SHARD), col("capacity_index")).collectAsList();
            if (episodes.isEmpty()) {
                throw new IOException(location + ": the replay recorded no transitions (did any cache fill up?)");
            }
            return new ParquetTransitionSource(session, owns, session.read().parquet(rows.toString()), episodes);
        } catch (IOException | RuntimeException e) {
            if (owns) {
                session.stop();
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(location + ": cannot read the transitions: " + e.getMessage(), e);
        }
    }

    @Override
    public int k() {
        return reader.k();
    }

    /** Episodes in the dataset. */
    public int episodes() {
        return episodes.size();
    }

    @Override
    public TransitionSet nextEpisode() {
        if (next == episodes.size()) {
            return null;
        }
        Row e = episodes.get(next++);
        TransitionSet.Builder builder = new TransitionSet.Builder(reader.k());
        Iterator<Row> rows = transitions.where(col(TransitionRows.SHARD).equalTo(e.getString(0))
                        .and(col(TransitionRows.CAPACITY).equalTo(e.getString(1))))
                .orderBy(TransitionRows.DECISION).toLocalIterator();
        while (rows.hasNext()) {
            reader.append(rows.next(), builder);
        }
        return builder.build();
    }

    @Override
    public void close() {
        if (ownsSession) {
            spark.stop();
        }
    }
}
