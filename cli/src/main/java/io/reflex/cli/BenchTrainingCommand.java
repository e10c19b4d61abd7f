package io.reflex.cli;

import io.reflex.compute.device.CudaProbe;
import io.reflex.compute.device.DeviceRequest;
import io.reflex.compute.device.DeviceSelector;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.harness.bench.TrainingBench;
import io.reflex.recommender.state.ChildRows;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex bench training}: samples per second of a whole training step on each trainer's
 * network shape, per device, hidden width and batch ({@link TrainingBench}).
 */
@Command(name = "training", mixinStandardHelpOptions = true,
        description = {"Training throughput (samples/s of forward, loss gradient, backward and Adam) of each trainer's "
                + "network: eviction 12-W-W-2 (the candidate row network), matching 16-W-W-1 (LOMAR's scorer), tpgr "
                + "R-W-1 (a TPGR level, R the child row width at 8 item dimensions), per hidden width W and batch.",
                "About two minutes on 2 cores with the defaults; --time-ms trades precision for time."})
final class BenchTrainingCommand implements Callable<Integer> {

    /** Item vector dimensions of the TPGR shape: recommend evaluate's default. */
    private static final int TPGR_DIMS = 8;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOption json;

    @Option(names = "--device", paramLabel = "cpu|gpu|both",
            description = "Which backends to measure (default: both where a GPU is usable, else cpu).")
    String device;

    @Option(names = "--widths", split = ",", defaultValue = "16,256,1024", paramLabel = "W",
            description = "Hidden widths (default ${DEFAULT-VALUE}).")
    int[] widths;

    @Option(names = "--batches", split = ",", defaultValue = "128,1024,8192", paramLabel = "B",
            description = "Batch sizes in rows (default ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--cpu-threads", paramLabel = "N",
            description = "Threads of the CPU backend (default: every core).")
    Integer cpuThreads;

    @Option(names = "--time-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Time per cell, a quarter of it warm-up; a cell takes at least three steps (default ${DEFAULT-VALUE}).")
    long timeMs;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        Args.require(cli, timeMs >= 1 && timeMs <= 600_000, "--time-ms must be in [1, 600000], got %s", timeMs);
        for (int w : widths) {
            Args.require(cli, w >= 1 && w <= 8192, "--widths must be in [1, 8192], got %s", w);
        }
        for (int b : batches) {
            Args.require(cli, b >= 1 && b <= 65_536, "--batches must be in [1, 65536], got %s", b);
        }
        PrintWriter err = cli.getErr();
        List<DeviceSelector.Selection> devices = devices(cli, err);
        List<TrainingBench.Shape> shapes = List.of(
                new TrainingBench.Shape("eviction", EvictionFeatures.ROW_WIDTH, 2, 2),
                new TrainingBench.Shape("matching", CandidateFeatures.COUNT, 2, 1),
                new TrainingBench.Shape("tpgr", ChildRows.width(TPGR_DIMS), 1, 1));
        TrainingBench bench = new TrainingBench(timeMs);
        List<TrainingBench.Row> rows = new ArrayList<>();
        for (DeviceSelector.Selection d : devices) {
            rows.addAll(bench.run(d.backend(), d.device(), shapes, widths, batches));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = cpuThreads == null ? cores : cpuThreads;
        PrintWriter out = cli.getOut();
        if (json.enabled()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (TrainingBench.Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("trainer", r.trainer());
                m.put("width", r.width());
                m.put("batch", r.batch());
                m.put("device", r.device());
                m.put("samples_per_sec", Math.round(r.samplesPerSec()));
                m.put("steps", r.steps());
                list.add(m);
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("rows", list);
            root.put("cpu_cores", cores);
            root.put("cpu_threads", threads);
            Json.print(out, root);
        } else {
            out.printf(Locale.ROOT, "%-9s %6s %6s %-6s %15s %6s%n", "trainer", "width", "batch", "device", "samples/s", "steps");
            for (TrainingBench.Row r : rows) {
                out.printf(Locale.ROOT, "%-9s %6d %6d %-6s %,15.0f %6d%n", r.trainer(), r.width(), r.batch(), r.device(),
                        r.samplesPerSec(), r.steps());
            }
            out.printf(Locale.ROOT, "%d cores; the CPU backend computes on %d thread%s%n", cores, threads,
                    threads == 1 ? "" : "s");
            out.flush();
        }
        return 0;
    }

    /** The backends {@code --device} names, each announced on stderr; an unusable GPU fails with one line. */
    private List<DeviceSelector.Selection> devices(CommandLine cli, PrintWriter err) {
        Args.require(cli, cpuThreads == null || cpuThreads >= 1, "--cpu-threads must be >= 1, got %s", cpuThreads);
        DeviceSelector selector = cpuThreads == null ? new DeviceSelector()
                : new DeviceSelector(CudaProbe::probe, cpuThreads);
        java.util.function.Consumer<String> note = line -> {
            err.println("bench training: " + line);
            err.flush();
        };
        String which = device == null ? "auto" : device;
        List<DeviceSelector.Selection> list = new ArrayList<>();
        switch (which) {
            case "cpu" -> list.add(selector.select(DeviceRequest.parse("cpu"), note));
            case "gpu" -> list.add(selector.select(DeviceRequest.parse("gpu"), note));
            case "both" -> {
                list.add(selector.select(DeviceRequest.parse("cpu"), note));
                list.add(selector.select(DeviceRequest.parse("gpu"), note));
            }
            case "auto" -> {
                DeviceSelector.Selection auto = selector.select(DeviceRequest.AUTO, note);
                if (!auto.device().equals("cpu")) {
                    list.add(selector.select(DeviceRequest.parse("cpu"), note));
                }
                list.add(auto);
            }
            default -> throw new CommandLine.ParameterException(cli, "--device must be cpu, gpu or both, got '" + device + "'");
        }
        return list;
    }
}
