package io.reflex.adapters.spark;

import io.reflex.trainer.cache.trace.MalformedTraceException;
import io.reflex.trainer.rl.EvictionTraining;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet replay job: lists the logs, makes one Spark task per shard (a log, or one key-hash part
 * of a log), replays each shard with {@link ShardReplay}, and writes
 * <ul>
 *   <li>{@code OUT/transitions/shard=NAME/capacity=C/part-*.parquet}: the transitions
 *       ({@link TransitionRows}), one file per shard and capacity, rows in decision order;</li>
 *   <li>{@code OUT/stats/shard=NAME/capacity=C/part-*.parquet}: one {@link ShardStats} row each.</li>
 * </ul>
 * Both are overwritten. A shard's requests stay in one task, in log order, because a cache's
 * evictions depend on every earlier request; the parallelism is across shards. A failed task is
 * retried by Spark ({@code spark.task.maxFailures}); the same logs, sizes and seed write the same
 * rows, since every shard's exploration is seeded by the job's seed and the shard's name.
 *
 * <p>Stateless; {@link #run} blocks the calling thread for the job.
 */
public final class FleetReplay {

    /** The transitions' directory under the output. */
    public static final String TRANSITIONS = "transitions";
    /** The statistics' directory under the output. */
    public static final String STATS = "stats";

    /** What the job wrote, for the command's summary. */
    public record Summary(int shards, long requests, long transitions, double seconds, long malformedLines,
                          List<String> malformed, List<ShardStats> stats) {
    }

    private FleetReplay() {
    }

    /**
     * Runs the job on {@code spark}.
     *
     * @param logs   a log file, a directory of logs (files whose names start with {@code .} or
     *               {@code _} are skipped), or a glob; any Hadoop path
     * @param splits key-hash parts per log (1: one shard per log)
     * @throws IOException naming the path when no log matches, or the log and line of a malformed
     *                     line in strict mode
     */
    public static Summary run(SparkSession spark, String logs, ShardReplay.Settings settings, String out, int splits)
            throws IOException {
        long start = System.nanoTime();
        List<LogShard> shards = shards(spark.sparkContext().hadoopConfiguration(), logs, splits);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CollectionAccumulator<ShardStats> collected = spark.sparkContext().collectionAccumulator("reflex shard statistics");
        JavaRDD<Row> rows = jsc.parallelize(shards, shards.size()).flatMap(shard -> {
            ShardReplay.Result r = ShardReplay.replay(shard, settings, new Configuration());
            r.stats().forEach(collected::add);
            return rowsOf(shard, settings, r);
        });
        try {
            spark.createDataFrame(rows, TransitionRows.schema(settings.behaviour(shards.getFirst()).k()))
                    .write().mode(SaveMode.Overwrite).partitionBy(TransitionRows.SHARD, TransitionRows.CAPACITY)
                    .parquet(new Path(out, TRANSITIONS).toString());
        } catch (Exception e) {
            // Scala throws SparkException, a checked exception, without declaring it
            throw rootCause(e);
        }
        // A speculative or retried task may report twice: one row per shard and capacity.
        Map<String, ShardStats> unique = new HashMap<>();
        for (ShardStats s : collected.value()) {
            unique.put(s.shard() + "\u0000" + s.capacity(), s);
        }
        List<ShardStats> stats = new ArrayList<>(unique.values());
        stats.sort(Comparator.comparing(ShardStats::shard).thenComparingInt(ShardStats::capacityIndex));
        writeStats(spark, stats, settings.seed(), new Path(out, STATS).toString());
        long requests = 0;
        long transitions = 0;
        long malformed = 0;
        Map<String, List<String>> named = new LinkedHashMap<>();
        for (ShardStats s : stats) {
            transitions += s.transitions();
            if (s.capacityIndex() == 0) {
                requests += s.requests();
                malformed += s.malformedLines();
                if (!s.malformedFirst().isEmpty()) {
                    named.putIfAbsent(s.log(), s.malformedFirst());
                }
            }
        }
        return new Summary(shards.size(), requests, transitions, (System.nanoTime() - start) / 1e9, malformed,
                named.values().stream().flatMap(List::stream).toList(), List.copyOf(stats));
    }

    private static Iterator<Row> rowsOf(LogShard shard, ShardReplay.Settings settings, ShardReplay.Result r) {
        List<Iterator<Row>> parts = new ArrayList<>();
        for (int c = 0; c < r.replays().size(); c++) {
            EvictionTraining.Replay replay = r.replays().get(c);
            if (replay.transitions() != null) {
                parts.add(TransitionRows.rows(shard.name(), settings.sizes().get(c), replay.transitions()));
            }
        }
        return parts.stream().flatMap(it -> {
            Iterable<Row> once = () -> it;
            return java.util.stream.StreamSupport.stream(once.spliterator(), false);
        }).iterator();
    }

    /**
     * The shards of {@code logs}, sorted by path: one per file, or {@code splits} per file named
     * {@code FILE-partII}. Shard names are file names, made unique by a {@code -N} suffix.
     */
    static List<LogShard> shards(Configuration hadoop, String logs, int splits) throws IOException {
        if (splits < 1) {
            throw new IllegalArgumentException("--shards must be >= 1, got " + splits);
        }
        Path pattern = new Path(logs);
        FileSystem fs = pattern.getFileSystem(hadoop);
        FileStatus[] matched = fs.globStatus(pattern);
        List<FileStatus> files = new ArrayList<>();
        if (matched != null) {
            for (FileStatus m : matched) {
                if (m.isDirectory()) {
                    files.addAll(Arrays.asList(fs.listStatus(m.getPath(), p -> !p.getName().startsWith(".")
                            && !p.getName().startsWith("_"))));
                } else {
                    files.add(m);
                }
            }
        }
        files.removeIf(FileStatus::isDirectory);
        if (files.isEmpty()) {
            throw new IOException("no log file matches " + logs);
        }
        files.sort(Comparator.comparing(f -> f.getPath().toString()));
        Map<String, Integer> seen = new HashMap<>();
        List<LogShard> shards = new ArrayList<>();
        int digits = Integer.toString(splits - 1).length();
        for (FileStatus f : files) {
            String name = f.getPath().getName();
            int n = seen.merge(name, 1, Integer::sum);
            String unique = n == 1 ? name : name + "-" + n;
            for (int part = 0; part < splits; part++) {
                String shard = splits == 1 ? unique : unique + "-part" + String.format("%0" + digits + "d", part);
                shards.add(new LogShard(f.getPath().toString(), shard, part, splits));
            }
        }
        return shards;
    }

    /** The statistics' schema: {@link ShardStats}' fields, partitioned like the transitions. */
    static StructType statsSchema() {
        return DataTypes.createStructType(List.of(
                DataTypes.createStructField(TransitionRows.SHARD, DataTypes.StringType, false),
                DataTypes.createStructField(TransitionRows.CAPACITY, DataTypes.StringType, false),
                DataTypes.createStructField("capacity_index", DataTypes.IntegerType, false),
                DataTypes.createStructField("log", DataTypes.StringType, false),
                DataTypes.createStructField("part", DataTypes.IntegerType, false),
                DataTypes.createStructField("parts", DataTypes.IntegerType, false),
                DataTypes.createStructField("requests", DataTypes.LongType, false),
                DataTypes.createStructField("objects", DataTypes.LongType, false),
                DataTypes.createStructField("hits", DataTypes.LongType, false),
                DataTypes.createStructField("hit_ratio", DataTypes.DoubleType, false),
                DataTypes.createStructField("transitions", DataTypes.LongType, false),
                DataTypes.createStructField("malformed_lines", DataTypes.LongType, false),
                DataTypes.createStructField("malformed_first", DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField("k", DataTypes.IntegerType, false),
                DataTypes.createStructField("epsilon", DataTypes.DoubleType, false),
                DataTypes.createStructField("cost_discount", DataTypes.DoubleType, false),
                DataTypes.createStructField("size_exponent", DataTypes.DoubleType, false),
                DataTypes.createStructField("hit_history", DataTypes.IntegerType, false),
                DataTypes.createStructField("candidates", DataTypes.StringType, false),
                DataTypes.createStructField("eviction_cost", DataTypes.DoubleType, false),
                DataTypes.createStructField("seed", DataTypes.LongType, false),
                DataTypes.createStructField("shard_seed", DataTypes.LongType, false)));
    }

    /**
     * The statistics' columns that record the behaviour, all of which a job writes alike on every row
     * (the shards' own exploration seeds are {@code shard_seed}).
     */
    static final List<String> BEHAVIOUR_COLUMNS = List.of("k", "epsilon", "cost_discount", "size_exponent", "hit_history",
            "candidates", "eviction_cost", "seed");

    /** The job's behaviour from a row of {@link #BEHAVIOUR_COLUMNS}, in that order. */
    static EvictionTraining.Behaviour behaviourOf(Row row) {
        return new EvictionTraining.Behaviour(row.getInt(0), row.getDouble(1), row.getDouble(2), row.getDouble(3), 1,
                row.getLong(7), row.getInt(4), row.getString(5).equals("sampled"), row.getDouble(6));
    }

    private static void writeStats(SparkSession spark, List<ShardStats> stats, long seed, String dir) {
        List<Row> rows = new ArrayList<>();
        for (ShardStats s : stats) {
            EvictionTraining.Behaviour b = s.behaviour();
            rows.add(RowFactory.create(s.shard(), s.capacity(), s.capacityIndex(), s.log(), s.part(), s.parts(),
                    s.requests(), s.objects(), s.hits(), s.hitRatio(), s.transitions(), s.malformedLines(),
                    s.malformedFirst(), b.k(), b.epsilon(), b.costDiscount(), b.sizeExponent(), b.hitHistory(),
                    b.sampled() ? "sampled" : "lru", b.evictionCost(), seed, b.seed()));
        }
        spark.createDataFrame(rows, statsSchema()).coalesce(1).write().mode(SaveMode.Overwrite)
                .partitionBy(TransitionRows.SHARD, TransitionRows.CAPACITY).parquet(dir);
    }

    /**
     * The failure a task reported, as the user should read it: Spark wraps a task's exception in a
     * SparkException (with the whole stage's story); the trainer's own exception inside it names the
     * log and line.
     */
    private static IOException rootCause(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MalformedTraceException m) {
                return new MalformedTraceException(m.getMessage());
            }
            if (c instanceof IOException io) {
                return new IOException(io.getMessage(), e);
            }
        }
        return new IOException("the replay job failed: " + e.getMessage(), e);
    }
}
