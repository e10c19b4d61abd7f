package io.reflex.cli;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationMatrix;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.report.HitRatioChart;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex simulate}: replays a trace through policies at several cache sizes, in parallel,
 * and prints hit ratio, byte hit ratio and replay speed per (policy, size); {@code --report DIR}
 * also draws hit ratio against cache size.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay a trace through cache policies at several sizes; print hit ratios.")
final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "The trace file (.gz, .xz, .zst read transparently).")
    Path trace;

    @Option(names = "--format", required = true, paramLabel = "FMT",
            description = "csv, nginx, lirs, adaptsize, cache2k or oracle-general.")
    String format;

    @Option(names = "--policies", split = ",", paramLabel = "P1,P2",
            description = "Policies (default: the standard twelve; 'all' adds the extras): "
                    + "lru, fifo, lfu, size, gdsf, adaptive-lru, hybrid, arc, sieve, s3fifo, wtinylfu, belady, "
                    + "lfu-aging, belady-size.")
    List<String> policies;

    @Option(names = "--sizes", required = true, split = ",", paramLabel = "S1,S2",
            description = "Cache sizes: bytes with KB/MB/GB (powers of 1024), e.g. 25MB; or a bare number of entries.")
    List<String> sizes;

    @Mixin
    JsonOption json;

    @Option(names = "--report", paramLabel = "DIR", description = "Also write hit-ratio charts (SVG) and results.csv into DIR.")
    Path report;

    @Option(names = "--lenient", description = "Skip malformed lines (and report how many) instead of stopping at the first.")
    boolean lenient;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Replays run at once (default: one per core).")
    int threads;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--window", defaultValue = "0", paramLabel = "N",
            description = "Also report the hit ratio of every window of N requests (JSON: window_hit_ratios).")
    int window;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        TraceFormat traceFormat = ReplayArguments.format(cli, format);
        List<Capacity> capacities = ReplayArguments.capacities(cli, sizes);
        List<String> names = policyNames();
        Args.require(cli, threads >= 0 && window >= 0, "--threads and --window must be >= 0");
        ReplayArguments.requireFile(cli, trace, "trace");
        if (report != null) {
            OutputPaths.requireDirectory(cli, "--report", report);
        }
        PrintWriter err = cli.getErr();
        long readStart = System.nanoTime();
        Trace data = traceFormat.read(trace, lenient ? Strictness.LENIENT : Strictness.STRICT);
        err.printf(Locale.ROOT, "simulate: read %,d requests (%,d objects) from %s in %.1f s%s%n", data.length(),
                data.objectCount(), trace, (System.nanoTime() - readStart) / 1e9,
                data.malformedSkipped() > 0 ? "; skipped " + data.malformedSkipped() + " malformed lines" : "");
        data.truncation().ifPresent(t -> err.println("simulate: warning: " + t));
        for (Capacity c : capacities) {
            if (c.isBytes() && !data.hasSizes()) {
                err.println("simulate: warning: " + trace + " has no object sizes; byte capacity " + c.label()
                        + " counts every object as 1 byte");
            }
        }
        int pool = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        SimulationOptions options = SimulationOptions.builder().windowRequests(window > 0 ? window : 10_000).build();
        long start = System.nanoTime();
        List<SimulationResult> results = SimulationMatrix.run(data, names, capacities,
                (name, capacity) -> PolicyCatalog.create(name, new PolicySetup(data, capacity, seedOption.value())), options, pool);
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "simulate: %d replays (%d policies x %d sizes) on %d threads in %.1f s%n", results.size(),
                names.size(), capacities.size(), Math.min(pool, results.size()), seconds);

        List<Path> charts = List.of();
        if (report != null) {
            charts = HitRatioChart.write(report, trace.getFileName().toString(), results, data.hasSizes());
            err.println("simulate: wrote " + charts);
        }
        print(data, results, seconds, Math.min(pool, results.size()), charts);
        return 0;
    }

    private List<String> policyNames() {
        if (policies == null || policies.isEmpty()) {
            return PolicyCatalog.STANDARD;
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String p : policies) {
            String name = p.strip().toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                names.addAll(PolicyCatalog.names());
            } else if (!PolicyCatalog.isKnown(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown policy '" + p.strip()
                        + "' (known: " + String.join(", ", PolicyCatalog.names()) + ")");
            } else {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    private void print(Trace data, List<SimulationResult> results, double seconds, int usedThreads, List<Path> charts) {
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            List<Map<String, Object>> rows = EvaluateCommand.rows(results);
            if (window > 0) {
                for (int i = 0; i < rows.size(); i++) {
                    rows.get(i).put("window_hit_ratios", results.get(i).windowHitRatios());
                }
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("trace", trace.toString());
            root.put("format", TraceFormat.fromLabel(format).label());
            root.put("requests", data.length());
            root.put("objects", data.objectCount());
            root.put("skipped_lines", data.malformedSkipped());
            root.put("threads", usedThreads);
            root.put("seconds", Math.round(seconds * 1000) / 1000.0);
            root.put("results", rows);
            root.put("report", charts.isEmpty() ? null : charts.getFirst().toString());
            Json.print(out, root);
            return;
        }
        out.printf(Locale.ROOT, "trace %s: %,d requests, %,d objects%s%n", trace, data.length(), data.objectCount(),
                data.malformedSkipped() > 0 ? ", " + data.malformedSkipped() + " malformed lines skipped" : "");
        out.printf(Locale.ROOT, "%-13s %10s %10s %15s %14s%n", "policy", "size", "hit ratio", "byte hit ratio",
                "requests/s");
        for (SimulationResult r : results) {
            out.printf(Locale.ROOT, "%-13s %10s %10.4f %15.4f %,14d%n", r.policy(), r.capacity().label(), r.hitRatio(),
                    r.byteHitRatio(), Math.round(r.requestsPerSecond()));
        }
        out.printf(Locale.ROOT, "%d replays in %.1f s on %d threads%n", results.size(), seconds, usedThreads);
        for (Path chart : charts) {
            out.println("report: " + chart);
        }
        out.flush();
    }
}
