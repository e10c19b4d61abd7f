package io.reflex.cli;

import io.reflex.harness.demo.AdaptDemo;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.report.TimelineReport;
import io.reflex.compute.ComputeBackend;
import io.reflex.trainer.rl.NextAccessTraining;
import io.reflex.trainer.workload.LoopWorkload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex adapt demo}: a web trace followed by a scan-heavy loop, served by an adapting
 * deployment in each host, by the same model without adaptation and by the classical policies
 * ({@link AdaptDemo}); the figures as JSON or a table, and an HTML timeline.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show adaptation working: a real web trace (cache2k web07) followed by a scan-heavy loop is served "
                + "by an adapting deployment (the floor, one deliberately bad model, retraining every --every requests) "
                + "in the Caffeine adapter and in the patched NGINX with its sidecar, and, in the simulator, by the "
                + "first model without adaptation and by the classical policies.",
                "Writes adapt-demo.html (hit ratio over time, events marked) to --out."})
final class AdaptDemoCommand implements Callable<Integer> {

    /** The cache's entries in every arm: web07's larger suite size. */
    static final long ENTRIES = 2_000;
    /** Requests per point of the timeline. */
    static final int WINDOW = 1_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the models and the report go (default: a new folder under the system temp dir).")
    Path out;

    @Option(names = "--hosts", split = ",", defaultValue = "nginx,caffeine", paramLabel = "H1,H2",
            description = "The hosts that serve the adapting arm, in order (default ${DEFAULT-VALUE}).")
    List<String> hosts;

    @Option(names = "--web-requests", defaultValue = "38000", paramLabel = "N",
            description = "Requests of the web phase: web07's second half, from its start (default ${DEFAULT-VALUE}; a multiple of 1,000).")
    int webRequests;

    @Option(names = "--loop-requests", defaultValue = "76000", paramLabel = "N",
            description = "Requests of the loop phase (default ${DEFAULT-VALUE}; a multiple of 1,000).")
    int loopRequests;

    @Option(names = "--retrain-window", defaultValue = "20000", paramLabel = "N",
            description = "Trailing requests each round retrains on (default ${DEFAULT-VALUE}).")
    int retrainWindow;

    @Option(names = "--every", defaultValue = "10000", paramLabel = "N", description = "Requests between rounds (default ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--bad-model-at", defaultValue = "10000", paramLabel = "N",
            description = "The request at which the bad model is deployed (default ${DEFAULT-VALUE}).")
    int badModelAt;

    @Mixin
    TrainingBudgetOption budget;

    @Mixin
    SeedOption seedOption;

    @Mixin
    DeviceOption device;

    @Mixin
    JsonOption json;

    @Mixin
    NginxBuildScriptOption nginxBuildScript;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        Args.require(cli, webRequests > 0 && webRequests % WINDOW == 0, "--web-requests must be a positive multiple of %,d, got %d",
                WINDOW, webRequests);
        Args.require(cli, loopRequests > 0 && loopRequests % WINDOW == 0,
                "--loop-requests must be a positive multiple of %,d, got %d", WINDOW, loopRequests);
        for (String h : hosts) {
            Args.require(cli, h.equals("nginx") || h.equals("caffeine"), "--hosts: unknown host '%s' (known: nginx, caffeine)", h);
        }
        Path script = hosts.contains("nginx") ? nginxBuildScript.resolve(cli) : null;
        ComputeBackend backend = device.backend(cli, "adapt demo");
        Path dir = out != null ? out : Files.createTempDirectory("reflex-adapt-demo");
        Files.createDirectories(dir);
        PrintWriter err = cli.getErr();
        long begin = System.nanoTime();

