package io.reflex.harness.demo;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.harness.nginx.NginxBuild;
import io.reflex.trainer.adapt.RequestWindow;
import io.reflex.trainer.adapt.RetrainRound;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;
import io.reflex.compute.ComputeBackend;
import io.reflex.trainer.rl.EvictionEvaluation;
import io.reflex.trainer.rl.NextAccessTraining;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code ./reflex adapt demo}: one request sequence that changes character at a phase boundary,
 * served three ways. The adapting arm runs in a real host ({@link CaffeineHost}, {@link NginxHost}):
 * the model trained before the sequence serves under the host's floor, a deliberately bad model
 * ({@link InvertedModel}) is deployed once, and every {@code every} requests a {@link RetrainRound}
 * retrains on the trailing window and swaps its candidate in only when it beats the served model
 * and the host's classical rule on the most recent requests. The static model (the first model,
 * never replaced, no floor) and the classical policies run in the simulator over the same sequence,
 * so those arms do not depend on timing; the adapting arm's own numbers depend on its host (NGINX's
 * cache manager runs on its own clock).
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class AdaptDemo {

    /**
     * @param entries        the cache's capacity in (unit-size) entries, for every arm
     * @param windowRequests requests per point of the hit-ratio timeline; phases must be multiples of it
     * @param retrainWindow  trailing requests each round retrains on (rounds start once this many were served)
     * @param every          requests between rounds
     * @param badModelAt     the request before which the bad model is deployed (negative: never)
     * @param holdout        the window's most recent share each round checks on
     * @param minGain        the hit-ratio margin a candidate needs over the served model and the classical rule
     * @param training       how each round trains (the first model too)
     * @param seed           the simulator's randomised baselines' seed
     */
    public record Settings(long entries, int windowRequests, int retrainWindow, int every, int badModelAt, double holdout,
                           double minGain, NextAccessTraining.Settings training, long seed) {
        public Settings {
            Objects.requireNonNull(training, "training");
            if (entries < 1 || windowRequests < 1 || retrainWindow < 2 || every < 1) {
                throw new IllegalArgumentException("entries, window, retrain window and every must be positive");
            }
        }
    }

    /** A named stretch of the sequence. */
    public record Phase(String name, int requests) {
    }

    /** Something that happened, at the request count of the host's sequence (0-based, before that request). */
    public record Event(String host, long atRequest, String kind, String detail) {
    }

    /**
     * One phase's hit ratios: the adapting arm (in the host), the static model, the host's classical
     * rule, LRU, and the best classical policy of the simulator's standard set on this phase.
     */
    public record PhaseResult(String name, int requests, double adaptive, double staticModel, double classical, double lru,
                              double bestClassical, String bestClassicalPolicy) {
    }

    /** One host's run: its phases, how long the bad model served before the floor demoted it (-1: never). */
    public record HostResult(String host, String classicalPolicy, List<PhaseResult> phases, long badModelDemotedAfterRequests,
                             long requestsFailed, double[] adaptiveWindows, double seconds) {
    }

    /** Everything: the hosts, the events in order, and the simulated arms' timelines. */
    public record Result(List<HostResult> hosts, List<Event> events, Map<String, double[]> simulatedWindows) {
    }

    private final Settings settings;
    private final ComputeBackend backend;
    private final Trace sequence;
    private final List<Phase> phases;
    private final Path dir;
    private final Consumer<String> progress;

    /**
     * @param backend  where the retraining rounds train
     * @param sequence the requests, unit-size objects, the phases back to back
     * @param dir      where the models and the hosts' files go
     */
    public AdaptDemo(Settings settings, ComputeBackend backend, Trace sequence, List<Phase> phases, Path dir,
                     Consumer<String> progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.sequence = Objects.requireNonNull(sequence, "sequence");
        this.phases = List.copyOf(phases);
        this.dir = Objects.requireNonNull(dir, "dir");
        this.progress = progress == null ? line -> { } : progress;
        int total = 0;
        for (Phase p : this.phases) {
            if (p.requests() % settings.windowRequests() != 0) {
                throw new IllegalArgumentException("phase " + p.name() + " has " + p.requests()
                        + " requests, not a multiple of the timeline's window " + settings.windowRequests());
            }
            total += p.requests();
        }
        if (total != sequence.length()) {
            throw new IllegalArgumentException("the phases hold " + total + " requests, the sequence " + sequence.length());
        }
    }

    /** The simulated arms over the whole sequence: the static model, then the standard classical policies. */
    public Map<String, double[]> simulate(Path model) throws InterruptedException {
        List<String> classical = new ArrayList<>(PolicyCatalog.STANDARD);
        classical.remove("belady");
        SimulationOptions options = SimulationOptions.builder().windowRequests(settings.windowRequests()).build();
        EvictionEvaluation.Outcome o = EvictionEvaluation.run(model, sequence, List.of(capacity()), classical,
                settings.seed(), Runtime.getRuntime().availableProcessors(), false, options);
        Map<String, double[]> windows = new LinkedHashMap<>();
        for (SimulationResult r : o.results()) {
            windows.put(r.policy().equals(ReflexEvictionPolicy.NAME) ? STATIC : r.policy(), r.windowHitRatios());
        }
        return windows;
    }

    /** The simulated arms' key for the static model. */
    public static final String STATIC = "static model";

    /**
     * Serves the sequence through {@code host}, starting with {@code model} and deploying
     * {@code badModel} once; appends its events to {@code events}.
     */
    HostResult run(DemoHost host, Path served, Path badModel, Map<String, double[]> simulated, List<Event> events)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        RetrainRound round = new RetrainRound(List.of(capacity()), settings.training(), backend,
                settings.holdout(), settings.minGain(), host.classical());
        RequestWindow window = new RequestWindow(settings.retrainWindow());
        int n = sequence.length();
        int w = settings.windowRequests();
        double[] timeline = new double[n / w];
        long hitsInWindow = 0;
        long badAt = -1;
        long demotedAfter = -1;
        int phase = 0;
        int phaseEnd = phases.getFirst().requests();
        events.add(new Event(host.name(), 0, "phase", phases.getFirst().name()));
        Path candidate = dir.resolve(host.name() + "-candidate.onnx");
        for (int i = 0; i < n; i++) {
            if (i == phaseEnd && phase + 1 < phases.size()) {
                phase++;
                phaseEnd += phases.get(phase).requests();
                events.add(new Event(host.name(), i, "phase", phases.get(phase).name()));
            }
            if (i == settings.badModelAt()) {
                RetrainRound.replaceAtomically(badModel, served);
                host.serve(served);
                badAt = i;
                events.add(new Event(host.name(), i, "bad_model", "deployed " + badModel.getFileName()
                        + ": the served model with its output negated (it evicts what it expects back soonest)"));
            }
            int object = sequence.object(i);
            if (host.request(object)) {
                hitsInWindow++;
            }
            window.request(object, sequence.time(i), RequestSink.NO_SIZE, RequestSink.NO_TTL, RequestSink.NO_RTT);
            for (DemoHost.Switch s : host.switches()) {
                events.add(new Event(host.name(), i + 1, s.learnedServes() ? "promotion" : "demotion", String.format(Locale.ROOT,
                        "%s; %,d requests after the serving model was deployed", s.learnedServes()
                                ? "the model evicts again: it beats " + host.classical() + " on the sampled keys"
                                : "the floor demoted the model: " + host.classical() + " evicts", s.requestsSinceModel())));
                if (!s.learnedServes() && badAt >= 0 && demotedAfter < 0) {
                    demotedAfter = s.requestsSinceModel();
                }
            }
            for (DemoHost.Signal signal : host.signals()) {
                events.add(new Event(host.name(), i + 1, signal.kind(), signal.detail()));
            }
            if ((i + 1) % w == 0) {
                timeline[i / w] = (double) hitsInWindow / w;
                hitsInWindow = 0;
            }
            if ((i + 1) % settings.every() == 0 && window.size() >= settings.retrainWindow()) {
                progress.accept(String.format(Locale.ROOT, "%s: retraining at request %,d", host.name(), i + 1));
                RetrainRound.Verdict v = round.run(window, served, candidate, null);
                events.add(new Event(host.name(), i + 1, v.promoted() ? "retrain_promoted" : "retrain_kept",
                        String.format(Locale.ROOT, "candidate %.4f, served %s, %s %.4f on the last %,d requests: %s",
                                v.candidate(), Double.isNaN(v.incumbent()) ? "-" : String.format(Locale.ROOT, "%.4f", v.incumbent()),
                                host.classical(), v.classical(), v.holdoutRequests(), v.reason())));
                if (v.promoted()) {
                    host.serve(served);
                }
            }
        }
        List<PhaseResult> results = new ArrayList<>();
        int from = 0;
        for (Phase p : phases) {
            int a = from / w;
            int b = (from + p.requests()) / w;
            String best = null;
            double bestRatio = -1;
            for (Map.Entry<String, double[]> e : simulated.entrySet()) {
                double r = mean(e.getValue(), a, b);
                if (!e.getKey().equals(STATIC) && r > bestRatio) {
                    bestRatio = r;
                    best = e.getKey();
                }
            }
            results.add(new PhaseResult(p.name(), p.requests(), mean(timeline, a, b), mean(simulated.get(STATIC), a, b),
                    mean(simulated.get(host.classical()), a, b), mean(simulated.get("lru"), a, b), bestRatio, best));
            from += p.requests();
        }
        return new HostResult(host.name(), host.classical(), results, demotedAfter, host.failed(), timeline,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Runs the whole demo: the simulated arms, then each named host ({@code caffeine}, {@code nginx})
     * one after the other, each from its own copy of {@code model}.
     *
     * @param nginxBuildScript the project's NGINX build script (used only with the {@code nginx} host)
     */
    public Result run(Path model, List<String> hosts, Path nginxBuildScript) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path bad = dir.resolve("bad-model.onnx");
        try {
            InvertedModel.write(model, bad);
        } catch (io.reflex.engine.onnx.UnsupportedGraphException e) {
            throw new IllegalArgumentException(model + " is not a next-access network the demo can invert: " + e.getMessage(), e);
        }
        progress.accept("simulating the static model and the classical policies");
        Map<String, double[]> simulated = simulate(model);
        List<Event> events = new ArrayList<>();
        List<HostResult> results = new ArrayList<>();
        EvictionModel contract = EvictionModel.of(OnnxModel.read(model).metadata(), model);
        for (String name : hosts) {
            Path hostDir = dir.resolve(name);
            Files.createDirectories(hostDir);
            Path served = hostDir.resolve("served.onnx");
            Files.copy(model, served, StandardCopyOption.REPLACE_EXISTING);
            progress.accept("serving the sequence through " + name);
            DemoHost host = switch (name) {
                case "caffeine" -> new CaffeineHost(served, settings.entries());
                case "nginx" -> new NginxHost(NginxBuild.build(nginxBuildScript), hostDir, served, contract, settings.entries());
                default -> throw new IllegalArgumentException("unknown host '" + name + "' (known: caffeine, nginx)");
            };
            try (host) {
                results.add(run(host, served, bad, simulated, events));
            }
        }
        return new Result(results, events, simulated);
    }

    private Capacity capacity() {
        return Capacity.entries(settings.entries());
    }

    private static double mean(double[] windows, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += windows[i];
        }
        return sum / (to - from);
    }
}
