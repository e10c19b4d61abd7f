package io.reflex.cli;

import io.reflex.engine.eviction.EvictionModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.harness.bench.CaffeineBench;
import io.reflex.harness.bench.ChildJvm;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex bench caffeine}: the Caffeine adapter against plain Caffeine, same run (read and
 * evicting-write throughput ratios, hit ratios on the trap and Zipf workloads). See
 * {@link CaffeineBench}. One thread.
 *
 * <p>With {@code --forks N} (N > 1) the bench runs in N fresh JVMs one after another and each
 * figure is the median of the forks' figures (each fork's ratios are still the adapter against
 * plain Caffeine in that same JVM); the forks' read and write ratios are listed too. Forks are
 * there because the read ratio varies between JVMs far more than between the rounds of one JVM
 * (by up to 0.45 against about ±0.03 on the 2-vCPU machine of Dec 5).
 */
@Command(name = "caffeine", mixinStandardHelpOptions = true,
        description = "Caffeine adapter vs plain Caffeine: read/write throughput ratios, hit ratios on trap and zipf.")
final class BenchCaffeineCommand implements Callable<Integer> {

    private static final int MAX_FORKS = 15;
    private static final ObjectMapper READER = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOption json;

    @Option(names = "--model", description = "A trained eviction policy (ONNX: joint [1,6K] -> [1,K], or candidate rows [1,12] -> [1,2] with its K in reflex.k metadata); default: an untrained seeded network of --layout.")
    Path model;

    @Option(names = "--layout", defaultValue = "candidate-rows",
            description = "Layout of the untrained policy used without --model: candidate-rows (what `train eviction --objective dqn` exports: a 12-16-16-2 row network, K = 64) "
                    + "or joint (a 96-64-64-17 network, K = 16) (default ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per cache and operation (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--headroom", description = "The adapter's headroom, a fraction of the capacity in [0, 0.25] (default 1/128; 0: each decision frees only its victim mask).")
    double headroom = ReflexCache.DEFAULT_HEADROOM;

    @Option(names = "--victims-per-decision", paramLabel = "N", defaultValue = "1",
            description = "With a history-1 model: candidates evicted per decision, the model's choice first (default ${DEFAULT-VALUE}, the adapter's default).")
    int victimsPerDecision;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--resident", description = "Keys the read phase holds and reads, Zipf-skewed, in a cache of twice that capacity (default 50000).")
    int resident = CaffeineBench.DEFAULT_RESIDENT;

    @Option(names = "--forks", defaultValue = "1", description = "Fresh JVMs to run the bench in, one after another, reporting each figure's median over them; 1 runs it in this JVM (default ${DEFAULT-VALUE}).")
    int forks;

    @Override
    public Integer call() throws Exception {
        Args.require(spec.commandLine(), rounds >= 1, "--rounds must be >= 1");
        Args.require(spec.commandLine(), resident >= CaffeineBench.MIN_RESIDENT && resident <= CaffeineBench.MAX_RESIDENT,
                "--resident must be in [%s, %s]", CaffeineBench.MIN_RESIDENT, CaffeineBench.MAX_RESIDENT);
        Args.require(spec.commandLine(), forks >= 1 && forks <= MAX_FORKS, "--forks must be in [1, %s]", MAX_FORKS);
        Args.require(spec.commandLine(), headroom >= 0 && headroom <= 0.25, "--headroom must be in [0, 0.25]");
        Args.require(spec.commandLine(), victimsPerDecision >= 1 && victimsPerDecision <= EvictionModel.MAX_K,
                "--victims-per-decision must be in [1, %s]", EvictionModel.MAX_K);
        EvictionLoop.Layout untrained = BenchCommand.parseLayout(spec, layout);
        Args.require(spec.commandLine(), model == null || Files.isRegularFile(model), "--model: no such file %s", model);
        Map<String, Object> out = forks == 1 ? inThisJvm(untrained) : medianOfForks();
        if (json.enabled()) {
            Json.print(spec.commandLine().getOut(), out);
        } else {
            out.forEach((k, v) -> spec.commandLine().getOut().printf("%-34s %s%n", k, v));
        }
        return 0;
    }