        Trace web = QuickstartCommand.embeddedRealTrace(dir);
        int cut = web.length() / 2;
        Args.require(cli, webRequests <= web.length() - cut, "--web-requests is at most %,d (web07's second half)", web.length() - cut);
        NextAccessTraining.Settings training;
        try {
            training = budget.settings(seedOption.value());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        Path model = dir.resolve("web07-first-half.onnx");
        err.printf(Locale.ROOT, "adapt demo: training the first model on web07's first half (%,d requests)%n", cut);
        err.flush();
        NextAccessTraining.trainAndExport(web.slice(0, cut), List.of(Capacity.entries(ENTRIES)), training,
                backend, model, null);

        TraceBuilder sequence = new TraceBuilder(webRequests + loopRequests);
        for (int i = 0; i < webRequests; i++) {
            sequence.request(Long.parseLong(web.key(web.object(cut + i))), i * 0.01, RequestSink.NO_SIZE, RequestSink.NO_TTL,
                    RequestSink.NO_RTT);
        }
        Trace loop = LoopWorkload.builder().seed(seedOption.value()).requests(loopRequests).keyBase(1L << 40).build().toTrace();
        for (int i = 0; i < loopRequests; i++) {
            sequence.request(Long.parseLong(loop.key(loop.object(i))), (webRequests + i) * 0.01, RequestSink.NO_SIZE,
                    RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        List<AdaptDemo.Phase> phases = List.of(new AdaptDemo.Phase("web", webRequests), new AdaptDemo.Phase("loop", loopRequests));
        AdaptDemo.Settings settings = new AdaptDemo.Settings(ENTRIES, WINDOW, retrainWindow, every, badModelAt, 0.2, 0.002,
                training, seedOption.value());
        AdaptDemo demo = new AdaptDemo(settings, backend, sequence.build("web07 then loop"), phases, dir, line -> {
            err.println("adapt demo: " + line);
            err.flush();
        });
        AdaptDemo.Result r = demo.run(model, hosts, script);
        Path report = dir.resolve("adapt-demo.html");
        writeReport(report, r);
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (json.enabled()) {
            Json.print(cli.getOut(), json(r, report, seconds));
        } else {
            printTables(cli.getOut(), r, report, seconds);
        }
        return 0;
    }

    static Map<String, Object> json(AdaptDemo.Result r, Path report, double seconds) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> hostRows = new ArrayList<>();
        long failed = 0;
        long worstDemotion = -1;
        boolean neverDemoted = false;
        for (AdaptDemo.HostResult h : r.hosts()) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("host", h.host());
            host.put("classical_policy", h.classicalPolicy());
            host.put("phases", phases(h));
            host.put("bad_model_demoted_after_requests", h.badModelDemotedAfterRequests() < 0 ? null : h.badModelDemotedAfterRequests());
            host.put("requests_failed", h.requestsFailed());
            host.put("seconds", Math.round(h.seconds() * 10) / 10.0);
            hostRows.add(host);
            failed += h.requestsFailed();
            neverDemoted |= h.badModelDemotedAfterRequests() < 0;
            worstDemotion = Math.max(worstDemotion, h.badModelDemotedAfterRequests());
        }
        // The contract's top-level phases are the first host's; every host's are under "hosts".
        root.put("phases", r.hosts().isEmpty() ? List.of() : phases(r.hosts().getFirst()));
        List<Object> events = new ArrayList<>();
        for (AdaptDemo.Event e : r.events()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", e.host());
            m.put("at_request", e.atRequest());
            m.put("kind", e.kind());
            m.put("detail", e.detail());
            events.add(m);
        }
        root.put("events", events);
        root.put("bad_model_demoted_after_requests", neverDemoted ? null : worstDemotion);
        root.put("requests_failed", failed);
        root.put("hosts", hostRows);
        root.put("report", report.toString());
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        return root;
    }

