package io.reflex.cli;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.log.DecisionLogReader;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.log.LogDamage;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.harness.bench.LogCrashTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code ./reflex log ...}: the decision log's checks and export. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Decision log checks and export.",
        subcommands = {LogCommand.Verify.class, LogCommand.Export.class, LogCommand.CrashTest.class,
                LogCommand.CrashTestChild.class})
final class LogCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex log --help)");
    }

    /** Exit status of {@code log verify} when the log is damaged (1 is an error, 2 a usage error). */
    static final int DAMAGED = 3;

    private static DecisionLogReader reader(CommandLine cli, Path dir) {
        Args.require(cli, Files.isDirectory(dir), "decision log directory not found: %s", dir);
        return DecisionLogReader.open(dir);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every record of a decision log; list each skipped byte range and missing segment. "
                    + "Exit 0 when nothing but a crash's torn tail was skipped, 3 when the log is damaged.")
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The decision log directory.")
        Path dir;

        @Mixin
        JsonTextOption json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DecisionLogReader reader = reader(spec.commandLine(), dir)
                    .onDamage(d -> {
                        if (!json.enabled()) {
                            out.println(d.describe());
                        }
                    });
            reader.forEach(r -> { });
            long bytesSkipped = 0;
            long recordsCorrupt = 0;
            List<Map<String, Object>> skipped = new ArrayList<>();
            List<Map<String, Object>> missing = new ArrayList<>();
            for (LogDamage d : reader.damage()) {
                switch (d) {
                    case LogDamage.Skipped k -> {
                        bytesSkipped += k.length();
                        recordsCorrupt += k.isCorruption() ? k.recordsLost() : 0;
                        Map<String, Object> range = new LinkedHashMap<>();
                        range.put("file", k.segment().toString());
                        range.put("offset", k.offset());
                        range.put("length", k.length());
                        range.put("kind", k.tornTail() ? "torn_tail" : "corrupt");
                        range.put("records_lost", k.recordsLost());
                        range.put("reason", k.reason());
                        skipped.add(range);
                    }
                    case LogDamage.MissingSegment m -> {
                        Map<String, Object> segment = new LinkedHashMap<>();
                        segment.put("file", m.segment().toString());
                        segment.put("first_sequence", m.firstSequence());
                        segment.put("records", m.records());
                        missing.add(segment);
                    }
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("segments", reader.segments());
            result.put("records_ok", reader.records());
            result.put("records_corrupt", recordsCorrupt);
            result.put("bytes_skipped", bytesSkipped);
            result.put("missing_segments", missing);
            result.put("torn_tails", reader.tornTailsSkipped());
            result.put("skipped", skipped);
            boolean damaged = reader.damage().stream().anyMatch(LogDamage::isCorruption);
            if (json.enabled()) {
                Json.print(out, result);
            } else {
                for (String key : List.of("segments", "records_ok", "records_corrupt", "bytes_skipped", "torn_tails")) {
                    out.printf("%-16s %s%n", key, result.get(key));
                }
                out.printf("%-16s %s%n", "missing_segments", missing.size());
                out.println(damaged ? "damaged" : "ok");
            }
            out.flush();
            return damaged ? DAMAGED : 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every readable record of a decision log to stdout, one JSON object per line. "
                    + "Damage is reported on stderr, one line each (see log verify).")
    static final class Export implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The decision log directory.")
        Path dir;

        @Option(names = "--format", defaultValue = "jsonl", description = "Output format: jsonl (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() throws IOException {
            CommandLine cli = spec.commandLine();
            Args.require(cli, format.equals("jsonl"), "unknown --format '%s' (known: jsonl)", format);
            DecisionLogReader reader = reader(cli, dir).onDamage(d -> cli.getErr().println("reflex: " + d.describe()));
            try (JsonLines lines = new JsonLines(cli.getOut())) {
                reader.forEach(lines::write);
            }
            return 0;
        }
    }

    @Command(name = "crashtest", mixinStandardHelpOptions = true,
            description = "SIGKILL a child JVM that decides and logs at full speed, N times; check nothing flushed is lost.")
    static final class CrashTest implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--kills", defaultValue = "5", description = "Child JVMs to kill (default ${DEFAULT-VALUE}).")
        int kills;

        @Mixin
        SeedOption seedOption;

        @Option(names = "--dir", description = "Log directory to use (default: a temporary one, deleted after).")
        Path dir;

        @Option(names = "--min-ms", defaultValue = "300", description = "Shortest life of a child after it starts logging, ms.")
        int minMs;

        @Option(names = "--max-ms", defaultValue = "1500", description = "Longest life of a child after it starts logging, ms.")
        int maxMs;

        @Mixin
        JsonTextOption json;

        @Override
        public Integer call() throws Exception {
            Args.require(spec.commandLine(), kills >= 1 && kills <= 1000 && minMs >= 1 && maxMs >= minMs,
                    "--kills must be in [1, 1000] and 1 <= --min-ms <= --max-ms");
            boolean temporary = dir == null;
            Path logDir = temporary ? Files.createTempDirectory("reflex-crashtest") : dir;
            var err = spec.commandLine().getErr();
            try {
                LogCrashTest.Result r = new LogCrashTest(logDir, kills, seedOption.value(), minMs, maxMs, err::println).run();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("kills", r.kills());
                out.put("records_acknowledged", r.acknowledged());
                out.put("records_recovered", r.recovered());
                out.put("records_lost", r.lost());
                out.put("torn_tails_skipped", r.tornTailsSkipped());
                out.put("records_in_log", r.recordsInLog());
                if (json.enabled()) {
                    Json.print(spec.commandLine().getOut(), out);
                } else {
                    out.forEach((k, v) -> spec.commandLine().getOut().printf("%-22s %s%n", k, v));
                }
                return r.lost() == 0 ? 0 : 1;
            } finally {
                if (temporary) {
                    try (var files = Files.list(logDir)) {
                        for (Path p : files.toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                    Files.deleteIfExists(logDir);
                }
            }
        }
    }

    /**
     * The child of {@code crashtest}: decides with a real dueling policy and ε-greedy exploration,
     * logs every decision and an outcome for every fourth, and prints {@code start N} and
     * {@code flushed N} lines on stdout until it is killed.
     */
    @Command(name = "crashtest-child", hidden = true)
    static final class CrashTestChild implements Callable<Integer> {

        @Option(names = "--dir", required = true)
        Path dir;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Path model = Files.createTempFile("reflex-crashtest-model", ".onnx");
            OnnxModelWriter.of(MlpGraph.randomDueling(seedOption.value(), 96, 128, 128, 17)).fixedBatch(1).write(model);
            try (Policy policy = PolicyLoader.defaults().load(model);
                 Policy.Evaluator evaluator = policy.newEvaluator();
                 DecisionLogWriter log = DecisionLogWriter.builder(dir).segmentBytes(8L << 20)
                         .onFlushed(seq -> {
                             out.println("flushed " + seq);
                             out.flush();
                         }).open()) {
                Files.deleteIfExists(model);
                out.println("start " + log.firstSequence());
                out.flush();
                DecisionLogWriter.LoopLog loop = log.forLoop("eviction");
                EpsilonGreedy explore = new EpsilonGreedy(0.1, seedOption.value());
                SplittableRandom random = new SplittableRandom(seedOption.value());
                float[] features = new float[96];
                float[] q = new float[16];
                for (long i = 0; ; i++) {
                    for (int f = 0; f < features.length; f++) {
                        features[f] = (float) random.nextDouble();
                    }
                    evaluator.evaluate(features, q);
                    int action = explore.choose(q, 0, 16);
                    long id = loop.decision(1, features, features.length, action, (float) explore.probability());
                    if (id >= 0 && (i & 3) == 0) {
                        loop.outcome(id, random.nextDouble() < 0.5 ? 1f : 0f);
                    }
                }
            }
        }
    }
}
