package io.reflex.adapters.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.cli.BehaviourOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Spark jar's entry point ({@code ./reflex replay}, or {@code spark-submit --class} this class):
 * the {@code replay} command, with the command line's error policy (a bad flag or a missing file
 * exits non-zero with one line; {@code --json} prints one JSON object on stdout, Spark's logs go to
 * stderr).
 */
@Command(name = "reflex", mixinStandardHelpOptions = true, version = "reflex 0.1.0",
        description = "Reflex on Apache Spark.", subcommands = SparkMain.Replay.class)
public final class SparkMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex replay --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return io.reflex.trainer.cli.CommandLines.execute(new SparkMain(), args, out, err);
    }

    /** {@code ./reflex replay}: the fleet replay job ({@link FleetReplay}). */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Replay a fleet's access logs on Apache Spark (one log = one cache) under the trainer's exploring-LRU "
                    + "behaviour (the options of train eviction --objective dqn, recorded in OUT/stats) and write the training transitions and per-shard statistics as Parquet, partitioned by "
                    + "shard and capacity.", "Train from them with ./reflex train eviction --transitions OUT --out MODEL.onnx."})
    static final class Replay implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--logs", required = true, paramLabel = "GLOB_OR_DIR",
                description = "The logs: a file, a directory (every file in it) or a glob; local or any Hadoop path.")
        String logs;

        @Option(names = "--format", required = true, paramLabel = "FMT",
                description = "Log format: csv, nginx, lirs, adaptsize, cache2k, oracle-general (.gz/.xz/.zst read as such).")
        String format;

        @Option(names = "--sizes", required = true, split = ",", paramLabel = "S",
                description = "Cache size(s) of every shard, e.g. 25MB (bytes) or 512 (entries).")
        List<String> sizes;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Output directory: OUT/transitions and OUT/stats are (over)written.")
        String out;

        @Option(names = "--master", paramLabel = "local[*]|URL",
                description = "Spark master (default: spark-submit's, else local[*]).")
        String master;

        @Option(names = "--shards", defaultValue = "1", paramLabel = "N",
                description = "Split each log by key hash into N independent caches (an approximation of a fleet; default ${DEFAULT-VALUE}: one cache per log).")
        int shards;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
                description = "Seed of the behaviour's exploration (default ${DEFAULT-VALUE}); the same logs and seed write the same rows.")
        long seed;

        /** The behaviour's options, train eviction's own: recorded in OUT/stats for train eviction --transitions. */
        @CommandLine.Mixin
        BehaviourOptions behaviour;

        @Option(names = "--strict", description = "Fail the job at the first malformed line, naming its log and line "
                + "(default: skip, count and report them).")
        boolean strict;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            ShardReplay.Settings settings;
            try {
                if (shards < 1 || shards > 4096) {
                    throw new IllegalArgumentException("--shards must be in [1, 4096], got " + shards);
                }
                settings = new ShardReplay.Settings(TraceFormat.fromLabel(format), sizes, behaviour.behaviour(1, seed), strict);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            if (!out.contains("://") && Files.isRegularFile(Paths.get(out))) {
                throw new CommandLine.ParameterException(cli, "--out: " + out + " is a file, not a directory");
            }
            // Fail on a missing log in a second, before Spark starts.
            int shardCount = FleetReplay.shards(new Configuration(), logs, shards).size();
            PrintWriter err = cli.getErr();
            err.printf(Locale.ROOT, "replay: %d shard(s) from %s, sizes %s, %s%n", shardCount, logs, sizes,
                    settings.behaviour());
            err.flush();
            try (SparkSession spark = Sessions.create("reflex replay", master)) {
                FleetReplay.Summary s = FleetReplay.run(spark, logs, settings, out, shards);
                for (String m : s.malformed()) {
                    err.println("replay: malformed line skipped: " + m);
                }
                err.flush();
                print(cli.getOut(), s, spark.sparkContext().master());
            }
            return 0;
        }

        private void print(PrintWriter o, FleetReplay.Summary s, String usedMaster) throws Exception {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("shards", s.shards());
            root.put("requests", s.requests());
            root.put("transitions", s.transitions());
            root.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            root.put("malformed_lines", s.malformedLines());
            root.put("requests_per_sec", Math.round(s.requests() / Math.max(1e-9, s.seconds())));
            root.put("master", usedMaster);
            root.put("out", out);
            root.put("malformed", s.malformed());
            if (json) {
                o.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            } else {
                o.printf(Locale.ROOT, "%d shards, %,d requests, %,d transitions in %.1f s (%,d requests/s on %s), "
                                + "%,d malformed lines; wrote %s/%s and %s/%s%n", s.shards(), s.requests(), s.transitions(),
                        s.seconds(), root.get("requests_per_sec"), usedMaster, s.malformedLines(), out,
                        FleetReplay.TRANSITIONS, out, FleetReplay.STATS);
            }
            o.flush();
        }
    }
}
