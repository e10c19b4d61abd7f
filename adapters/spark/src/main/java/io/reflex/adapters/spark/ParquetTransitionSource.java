package io.reflex.adapters.spark;

import io.reflex.trainer.rl.EvictionTraining;
import io.reflex.trainer.rl.TransitionSink;
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
 * reads one directory) and streamed in decision order with {@code toLocalIterator} into the
 * trainer's sink, so at most one partition of one episode's rows is in this JVM at a time. The
 * behaviour comes from the statistics' behaviour columns (one behaviour per dataset; the defaults for
 * a dataset written before they were recorded). Found by the trainer through
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
    private final EvictionTraining.Behaviour behaviour;
    private int next;

    private ParquetTransitionSource(SparkSession spark, boolean ownsSession, Dataset<Row> transitions,
                                    TransitionRows.Reader reader, List<Row> episodes, EvictionTraining.Behaviour behaviour) {
        this.spark = spark;
        this.ownsSession = ownsSession;
        this.transitions = transitions;
        this.reader = reader;
        this.episodes = episodes;
        this.behaviour = behaviour;
    }

    /**
     * Opens the output of a fleet replay at {@code location} on {@code spark} (null: a session of
     * its own, on {@code local[*]} unless {@code spark.master} says otherwise, stopped by
     * {@link #close()}).
     *
     * @throws IOException naming the location when it holds no fleet replay's output, or shards replayed
     *                     under different behaviours, or statistics whose K is not the transitions'
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
            Dataset<Row> statistics = session.read().parquet(stats.toString());
            List<Row> episodes = statistics.where(col("transitions").gt(0))
                    .select(TransitionRows.SHARD, TransitionRows.CAPACITY)
                    .orderBy(col(TransitionRows.SHARD), col("capacity_index")).collectAsList();
            if (episodes.isEmpty()) {
                throw new IOException(location + ": the replay recorded no transitions (did any cache fill up?)");
            }
            Dataset<Row> transitions = session.read().parquet(rows.toString());
            TransitionRows.Reader reader = new TransitionRows.Reader(transitions.schema());
            EvictionTraining.Behaviour behaviour = behaviour(location, statistics, reader.k());
            return new ParquetTransitionSource(session, owns, transitions, reader, episodes, behaviour);
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

    /**
     * The one behaviour the statistics record, checked against the transitions' K; the default one
     * (which every replay used before the options existed) when the statistics have no such columns.
     */
    private static EvictionTraining.Behaviour behaviour(String location, Dataset<Row> statistics, int k)
            throws IOException {
        if (!statistics.schema().getFieldIndex(FleetReplay.BEHAVIOUR_COLUMNS.getFirst()).isDefined()) {
            return EvictionTraining.Behaviour.defaults(1).withK(k);
        }
        List<Row> distinct = statistics.select(FleetReplay.BEHAVIOUR_COLUMNS.stream().map(c -> col(c))
                .toArray(org.apache.spark.sql.Column[]::new)).distinct().collectAsList();
        if (distinct.size() != 1) {
            throw new IOException(location + ": its shards were replayed under " + distinct.size()
                    + " different behaviours (" + FleetReplay.STATS + "/ columns " + FleetReplay.BEHAVIOUR_COLUMNS
                    + "): replay them into separate directories");
        }
        EvictionTraining.Behaviour b = FleetReplay.behaviourOf(distinct.getFirst());
        if (b.k() != k) {
            throw new IOException(location + ": " + FleetReplay.STATS + "/ says K = " + b.k() + " but "
                    + FleetReplay.TRANSITIONS + "/ holds the columns of K = " + k);
        }
        return b;
    }

    @Override
    public EvictionTraining.Behaviour behaviour() {
        return behaviour;
    }

    /** Episodes in the dataset. */
    public int episodes() {
        return episodes.size();
    }

    @Override
    public boolean nextEpisode(TransitionSink into) {
        if (next == episodes.size()) {
            return false;
        }
        Row e = episodes.get(next++);
        Iterator<Row> rows = transitions.where(col(TransitionRows.SHARD).equalTo(e.getString(0))
                        .and(col(TransitionRows.CAPACITY).equalTo(e.getString(1))))
                .orderBy(TransitionRows.DECISION).toLocalIterator();
        while (rows.hasNext()) {
            reader.append(rows.next(), into);
        }
        return true;
    }

    @Override
    public void close() {
        if (ownsSession) {
            spark.stop();
        }
    }
}