    private Map<String, Object> inThisJvm(EvictionLoop.Layout untrained) throws Exception {
        spec.commandLine().getErr().println("bench caffeine: throughput rounds, then trap and zipf replays...");
        CaffeineBench.Result r = new CaffeineBench(model, untrained, seedOption.value(), rounds, headroom, victimsPerDecision,
                resident).run();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("read_throughput_ratio", round(r.readOpsReflex() / r.readOpsCaffeine()));
        out.put("write_throughput_ratio", round(r.writeOpsReflex() / r.writeOpsCaffeine()));
        out.put("hit_ratio_reflex", round(r.hitRatioReflexTrap()));
        out.put("hit_ratio_caffeine", round(r.hitRatioCaffeineTrap()));
        out.put("hit_ratio_reflex_zipf", round(r.hitRatioReflexZipf()));
        out.put("hit_ratio_caffeine_zipf", round(r.hitRatioCaffeineZipf()));
        out.put("trap_size", "25MB");
        out.put("zipf_size", "256MB");
        out.put("model", r.model());
        out.put("reads_per_sec_reflex", Math.round(r.readOpsReflex()));
        out.put("reads_per_sec_caffeine", Math.round(r.readOpsCaffeine()));
        out.put("reads_per_sec_caffeine_wrapped", Math.round(r.readOpsCaffeineWrapped()));
        out.put("read_throughput_ratio_caffeine_wrapped", round(r.readOpsCaffeineWrapped() / r.readOpsCaffeine()));
        out.put("read_cpu_throughput_ratio", round(r.readCpuOpsReflex() / r.readCpuOpsCaffeine()));
        out.put("write_cpu_cost_ratio", round(r.writeCpuOpsCaffeine() / r.writeCpuOpsReflex()));
        out.put("read_overhead_ns_per_hit", Math.round(r.readOverheadNsPerHit() * 10) / 10.0);
        OptionalDouble breakEven = r.breakEvenMissCostNs();
        out.put("break_even_miss_cost_ns", breakEven.isPresent() ? (Object) Math.round(breakEven.getAsDouble()) : null);
        if (breakEven.isEmpty()) {
            out.put("break_even_miss_cost_reason", "no hit-ratio gain over plain Caffeine (mean of trap and Zipf: "
                    + round(r.hitRatioGain()) + ")");
        }
        out.put("evicting_writes_per_sec_reflex", Math.round(r.writeOpsReflex()));
        out.put("evicting_writes_per_sec_caffeine", Math.round(r.writeOpsCaffeine()));
        out.put("policy_evictions", r.policyEvictions());
        out.put("fallback_writes", r.fallbackWrites());
        out.put("policy_decisions", r.policyDecisions());
        out.put("k", r.k());
        out.put("headroom", headroom);
        out.put("victims_per_decision", victimsPerDecision);
        out.put("resident", resident);
        return out;
    }

    private Map<String, Object> medianOfForks() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("bench", "caffeine", "--json", "--forks", "1", "--layout", layout,
                "--rounds", Integer.toString(rounds), "--headroom", Double.toString(headroom),
                "--victims-per-decision", Integer.toString(victimsPerDecision), "--seed", Long.toString(seedOption.value()),
                "--resident", Integer.toString(resident)));
        if (model != null) {
            args.addAll(List.of("--model", model.toAbsolutePath().toString()));
        }
        List<JsonNode> results = new ArrayList<>();
        for (int fork = 1; fork <= forks; fork++) {
            spec.commandLine().getErr().println("bench caffeine: fork " + fork + "/" + forks + "...");
            Process p = new ProcessBuilder(ChildJvm.reflexCommand(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("bench caffeine: fork " + fork + " of " + forks + " exited with status " + exit
                        + " (its errors are above)");
            }
            results.add(lastJsonLine(stdout, fork));
        }
        return medianOf(results);
    }

    private static JsonNode lastJsonLine(String stdout, int fork) throws IOException {
        String[] lines = stdout.strip().split("\\R");
        String last = lines[lines.length - 1];
        if (!last.startsWith("{")) {
            throw new IllegalStateException("bench caffeine: fork " + fork + " printed no JSON object, its output ends with: " + last);
        }
        return READER.readTree(last);
    }

    /**
     * One result from the forks' results: each number is the median over the forks (the mean of
     * the middle two for an even count), anything else is the first fork's (a null stays null); then
     * {@code forks} and the forks' own read and write ratios, in fork order.
     */
    static Map<String, Object> medianOf(List<JsonNode> results) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : results.getFirst().properties()) {
            String name = field.getKey();
            if (!field.getValue().isNumber()) {
                out.put(name, field.getValue().isNull() ? null : field.getValue().asText());
                continue;
            }
            double[] values = results.stream().mapToDouble(r -> r.path(name).asDouble(Double.NaN)).sorted().toArray();
            int mid = values.length / 2;
            double median = values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
            out.put(name, field.getValue().isIntegralNumber() ? (Object) Math.round(median) : (Object) median);
        }
        out.put("forks", results.size());
        for (String ratio : new String[] {"read_throughput_ratio", "write_cpu_cost_ratio"}) {
            out.put(ratio + "_forks", results.stream().map(r -> r.path(ratio).asDouble(Double.NaN)).toList());
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
