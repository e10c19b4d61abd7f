package io.reflex.cli;

import io.reflex.recommender.RecommendEvaluation;
import io.reflex.recommender.data.Ratings;
import io.reflex.recommender.data.RatingsFormat;
import io.reflex.recommender.data.SyntheticRatings;
import io.reflex.recommender.env.PolicyEvaluation;
import io.reflex.recommender.tree.SplitMethod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex recommend evaluate}: trains TPGR on the training users of a ratings file (or of
 * seeded synthetic ratings) and evaluates it beside the random, popularity, greedy-mf and linucb
 * baselines on the test users (contracts.md).
 */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Interactive recommendation over large catalogs (TPGR).",
        subcommands = RecommendCommand.Evaluate.class)
final class RecommendCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (evaluate)");
    }

    /** {@code recommend evaluate}. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Train TPGR and evaluate it against random, popularity, greedy-mf and linucb.")
    static final class Evaluate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--ratings", paramLabel = "FILE",
                description = "MovieLens ratings.csv or u.data; ignored (may be omitted) with --format synthetic.")
        Path ratings;

        @Option(names = "--format", required = true, paramLabel = "FMT",
                description = "movielens-csv, movielens-udata or synthetic.")
        String format;

        @Mixin
        SeedOption seedOption;

        @Option(names = "--users", defaultValue = "1000", description = "Synthetic users (default ${DEFAULT-VALUE}).")
        int users;

        @Option(names = "--items", defaultValue = "1700", description = "Synthetic items (default ${DEFAULT-VALUE}).")
        int items;

        @Option(names = "--ratings-per-user", defaultValue = "100",
                description = "Mean synthetic ratings per user (default ${DEFAULT-VALUE}).")
        int ratingsPerUser;

        @Option(names = "--depth", defaultValue = "2", description = "Tree depth (default ${DEFAULT-VALUE}).")
        int depth;

        @Option(names = "--branching", defaultValue = "0", description = "Tree branching; 0 = smallest that fits (default).")
        int branching;

        @Option(names = "--split", defaultValue = "pca", description = "pca (default) or kmeans (balanced k-means).")
        String split;

        @Option(names = "--tree-popularity-weight", defaultValue = "4",
                description = "Weight of popularity beside the item vectors when the tree splits; 0 = vectors alone (default ${DEFAULT-VALUE}).")
        double treePopularityWeight;

        @Option(names = "--epochs", defaultValue = "3", description = "REINFORCE passes over the training users (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--alpha", defaultValue = "0", description = "Sequential reward bonus alpha (default ${DEFAULT-VALUE}).")
        double alpha;

        @Option(names = "--model-dir", paramLabel = "DIR", description = "Keep the exported level models here.")
        Path modelDir;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            CommandLine cli = spec.commandLine();
            Ratings data;
            RecommendEvaluation evaluation;
            try {
                SplitMethod method = switch (split) {
                    case "pca" -> SplitMethod.PCA;
                    case "kmeans" -> SplitMethod.BALANCED_KMEANS;
                    default -> throw new IllegalArgumentException("--split must be pca or kmeans, got " + split);
                };
                RecommendEvaluation.Builder b = RecommendEvaluation.builder().depth(depth).branching(branching)
                        .split(method).treePopularityWeight(treePopularityWeight).epochs(epochs).alpha(alpha).seed(seedOption.value());
                if (modelDir != null) {
                    b.modelDir(modelDir);
                }
                evaluation = b.build();
                if (format.equals("synthetic")) {
                    data = SyntheticRatings.builder().users(users).items(items).ratingsPerUser(ratingsPerUser)
                            .seed(seedOption.value()).build().generate();
                } else {
                    RatingsFormat f = RatingsFormat.fromLabel(format);
                    if (ratings == null) {
                        throw new IllegalArgumentException("--ratings FILE is required with --format " + format);
                    }
                    data = f.read(ratings);
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            RecommendEvaluation.Report report = evaluation.run(data);
            PrintWriter out = cli.getOut();
            if (json.enabled()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("users", report.users());
                v.put("items", report.items());
                v.put("ratings", report.ratings());
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PolicyEvaluation.Result r : report.results()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("policy", r.policy());
                    row.put("avg_reward", r.avgReward());
                    row.put("precision_at_32", r.precisionAt32());
                    row.put("recall_at_32", r.recallAt32());
                    row.put("p99_decision_ns", r.p99DecisionNs());
                    rows.add(row);
                }
                v.put("results", rows);
                v.put("train_seconds", report.trainSeconds());
                v.put("depth", report.depth());
                v.put("branching", report.branching());
                v.put("tree_bytes_per_item", (double) report.treeBytesBeyondVectors() / report.items());
                v.put("tpgr_fallback_levels", report.tpgrFallbacks());
                Json.print(out, v);
            } else {
                out.printf(Locale.ROOT, "%d users, %d items, %d ratings; tree depth %d, branching %d; TPGR trained in %.1f s%n",
                        report.users(), report.items(), report.ratings(), report.depth(), report.branching(), report.trainSeconds());
                out.printf(Locale.ROOT, "%-12s %10s %10s %10s %14s%n", "policy", "avg_reward", "prec@32", "recall@32", "p99_ns");
                for (PolicyEvaluation.Result r : report.results()) {
                    out.printf(Locale.ROOT, "%-12s %10.4f %10.4f %10.4f %14d%n", r.policy(), r.avgReward(),
                            r.precisionAt32(), r.recallAt32(), r.p99DecisionNs());
                }
                out.flush();
            }
            return 0;
        }
    }
}
