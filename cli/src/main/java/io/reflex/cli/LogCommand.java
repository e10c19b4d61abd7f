package io.reflex.cli;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.harness.bench.LogCrashTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code ./reflex log ...}: the decision log's checks. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Decision log checks.",
        subcommands = {LogCommand.CrashTest.class, LogCommand.CrashTestChild.class})
final class LogCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex log --help)");
    }

    @Command(name = "crashtest", mixinStandardHelpOptions = true,
            description = "SIGKILL a child JVM that decides and logs at full speed, N times; check nothing flushed is lost.")
    static final class CrashTest implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--kills", defaultValue = "5", description = "Child JVMs to kill (default ${DEFAULT-VALUE}).")
        int kills;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill moments and decisions (default ${DEFAULT-VALUE}).")
        long seed;

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
                LogCrashTest.Result r = new LogCrashTest(logDir, kills, seed, minMs, maxMs, err::println).run();
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

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            Path model = Files.createTempFile("reflex-crashtest-model", ".onnx");
            OnnxModelWriter.of(MlpGraph.randomDueling(seed, 96, 128, 128, 17)).fixedBatch(1).write(model);
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
                EpsilonGreedy explore = new EpsilonGreedy(0.1, seed);
                SplittableRandom random = new SplittableRandom(seed);
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
