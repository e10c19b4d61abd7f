package io.reflex.trainer.cli;

import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.trainer.bench.CaffeineBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex bench caffeine}: the Caffeine adapter against plain Caffeine, same run (read and
 * evicting-write throughput ratios, hit ratios on the trap and Zipf workloads). See
 * {@link CaffeineBench}. One thread.
 */
@Command(name = "caffeine", mixinStandardHelpOptions = true,
        description = "Caffeine adapter vs plain Caffeine: read/write throughput ratios, hit ratios on trap and zipf.")
final class BenchCaffeineCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--model", description = "A trained eviction policy (ONNX: joint [1,6K] -> [1,K], or candidate rows [1,12] -> [1,2] with its K in reflex.k metadata); default: an untrained seeded network of --layout.")
    Path model;

    @Option(names = "--layout", defaultValue = "candidate-rows",
            description = "Layout of the untrained policy used without --model: candidate-rows (what `train eviction` exports: a 12-16-16-2 row network, K = 64) "
                    + "or joint (a 96-64-64-17 network, K = 16) (default ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per cache and operation (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--headroom", description = "The adapter's headroom, a fraction of the capacity in [0, 0.25] (default 1/128; 0: each decision frees only its victim mask).")
    double headroom = ReflexCache.DEFAULT_HEADROOM;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the keys and the untrained model (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1");
        }
        if (!(headroom >= 0 && headroom <= 0.25)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--headroom must be in [0, 0.25]");
        }
        EvictionLoop.Layout untrained = BenchCommand.parseLayout(spec, layout);
        if (model != null && !Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model: no such file " + model);
        }
        spec.commandLine().getErr().println("bench caffeine: throughput rounds, then trap and zipf replays...");
        CaffeineBench.Result r = new CaffeineBench(model, untrained, seed, rounds, headroom).run();
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
        out.put("evicting_writes_per_sec_reflex", Math.round(r.writeOpsReflex()));
        out.put("evicting_writes_per_sec_caffeine", Math.round(r.writeOpsCaffeine()));
        out.put("policy_evictions", r.policyEvictions());
        out.put("fallback_writes", r.fallbackWrites());
        out.put("policy_decisions", r.policyDecisions());
        out.put("k", r.k());
        out.put("headroom", headroom);
        if (json) {
            Json.print(spec.commandLine().getOut(), out);
        } else {
            out.forEach((k, v) -> spec.commandLine().getOut().printf("%-34s %s%n", k, v));
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
