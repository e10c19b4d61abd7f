package io.reflex.trainer.matching;

import io.reflex.engine.matching.ExpertRule;
import io.reflex.engine.matching.OfflineNodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The whole of {@code ./reflex matching evaluate}: take training and evaluation instances, derive the
 * offline side (capacities, weight bounds), train the pure learned scorer and one LOMAR scorer per ρ
 * (soft switch at that ρ), export each to ONNX, and evaluate every policy on the evaluation instances
 * against the exact optimum and the expert.
 *
 * <p><b>Training happens at run time</b>, from a fixed seed, on generated (or file-sampled)
 * training instances disjoint in seed from the evaluation instances; nothing is cached between runs.
 * The models train in parallel (one thread per core, at most one per model); each training is
 * deterministic, so the results do not depend on the scheduling.
 *
 * <p><b>Weight bounds</b>: supplied (one bound for every node), or else each node's largest weight over
 * the training and evaluation instances together, so every evaluated instance respects them.
 *
 * <p>Stateless; {@link #run} may be called from any thread.
 */
public final class MatchingExperiment {

    private MatchingExperiment() {
    }

    /** Training and evaluation instances over the same offline nodes. Immutable (the lists are copied). */
    public record Data(String description, List<MatchingInstance> training, List<MatchingInstance> evaluation) {
        public Data {
            if (training.isEmpty() || evaluation.isEmpty()) {
                throw new IllegalArgumentException("need training and evaluation instances");
            }
            int offline = evaluation.getFirst().offline();
            for (MatchingInstance i : training) {
                if (i.offline() != offline) {
                    throw new IllegalArgumentException("training and evaluation instances differ in offline nodes");
                }
            }
            training = List.copyOf(training);
            evaluation = List.copyOf(evaluation);
        }
    }

    /** Generated data: evaluation instances from {@code seed}, training instances from an independent seed. */
    public static Data synthetic(InstanceGenerator generator, int evaluation, int training, long seed) {
        return new Data("synthetic:" + generator.name(), generator.generate(training, seed ^ 0x7EA1_2B5C_9D3F_4E61L),
                generator.generate(evaluation, seed));
    }

    /**
     * Data sampled from a user's edge list: {@code offline} offline nodes drawn once (all when
     * {@code null}), instances of {@code online} items (all items with an edge into those nodes when
     * {@code null}) arriving in file order.
     */
    public static Data file(EdgeList edges, Integer offline, Integer online, int evaluation, int training, long seed) {
        EdgeList.Sampler sampler = edges.sampler(offline == null ? edges.offlineIds().size() : offline, seed);
        int items = online == null ? sampler.eligibleItems() : online;
        return new Data(edges.file().toString(), sampler.instances(items, training, seed ^ 0x7EA1_2B5C_9D3F_4E61L),
                sampler.instances(items, evaluation, seed));
    }

    /**
     * What to train and evaluate; validated on construction. Immutable.
     *
     * @param rhos            ρ values, one LOMAR scorer and row each
     * @param slack           B, in weight units
     * @param expert          the expert LOMAR is held to (and trained against)
     * @param capacity        capacity of every offline node
     * @param weightBound     a supplied bound for every node, or NaN to take each node's largest weight from the data
     * @param epochs          training epochs per scorer
     * @param hidden          hidden widths of the scorer MLP
     * @param seed            training seed
     * @param candidateLimit  most candidates scored per decision (0: all)
     * @param shortfallWeight λ of {@link ReinforceTrainer.Settings.Builder#shortfallWeight} (0: plain REINFORCE)
     * @param modelsDirectory where to keep the exported models, or {@code null} for a temporary directory
     */
    public record Settings(List<Double> rhos, double slack, ExpertRule expert, int capacity, double weightBound,
                           int epochs, int[] hidden, long seed, int candidateLimit, double shortfallWeight,
                           Path modelsDirectory) {
        public Settings {
            Objects.requireNonNull(rhos, "rhos");
            Objects.requireNonNull(expert, "expert");
            for (double rho : rhos) {
                if (!(rho >= 0 && rho <= 1)) {
                    throw new IllegalArgumentException("every rho must be in [0, 1], got " + rho);
                }
            }
            if (!(slack >= 0) || Double.isInfinite(slack)) {
                throw new IllegalArgumentException("slack must be finite and >= 0, got " + slack);
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
            }
            if (!Double.isNaN(weightBound) && !(weightBound > 0 && weightBound < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("weight bound must be finite and > 0, got " + weightBound);
            }
            rhos = List.copyOf(rhos);
            hidden = hidden.clone();
        }
    }

    /**
     * One row of the report. Immutable.
     *
     * @param result              the policy's figures
     * @param guaranteeViolations instances where {@code reward < ρ · expert − B} (LOMAR rows; 0 otherwise)
     */
    public record Row(MatchingEvaluation.PolicyResult result, long guaranteeViolations) {
    }

    /** The report: what was evaluated, how long training took, and one row per policy. Immutable. */
    public record Report(String data, int instances, int trainingInstances, int offline, int online, int capacity,
                         String expert, double slack, double optimumAverage, double trainSeconds,
                         Map<String, String> models, List<Row> rows) {
    }

    /** Trains, exports and evaluates; {@code progress} receives log lines (for stderr). */
    public static Report run(Data data, Settings settings, Consumer<String> progress) {
        List<MatchingInstance> evaluation = data.evaluation();
        int offline = evaluation.getFirst().offline();
        OfflineNodes nodes = nodes(data, settings, offline);
        int horizon = evaluation.getFirst().online();
        int limit = settings.candidateLimit() > 0 ? Math.min(settings.candidateLimit(), offline) : 0;

        Path dir = settings.modelsDirectory();
        boolean temporary = dir == null;
        try {
            dir = temporary ? Files.createTempDirectory("reflex-matching") : Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the models directory: " + e.getMessage(), e);
        }
        try {
            Map<String, Path> models = new LinkedHashMap<>();
            long began = System.nanoTime();
            train(data, settings, nodes, limit, horizon, dir, models, progress);
            double trainSeconds = (System.nanoTime() - began) / 1e9;

            progress.accept("matching: computing the exact optimum of " + evaluation.size() + " instances...");
            double[] optima = MatchingEvaluation.optima(evaluation, nodes);
            double[] reference = MatchingEvaluation.expertRewards(settings.expert(), evaluation, nodes);
            List<Row> rows = new ArrayList<>();
            for (String name : ExpertRule.NAMES) {
                rows.add(new Row(MatchingEvaluation.expert(ExpertRule.byName(name), evaluation, nodes, optima, reference), 0));
            }
            rows.add(new Row(MatchingEvaluation.learned("rl", null, models.get("rl"), 0, 0, settings.expert(), horizon,
                    limit, evaluation, nodes, optima, reference), 0));
            for (double rho : settings.rhos()) {
                MatchingEvaluation.PolicyResult r = MatchingEvaluation.learned("lomar", rho, models.get(lomarKey(rho)), rho,
                        settings.slack(), settings.expert(), horizon, limit, evaluation, nodes, optima, reference);
                rows.add(new Row(r, violations(r.rewards(), reference, rho, settings.slack())));
            }
            double optimum = 0;
            for (double o : optima) {
                optimum += o;
            }
            Map<String, String> modelNames = new LinkedHashMap<>();
            models.forEach((k, v) -> modelNames.put(k, temporary ? "(temporary)" : v.toString()));
            return new Report(data.description(), evaluation.size(), data.training().size(), offline, horizon,
                    settings.capacity(), settings.expert().name(), settings.slack(), optimum / optima.length,
                    trainSeconds, modelNames, rows);
        } finally {
            if (temporary) {
                deleteQuietly(dir);
            }
        }
    }

    private static OfflineNodes nodes(Data data, Settings settings, int offline) {
        OfflineNodes.Builder b = OfflineNodes.builder(offline).uniformCapacity(settings.capacity());
        if (!Double.isNaN(settings.weightBound())) {
            return b.uniformWeightBound(settings.weightBound()).build();
        }
        List<double[]> rows = new ArrayList<>();
        for (List<MatchingInstance> set : List.of(data.training(), data.evaluation())) {
            for (MatchingInstance i : set) {
                for (int t = 0; t < i.online(); t++) {
                    rows.add(i.weights(t));
                }
            }
        }
        return b.weightBoundsObserved(rows).build();
    }

    private static void train(Data data, Settings settings, OfflineNodes nodes, int limit, int horizon, Path dir,
                              Map<String, Path> models, Consumer<String> progress) {
        Map<String, ReinforceTrainer.Settings> plans = new LinkedHashMap<>();
        plans.put("rl", base(settings, limit, horizon).pureRl().build());
        for (double rho : settings.rhos()) {
            plans.putIfAbsent(lomarKey(rho), base(settings, limit, horizon).softSwitch(rho, settings.slack()).build());
        }
        int threads = Math.max(1, Math.min(plans.size(), Runtime.getRuntime().availableProcessors()));
        progress.accept("matching: training " + plans.size() + " scorers (" + String.join(", ", plans.keySet()) + ") on "
                + data.training().size() + " instances, " + settings.epochs() + " epochs, " + threads + " threads...");
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "matching-trainer");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Path>> futures = new LinkedHashMap<>();
            plans.forEach((name, plan) -> futures.put(name, pool.submit(() -> {
                ReinforceTrainer.Result result = new ReinforceTrainer(plan).train(data.training(), nodes, line -> {
                });
                Path file = dir.resolve(name + ".onnx");
                result.network().export(file, result.goldenRows(), result.goldenRowCount());
                progress.accept(String.format("matching: trained %s in %.1f s (last epoch's average reward %.4f)",
                        name, result.seconds(), result.lastEpochAverageReward()));
                return file;
            })));
            for (Map.Entry<String, Future<Path>> e : futures.entrySet()) {
                models.put(e.getKey(), e.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("training failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ReinforceTrainer.Settings.Builder base(Settings settings, int limit, int horizon) {
        return ReinforceTrainer.Settings.builder().expert(settings.expert()).hidden(settings.hidden())
                .epochs(settings.epochs()).seed(settings.seed()).candidateLimit(limit).horizon(horizon)
                .shortfallWeight(settings.shortfallWeight());
    }

    static String lomarKey(double rho) {
        return "lomar-rho" + rho;
    }

    /** Instances where {@code reward < ρ · expert − B} (beyond rounding). */
    static long violations(double[] rewards, double[] expert, double rho, double slack) {
        long n = 0;
        for (int i = 0; i < rewards.length; i++) {
            if (rewards[i] < rho * expert[i] - slack - 1e-9 * (1 + expert[i])) {
                n++;
            }
        }
        return n;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
