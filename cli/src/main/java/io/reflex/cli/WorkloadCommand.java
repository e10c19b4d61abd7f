package io.reflex.cli;

import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.workload.CsvTraceWriter;
import io.reflex.trainer.workload.Workload;
import io.reflex.trainer.workload.WorkloadKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex workload KIND --seed N --out FILE}: writes a seeded synthetic trace as CSV
 * ({@code time,key,size,ttl,rtt}); the same kind, seed and sizes always give the same bytes.
 */
@Command(name = "workload", mixinStandardHelpOptions = true,
        description = "Write a seeded synthetic trace as CSV (time,key,size,ttl,rtt): trap, zipf, bursts or loop.")
final class WorkloadCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "trap (Cold-RL's adversarial workload), zipf, bursts, loop (a scan-heavy loop over a hot set).")
    String kind;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output CSV (compressed when it ends in .gz, .xz or .zst).")
    Path out;

    @Option(names = "--requests", defaultValue = "0", paramLabel = "N",
            description = "Number of requests (default: trap 30,000; zipf and bursts 1,000,000; loop 76,000).")
    int requests;

    @Option(names = "--objects", defaultValue = "0", paramLabel = "N",
            description = "Number of (background) objects (default: trap 2,000; zipf and bursts 100,000; loop: the hot set, 2,000).")
    int objects;

    @Mixin
    JsonTextOption json;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        Workload workload;
        try {
            if (requests < 0 || objects < 0) {
                throw new IllegalArgumentException("--requests and --objects must be >= 0");
            }
            workload = WorkloadKind.fromLabel(kind).create(seedOption.value(), requests, objects);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        OutputPaths.requireFile(cli, "--out", out);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitSet distinct = new BitSet();
        long start = System.nanoTime();
        long written;
        try (CsvTraceWriter writer = new CsvTraceWriter(out)) {
            workload.generate(new RequestSink() {
                @Override
                public void request(long key, double time, long size, double ttl, double rtt) {
                    distinct.set((int) key);
                    writer.request(key, time, size, ttl, rtt);
                }

                @Override
                public void request(String key, double time, long size, double ttl, double rtt) {
                    writer.request(key, time, size, ttl, rtt);
                }
            });
            written = writer.written();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter stdout = cli.getOut();
        if (json.enabled()) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("kind", workload.kind());
            root.put("seed", seedOption.value());
            root.put("requests", written);
            root.put("objects", distinct.cardinality());
            root.put("out", out.toString());
            root.put("seconds", Math.round(seconds * 1000) / 1000.0);
            Json.print(stdout, root);
        } else {
            stdout.printf(Locale.ROOT, "wrote %s: %s workload, seed %d, %,d requests over %,d objects (%.1f s)%n", out,
                    workload.kind(), seedOption.value(), written, distinct.cardinality(), seconds);
            stdout.flush();
        }
        return 0;
    }
}
