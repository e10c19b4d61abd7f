package io.reflex.cli;

import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.harness.bench.EvictionBench;
import io.reflex.harness.bench.NextAccessBench;
import io.reflex.harness.bench.InferenceBench;
import io.reflex.harness.bench.RuntimeBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex bench ...}: the short, JSON-printing versions of the JMH benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Short benchmarks that print JSON.",
        subcommands = {BenchCommand.Inference.class, BenchCommand.Runtime.class, BenchCommand.Eviction.class,
                BenchCaffeineCommand.class, BenchTrainingCommand.class, BenchParityCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (try ./reflex bench --help)");
    }

    @Command(name = "inference", mixinStandardHelpOptions = true,
            description = "Vector API fast path vs ONNX Runtime on three reference MLPs, batch 1.")
    static final class Inference implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JsonOption json;

        @Option(names = "--iterations", defaultValue = "200000", description = "Timed decisions per backend and model (default ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--warmup", defaultValue = "100000", description = "Untimed decisions first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            Args.require(spec.commandLine(), iterations >= 100 && warmup >= 0, "--iterations must be >= 100 and --warmup >= 0");
            PrintWriter out = spec.commandLine().getOut();
            spec.commandLine().getErr().println("bench inference: " + iterations + " decisions per backend per model...");
            List<InferenceBench.Result> results = new InferenceBench(iterations, warmup, seedOption.value())
                    .run(InferenceBench.referenceModels(seedOption.value()));
            if (json.enabled()) {
                List<Map<String, Object>> models = new ArrayList<>();
                for (InferenceBench.Result r : results) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.name());
                    m.put("layers", r.layers());
                    m.put("vector_p50_ns", r.vectorP50());
                    m.put("vector_p99_ns", r.vectorP99());
                    m.put("onnxruntime_p50_ns", r.ortP50());
                    m.put("onnxruntime_p99_ns", r.ortP99());
                    m.put("speedup_p50", round(r.speedupP50()));
                    m.put("alloc_bytes_per_decision", round(r.vectorAllocBytes()));
                    m.put("onnxruntime_alloc_bytes_per_decision", round(r.ortAllocBytes()));
                    m.put("fast_path", r.fastPathStatus());
                    models.add(m);
                }
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("models", models);
                root.put("iterations", iterations);
                root.put("seed", seedOption.value());
                Json.print(out, root);
            } else {
                out.printf("%-24s %-14s %10s %10s %10s %10s %8s %12s%n", "model", "layers", "vec p50", "vec p99",
                        "ort p50", "ort p99", "speedup", "vec B/call");
                for (InferenceBench.Result r : results) {
                    out.printf("%-24s %-14s %8d ns %8d ns %8d ns %8d ns %7.2fx %12.1f%n", r.name(), r.layers(),
                            r.vectorP50(), r.vectorP99(), r.ortP50(), r.ortP99(), r.speedupP50(), r.vectorAllocBytes());
                }
            }
            return 0;
        }

        private static double round(double v) {
            return Math.round(v * 100.0) / 100.0;
        }
    }

    @Command(name = "runtime", mixinStandardHelpOptions = true,
            description = "Metrics overhead per decision, and a swap storm with slow and NaN-producing models under load.")
    static final class Runtime implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JsonOption json;

        @Option(names = "--swaps", defaultValue = "1000", description = "Model versions swapped in (default ${DEFAULT-VALUE}).")
        int swaps;

        @Option(names = "--threads", defaultValue = "2", description = "Deciding threads during the swaps (default ${DEFAULT-VALUE}).")
        int threads;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            Args.require(spec.commandLine(), swaps >= 1 && threads >= 1 && threads <= 64, "--swaps must be >= 1 and --threads in [1, 64]");
            spec.commandLine().getErr().println("bench runtime: " + swaps + " swaps under " + threads + " deciding threads...");
            RuntimeBench.Result r = new RuntimeBench(swaps, threads, seedOption.value()).run();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("metrics_overhead_ns", Inference.round(r.metricsOverheadNs()));
            out.put("runtime_overhead_ns", Inference.round(r.runtimeOverheadNs()));
            out.put("decision_ns", Inference.round(r.decideNs()));
            out.put("swaps", r.swaps());
            out.put("rejected_swaps", r.rejectedSwaps());
            out.put("decisions_during_swaps", r.decisionsDuringSwaps());
            out.put("failed_decisions", r.failedDecisions());
            out.put("breaker_trips", r.breakerTrips());
            Map<String, Long> fallbacks = new LinkedHashMap<>();
            for (FallbackCause c : FallbackCause.values()) {
                fallbacks.put(c.tag(), r.fallbacks().get(c));
            }
            out.put("fallbacks", fallbacks);
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), out);
            } else {
                out.forEach((k, v) -> spec.commandLine().getOut().printf("%-24s %s%n", k, v));
            }
            return r.failedDecisions() == 0 ? 0 : 1;
        }
    }

    /** {@code --layout}'s value: {@code candidate-rows} or {@code joint}, else a usage error. */
    static EvictionLoop.Layout parseLayout(CommandLine.Model.CommandSpec spec, String layout) {
        return switch (layout) {
            case "candidate-rows" -> EvictionLoop.Layout.CANDIDATE_ROWS;
            case "joint" -> EvictionLoop.Layout.JOINT;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--layout must be candidate-rows or joint, got '" + layout + "'");
        };
    }

    @Command(name = "eviction", mixinStandardHelpOptions = true,
            description = "Whole eviction decisions (features, inference under the runtime's guard, victim mask) on one thread.")
    static final class Eviction implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JsonOption json;

        @Option(names = "--k", defaultValue = "16", description = "Candidates per decision (default ${DEFAULT-VALUE}).")
        int k;

        @Option(names = "--layout", defaultValue = "candidate-rows",
                description = "Model layout: next-access (what `train eviction` exports by default: one 11-wide history-1 "
                        + "row per candidate and one for the incoming object, candidates drawn inside the timed decision), "
                        + "candidate-rows (`train eviction --objective dqn`: one 12-wide row per candidate) or joint (one "
                        + "network over all 6K features) (default ${DEFAULT-VALUE}).")
        String layout;

        @Option(names = "--candidates", defaultValue = "sampled", paramLabel = "sampled|lru",
                description = "next-access: draw the K candidates from 10,000 residents (sampled) or take K fixed ones (lru) "
                        + "(default ${DEFAULT-VALUE}).")
        String candidates;

        @Option(names = "--hidden", split = ",",
                description = "Hidden widths of the dueling policy (default 16,16 for candidate-rows, 64,64 for joint).")
        int[] hidden;

        @Option(names = "--iterations", defaultValue = "300000", description = "Decisions per phase (default ${DEFAULT-VALUE}).")
        int iterations;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            if (layout.equals("next-access")) {
                return nextAccess();
            }
            EvictionLoop.Layout l = parseLayout(spec, layout);
            int[] widths = hidden != null ? hidden : l == EvictionLoop.Layout.JOINT ? new int[] {64, 64} : new int[] {16, 16};
            Args.require(spec.commandLine(), k >= 1 && k <= 64 && iterations >= 1000 && widths.length > 0,
                    "--k must be in [1, 64], --iterations >= 1000, --hidden non-empty");
            print(new EvictionBench(k, l, widths, iterations, seedOption.value()).run());
            return 0;
        }

        private Integer nextAccess() throws Exception {
            int[] widths = hidden != null ? hidden : new int[] {32, 32};
            Args.require(spec.commandLine(), k >= 1 && k <= 64 && iterations >= 1000 && widths.length > 0
                    && (candidates.equals("sampled") || candidates.equals("lru")),
                    "--k must be in [1, 64], --iterations >= 1000, --hidden non-empty, --candidates sampled or lru");
            print(new NextAccessBench(k, candidates.equals("sampled"), widths, iterations, seedOption.value()).run());
            return 0;
        }

        private void print(EvictionBench.Result r) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("k", r.k());
            out.put("layout", layout);
            out.put("layers", r.layers());
            out.put("decision_p50_ns", r.p50());
            out.put("decision_p99_ns", r.p99());
            out.put("decisions_per_sec", Math.round(r.decisionsPerSec()));
            out.put("alloc_bytes_per_decision", Inference.round(r.allocBytes()));
            out.put("fallbacks", r.fallbacks());
            if (layout.equals("next-access")) {
                out.put("candidates", candidates);
            }
            if (json.enabled()) {
                Json.print(spec.commandLine().getOut(), out);
            } else {
                out.forEach((key, v) -> spec.commandLine().getOut().printf("%-26s %s%n", key, v));
            }
        }
    }
}
