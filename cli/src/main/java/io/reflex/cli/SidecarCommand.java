package io.reflex.cli;

import io.reflex.sidecar.SidecarMain;
import io.reflex.sidecar.server.SidecarConfig;
import io.reflex.harness.bench.EvictionDrain;
import io.reflex.harness.bench.SidecarBench;
import io.reflex.harness.bench.SidecarSoak;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex sidecar}: runs the NGINX eviction sidecar until SIGTERM; {@code ./reflex sidecar
 * bench}: drives the real stock and patched NGINX with and without it; {@code ./reflex sidecar soak}:
 * the patched NGINX under load while its sidecar is killed and fed corrupt models.
 */
@Command(name = "sidecar", mixinStandardHelpOptions = true, subcommands = {SidecarCommand.Bench.class, SidecarCommand.Soak.class},
        description = "Runs the NGINX eviction sidecar on a Unix socket until SIGTERM (protocol: docs/reference.md).")
final class SidecarCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket to create (mode 0660).")
    Path socket;

    @Option(names = "--model", paramLabel = "MODEL.onnx", description = "Eviction model from train eviction: a next-access (history-1, [1,11] -> [1,1]) model, served over protocol v2 to NGINX's reflex_schema=history-1, or an --objective dqn model (candidate rows [1,12] -> [1,2], or joint [1,6K] -> [1,K]) over v1; reloaded when the file changes (same schema and contract only).")
    Path model;

    @Option(names = "--metrics-port", paramLabel = "P", defaultValue = "-1",
            description = "Prometheus endpoint on 127.0.0.1:P/metrics (0: any free port; default: none).")
    int metricsPort;

    @Option(names = "--k", defaultValue = "0", description = "Candidates per decision; must match the model (default: the model's).")
    int k;

    @Option(names = "--deadline", defaultValue = SidecarConfig.DEFAULT_DEADLINE,
            description = "Policy deadline; later decisions are LRU (default ${DEFAULT-VALUE}).")
    String deadline;

    @Option(names = "--poll", defaultValue = SidecarConfig.DEFAULT_POLL,
            description = "How often the model file is checked (default ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "" + SidecarConfig.DEFAULT_WARMUP_REQUESTS,
            description = "Round trips the sidecar makes to itself before publishing the socket, so NGINX's first requests meet compiled code (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--spin", defaultValue = SidecarConfig.DEFAULT_SPIN,
            description = "How long a connection is polled for the next frame before blocking (default ${DEFAULT-VALUE}: block at once; pays off only with a spare core).")
    String spin;

    @Option(names = "--access-log", paramLabel = "PATH",
            description = "NGINX's access log in Reflex's extended format (log_format reflex), followed for the LRU floor: a history-1 model that loses to LRU on the live traffic is demoted to LRU, and promoted when its miniature wins (default: no floor).")
    Path accessLog;

    @Option(names = "--cache-max-size", paramLabel = "SIZE",
            description = "NGINX's max_size as nginx.conf writes it (e.g. 25m, 1g): the LRU floor's capacity; needed with --access-log.")
    String cacheMaxSize;

    @Option(names = "--cache-max-entries", paramLabel = "N", defaultValue = "0",
            description = "The most files the cache holds, when its keys zone holds fewer than max_size over 4 KiB blocks (the default).")
    long cacheMaxEntries;

    @Option(names = "--challenger", paramLabel = "PATH",
            description = "A challenger model file, watched: each new model written there is evaluated in the shadow on the LRU floor's sampled keys and replaces --model when it beats the live cache with confidence (needs --access-log; default none).")
    Path challenger;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        Args.require(cli, socket != null && model != null, "--socket PATH and --model MODEL.onnx are required");
        ReplayArguments.requireFile(cli, model, "model");
        SidecarConfig config;
        try {
            config = SidecarConfig.builder().socket(socket).model(model).metricsPort(metricsPort).k(k)
                    .deadline(SidecarConfig.parseDuration(deadline)).modelPollInterval(SidecarConfig.parseDuration(poll))
                    .warmupRequests(warmup).spin(SidecarConfig.parseDuration(spin)).accessLog(accessLog)
                    .cacheMaxSize(cacheMaxSize == null ? 0 : SidecarConfig.parseSize(cacheMaxSize))
                    .cacheMaxEntries(cacheMaxEntries).challenger(challenger).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        return SidecarMain.run(config);
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "The real patched NGINX without the sidecar (its own LRU) and with it, on the trap workload replayed over HTTP.")
    static final class Bench implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JsonOption json;

        @Mixin
        NginxBuildScriptOption buildScript;

        @Option(names = "--requests", defaultValue = "30000", description = "Trap workload requests per run (default ${DEFAULT-VALUE}).")
        int requests;

        @Mixin
        SeedOption seedOption;

        @Option(names = "--model", paramLabel = "MODEL.onnx", description = "Serve this model instead of training one.")
        Path model;

        @Option(names = "--max-size", defaultValue = "25m", description = "proxy_cache_path max_size (default ${DEFAULT-VALUE}).")
        String maxSize;

        @Option(names = "--connections", defaultValue = "4", description = "Load generator connections (default ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = "--rounds", defaultValue = "2", description = "Rounds of (stock, reflex), alternating order (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--timeout", defaultValue = "500us", description = "NGINX's reflex_timeout (default ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--train-steps", defaultValue = "3000", description = "Gradient steps when training the model (default ${DEFAULT-VALUE}).")
        int trainSteps;

        @Option(names = "--drain-objects", defaultValue = "30000",
                description = "Objects cached before the eviction-rate phase; 0 skips the phase (default ${DEFAULT-VALUE}).")
        int drainObjects;

        @Option(names = "--drain-files", defaultValue = "30",
                description = "Eviction-rate phase: NGINX's manager_files, decisions per cache-manager wake-up (default ${DEFAULT-VALUE}).")
        int drainFiles;

        @Option(names = "--drain-load", defaultValue = "1000",
                description = "Eviction-rate phase: HTTP requests per second served while the cache drains; 0 for none (default ${DEFAULT-VALUE}).")
        double drainLoad;

        @Option(names = "--drain-sleep", defaultValue = "10ms",
                description = "Eviction-rate phase: NGINX's manager_sleep between wake-ups (default ${DEFAULT-VALUE}).")
        String drainSleep;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            Args.require(cli, drainObjects >= 0 && drainObjects <= 200_000 && drainFiles >= 1 && drainSleep.matches("[0-9]+(ms|s)")
                    && drainLoad >= 0 && drainLoad <= 100_000,
                    "--drain-objects must be in [0, 200000], --drain-files >= 1, --drain-sleep like 10ms, --drain-load in [0, 100000]");
            Args.require(cli, requests >= 1000 && rounds >= 1 && connections >= 1 && connections <= 64 && trainSteps >= 1,
                    "--requests must be >= 1000, --rounds >= 1, --connections in [1, 64], --train-steps >= 1");
            Args.require(cli, maxSize.matches("[0-9]+[kKmMgG]"), "--max-size: write it as NGINX does, e.g. 25m (got '%s')", maxSize);
            if (model != null) {
                ReplayArguments.requireFile(cli, model, "model");
            }
            Path script = buildScript.resolve(cli);
            PrintWriter err = cli.getErr();
            SidecarBench.Result r = new SidecarBench(new SidecarBench.Options(script, requests, seedOption.value(), model,
                    maxSize.toLowerCase(Locale.ROOT), connections, rounds, timeout, trainSteps,
                    drainObjects == 0 ? null : new EvictionDrain.Settings(drainObjects, 1000, "2g", "4m", drainFiles,
                            drainSleep, timeout, connections, drainLoad)), err).run();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("requests", r.requests());
            out.put("requests_failed", r.failed());
            out.put("round_trip_p50_us", r.roundTripP50Us());
            out.put("round_trip_p99_us", r.roundTripP99Us());
            out.put("fallbacks", r.fallbacks());
            out.put("nginx_throughput_ratio", round(r.throughputRatio(), 4));
            out.put("hit_ratio_reflex", round(r.hitRatioReflex(), 4));
            out.put("hit_ratio_lru", round(r.hitRatioLru(), 4));
            out.put("evictions_per_sec", Math.round(r.evictionsPerSec()));
            out.put("evictions_per_sec_average", Math.round(r.evictionsPerSecAverage()));
            out.put("evictions", r.evictions());
            out.put("policy_evictions", r.policyEvictions());
            out.put("decisions", r.decisions());
            out.put("round_trips", r.roundTrips());
            out.put("round_trip_p99_us_by_round", r.roundTripP99UsByRound());
            out.put("sidecar_decision_p99_us_at_most", Double.isFinite(r.sidecarP99Us()) ? Math.round(r.sidecarP99Us()) : null);
            out.put("sidecar_requests", r.sidecarRequests());
            out.put("stock_requests_per_sec", Math.round(r.stockRequestsPerSec()));
            out.put("reflex_requests_per_sec", Math.round(r.reflexRequestsPerSec()));
            out.put("max_size", r.maxSize());
            out.put("objects", r.objects());
            out.put("rounds", rounds);
            out.put("seed", seedOption.value());
            out.put("model", r.model());
            EvictionDrain.Result d = r.drain();
            if (d != null) {
                Map<String, Object> drain = new LinkedHashMap<>();
                drain.put("evictions_per_sec", Math.round(d.evictionsPerSec()));
                drain.put("round_trip_p50_us", d.roundTripP50Us());
                drain.put("round_trip_p99_us", d.roundTripP99Us());
                drain.put("evictions", d.evictions());
                drain.put("policy_evictions", d.policyEvictions());
                drain.put("decisions", d.decisions());
                drain.put("round_trips", d.roundTrips());
                drain.put("fallbacks", d.fallbacks());
                drain.put("timeouts", d.timeouts());
                drain.put("seconds_evicting", round(d.seconds(), 2));
                drain.put("manager_files", drainFiles);
                drain.put("manager_sleep", drainSleep);
                drain.put("http_requests", d.httpRequests());
                drain.put("http_requests_failed", d.httpFailed());
                drain.put("http_per_sec", Math.round(d.httpPerSec()));
                out.put("drain", drain);
            }
            if (json.enabled()) {
                Json.print(cli.getOut(), out);
            } else {
                out.forEach((key, v) -> cli.getOut().printf("%-28s %s%n", key, v));
                cli.getOut().flush();
            }
            return r.failed() == 0 ? 0 : 1;
        }

        private static double round(double v, int digits) {
            double f = Math.pow(10, digits);
            return Math.round(v * f) / f;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Real patched NGINX + sidecar under a paced load while the sidecar is SIGKILLed (and restarted by a supervisor loop) and corrupt models are dropped into its model path; exit 0 when no request failed, every fault showed in metrics and memory stayed flat.")
    static final class Soak implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JsonOption json;

        @Mixin
        NginxBuildScriptOption buildScript;

        @Option(names = "--duration", defaultValue = "30m", description = "How long to run, e.g. 30s, 30m, 2h (default ${DEFAULT-VALUE}).")
        String duration;

        @Option(names = "--kill-every", defaultValue = "3m", description = "SIGKILL the sidecar this often (default ${DEFAULT-VALUE}).")
        String killEvery;

        @Option(names = "--corrupt-every", defaultValue = "5m", description = "Drop a corrupt model into the watched path this often (default ${DEFAULT-VALUE}).")
        String corruptEvery;

        @Option(names = "--sample-every", defaultValue = "10s", description = "Memory sampling interval (default ${DEFAULT-VALUE}).")
        String sampleEvery;

        @Option(names = "--rate", defaultValue = "200", description = "HTTP requests per second, paced (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--connections", defaultValue = "4", description = "Load generator connections (default ${DEFAULT-VALUE}).")
        int connections;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            Args.require(cli, rate > 0 && rate <= 20_000 && connections >= 1 && connections <= 64,
                    "--rate must be in (0, 20000], --connections in [1, 64]");
            Path script = buildScript.resolve(cli);
            SidecarSoak.Options options;
            try {
                options = new SidecarSoak.Options(script, duration(duration), duration(killEvery), duration(corruptEvery),
                        duration(sampleEvery), rate, connections, seedOption.value());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            Map<String, Object> out = new SidecarSoak(options, cli.getErr()).run();
            if (json.enabled()) {
                Json.print(cli.getOut(), out);
            } else {
                out.forEach((key, v) -> cli.getOut().printf("%-32s %s%n", key, v));
                cli.getOut().flush();
            }
            return Boolean.TRUE.equals(out.get("passed")) ? 0 : 1;
        }

        /** {@code 500ms}, {@code 10s}, {@code 3m}, {@code 2h}. */
        static Duration duration(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration: '" + text + "' (write e.g. 30s, 3m, 1h)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }
}