    private static List<Object> phases(AdaptDemo.HostResult h) {
        List<Object> rows = new ArrayList<>();
        for (AdaptDemo.PhaseResult p : h.phases()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("requests", p.requests());
            m.put("hit_ratio_adaptive", round(p.adaptive()));
            m.put("hit_ratio_static", round(p.staticModel()));
            m.put("hit_ratio_classical", round(p.classical()));
            m.put("hit_ratio_lru", round(p.lru()));
            m.put("hit_ratio_best_classical", round(p.bestClassical()));
            m.put("best_classical_policy", p.bestClassicalPolicy());
            rows.add(m);
        }
        return rows;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static void printTables(PrintWriter out, AdaptDemo.Result r, Path report, double seconds) {
        for (AdaptDemo.HostResult h : r.hosts()) {
            out.printf(Locale.ROOT, "%s (classical rule %s): bad model demoted after %s requests, %d requests failed%n", h.host(),
                    h.classicalPolicy(), h.badModelDemotedAfterRequests() < 0 ? "never" : String.format(Locale.ROOT, "%,d",
                            h.badModelDemotedAfterRequests()), h.requestsFailed());
            out.printf(Locale.ROOT, "  %-6s %9s %9s %9s %9s %9s  %s%n", "phase", "requests", "adaptive", "static", h.classicalPolicy(),
                    "lru", "best classical");
            for (AdaptDemo.PhaseResult p : h.phases()) {
                out.printf(Locale.ROOT, "  %-6s %,9d %9.4f %9.4f %9.4f %9.4f  %.4f (%s)%n", p.name(), p.requests(), p.adaptive(),
                        p.staticModel(), p.classical(), p.lru(), p.bestClassical(), p.bestClassicalPolicy());
            }
        }
        out.printf(Locale.ROOT, "%d events; report %s; %.1f s%n", r.events().size(), report, seconds);
        out.flush();
    }

    private static void writeReport(Path file, AdaptDemo.Result r) throws java.io.IOException {
        List<TimelineReport.Chart> charts = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (AdaptDemo.HostResult h : r.hosts()) {
            List<TimelineReport.Series> series = new ArrayList<>();
            series.add(new TimelineReport.Series("adapting (" + h.host() + ")", h.adaptiveWindows()));
            series.add(new TimelineReport.Series("static model", r.simulatedWindows().get(AdaptDemo.STATIC)));
            series.add(new TimelineReport.Series(h.classicalPolicy() + " (the host's rule)", r.simulatedWindows().get(h.classicalPolicy())));
            String other = h.classicalPolicy().equals("lru") ? "wtinylfu" : "lru";
            series.add(new TimelineReport.Series(other, r.simulatedWindows().get(other)));
            List<TimelineReport.Mark> marks = new ArrayList<>();
            for (AdaptDemo.Event e : r.events()) {
                if (e.host().equals(h.host()) && !e.kind().equals("retrain_kept") && !(e.kind().equals("phase") && e.atRequest() == 0)) {
                    marks.add(new TimelineReport.Mark(e.atRequest(), e.kind()));
                }
            }
            charts.add(new TimelineReport.Chart(h.host() + ": hit ratio over time", series, marks));
            table.append("<h2>").append(h.host()).append("</h2>\n<table><tr><th>phase</th><th>requests</th><th>adapting</th>"
                    + "<th>static model</th><th>").append(h.classicalPolicy()).append("</th><th>lru</th><th>best classical</th></tr>\n");
            for (AdaptDemo.PhaseResult p : h.phases()) {
                table.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                                + "<td>%.4f (%s)</td></tr>%n", p.name(), p.requests(), p.adaptive(), p.staticModel(), p.classical(),
                        p.lru(), p.bestClassical(), p.bestClassicalPolicy()));
            }
            table.append(String.format(Locale.ROOT, "</table>\n<p>Bad model demoted after %s requests; %d requests failed.</p>%n",
                    h.badModelDemotedAfterRequests() < 0 ? "never" : String.format(Locale.ROOT, "%,d", h.badModelDemotedAfterRequests()),
                    h.requestsFailed()));
        }
        table.append("<h2>Events</h2>\n<table><tr><th>host</th><th>at request</th><th>kind</th><th>detail</th></tr>\n");
        for (AdaptDemo.Event e : r.events()) {
            table.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%s</td><td style=\"text-align:left\">%s</td></tr>%n",
                    e.host(), e.atRequest(), e.kind(), e.detail().replace("&", "&amp;").replace("<", "&lt;")));
        }
        table.append("</table>");
        TimelineReport.write(file, "Reflex: adaptation on a workload that changes character",
                "A real web trace (cache2k web07, second half) followed by a scan-heavy loop over a hot set, 2,000 entries. "
                        + "The adapting arm runs in each real host; the static model and the classical policies in the simulator "
                        + "over the same requests.", charts, WINDOW, table.toString());
    }
}
