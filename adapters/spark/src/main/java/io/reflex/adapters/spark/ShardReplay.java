package io.reflex.adapters.spark;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.trace.Compression;
import io.reflex.trainer.cache.trace.MalformedTraceException;
import io.reflex.trainer.cache.trace.ParseErrors;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.rl.EvictionTraining;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard's work inside a Spark task, with the trainer's own code and nothing of its own: read
 * the log through the format's {@link TraceFormat#reader() reader} (decompressed by its name as
 * {@link Compression} does, on any Hadoop file system), keep the shard's keys ({@link KeyHashSplit}),
 * and replay it at each capacity with {@link EvictionTraining#replayEach}, the exploring-LRU replays
 * {@code ./reflex train eviction --objective dqn} collects, seeded by {@link LogShard#seed}. The
 * transitions are therefore those the single-process trainer records for the same requests.
 *
 * <p>Stateless; each call allocates the shard's trace and transitions (a few hundred bytes per
 * eviction decision).
 */
public final class ShardReplay {

    /**
     * What a replay is asked for: the log format, the capacities as written on the command line,
     * the behaviour every shard replays under (its seed the job's) and whether a malformed line
     * fails the job. Immutable; sent to Spark's tasks.
     */
    public record Settings(TraceFormat format, List<String> sizes, EvictionTraining.Behaviour behaviour, boolean strict)
            implements Serializable {
        public Settings {
            sizes = List.copyOf(sizes);
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("at least one capacity is needed");
            }
            sizes.forEach(Capacity::parse);
            if (behaviour.rounds() != 1) {
                // later rounds replay under a trained model; a fleet replay records the exploring-LRU round
                throw new IllegalArgumentException("a fleet replay records one round, got " + behaviour.rounds());
            }
        }

        /** The trainer's default behaviour, seeded with {@code seed}. */
        public Settings(TraceFormat format, List<String> sizes, long seed, boolean strict) {
            this(format, sizes, EvictionTraining.Behaviour.defaults(seed), strict);
        }

        /** The job's seed. */
        public long seed() {
            return behaviour.seed();
        }

        /** The behaviour {@code shard} replays under: the job's, its exploration seeded per shard. */
        EvictionTraining.Behaviour behaviour(LogShard shard) {
            return behaviour.withSeed(shard.seed(behaviour.seed()));
        }
    }

    /** A shard's replays (one per capacity, in order) and their statistics. */
    public record Result(List<EvictionTraining.Replay> replays, List<ShardStats> stats) {
    }

    private ShardReplay() {
    }

    /**
     * Reads and replays one shard.
     *
     * @throws MalformedTraceException in strict mode, naming the log and line of the first malformed line
     * @throws IOException             naming the log when it cannot be read
     */
    public static Result replay(LogShard shard, Settings settings, Configuration hadoop) throws IOException {
        List<String> malformed = new ArrayList<>();
        long[] skipped = {0};
        Trace trace = read(shard, settings.format(), settings.strict() ? Strictness.STRICT : Strictness.LENIENT, hadoop,
                message -> {
                    if (malformed.size() < ShardStats.NAMED_MALFORMED) {
                        malformed.add(message);
                    }
                }, skipped);
        // Malformed lines are the log's: report them once, from part 0 of a split log.
        long malformedLines = shard.part() == 0 ? skipped[0] : 0;
        List<String> named = shard.part() == 0 ? malformed : List.of();
        List<EvictionTraining.Replay> replays = new ArrayList<>();
        List<ShardStats> stats = new ArrayList<>();
        List<Capacity> capacities = settings.sizes().stream().map(Capacity::parse).toList();
        EvictionTraining.Behaviour behaviour = settings.behaviour(shard);
        if (trace != null) {
            replays.addAll(EvictionTraining.replayEach(trace, capacities, behaviour));
        }
        for (int c = 0; c < capacities.size(); c++) {
            EvictionTraining.Replay r = trace == null ? null : replays.get(c);
            long transitions = r == null || r.transitions() == null ? 0 : r.transitions().size();
            stats.add(new ShardStats(shard.name(), settings.sizes().get(c), c, shard.path(), shard.part(), shard.parts(),
                    trace == null ? 0 : trace.length(), trace == null ? 0 : trace.objectCount(),
                    r == null ? 0 : r.result().hits(), transitions, malformedLines, named, behaviour));
        }
        return new Result(replays, stats);
    }

    /**
     * The shard's requests, in log order, or null when it has none (an empty log, every line
     * malformed in lenient mode, or no key of this part).
     */
    static Trace read(LogShard shard, TraceFormat format, Strictness strictness, Configuration hadoop,
                      java.util.function.Consumer<String> malformed, long[] skipped) throws IOException {
        Path path = new Path(shard.path());
        ParseErrors errors = new ParseErrors(shard.path(), strictness, 0, malformed);
        TraceBuilder builder = new TraceBuilder();
        RequestSink sink = shard.parts() == 1 ? builder : new KeyHashSplit(builder, shard.part(), shard.parts());
        FileSystem fs = path.getFileSystem(hadoop);
        try (InputStream in = Compression.ofName(path.getName()).decompress(fs.open(path))) {
            format.reader().read(in, sink, errors);
        } catch (MalformedTraceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException(shard.path() + ": cannot read as " + format.label() + " after " + builder.length()
                    + " requests: " + e.getMessage(), e);
        }
        skipped[0] = errors.skipped();
        return builder.length() == 0 ? null : builder.build(shard.name(), errors.skipped());
    }
}
