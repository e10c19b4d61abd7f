package io.reflex.engine.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded matching instances for the tests: random ones and the adversarial families that hurt
 * greedy (and so make the expert's shadow and the learned policy disagree), with the expert run
 * alone for reference. Every weight stays within the node's bound unless a test says otherwise.
 */
final class TestInstances {

    /** An instance: offline nodes (capacities, bounds) and the items' weight rows in arrival order. */
    record Instance(String family, OfflineNodes nodes, double[][] arrivals) {
        int offline() {
            return nodes.count();
        }

        @Override
        public String toString() {
            return family + "(" + nodes.count() + "x" + arrivals.length + ", capacities "
                    + Arrays.toString(nodes.capacities()) + ")";
        }
    }

    static final List<String> ADVERSARIAL = List.of("bait", "triangular", "late-heavy", "one-hot");

    private TestInstances() {
    }

    /**
     * Random sparse instance: each edge present with probability {@code density}, weight uniform in
     * (0, bound(u)]; bounds either tight (the observed maxima) or supplied and loose.
     */
    static Instance random(long seed, int offline, int online, int maxCapacity, double density, boolean tightBounds) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] capacities = new int[offline];
        double[] bounds = new double[offline];
        for (int u = 0; u < offline; u++) {
            capacities[u] = 1 + random.nextInt(maxCapacity);
            bounds[u] = 0.5 + random.nextDouble() * 10;
        }
        double[][] arrivals = new double[online][offline];
        for (double[] row : arrivals) {
            for (int u = 0; u < offline; u++) {
                if (random.nextDouble() < density) {
                    row[u] = bounds[u] * (1e-3 + (1 - 1e-3) * random.nextDouble());
                }
            }
        }
        OfflineNodes.Builder b = OfflineNodes.builder(offline).capacities(capacities);
        if (tightBounds && Arrays.stream(arrivals).flatMapToDouble(Arrays::stream).anyMatch(w -> w > 0)) {
            b.weightBoundsObserved(Arrays.asList(arrivals));
        } else {
            b.weightBounds(bounds);
        }
        return new Instance("random", b.build(), arrivals);
    }

    /**
     * Adversarial families (capacity 1 unless {@code maxCapacity > 1}; bounds tight at the heaviest
     * edge of the family):
     * <ul>
     *   <li>{@code bait}: first light items with edges to every node, then one heavy item per node;</li>
     *   <li>{@code triangular}: item {@code j} has edges to nodes {@code ≥ j·U/V}, equal weights (greedy's worst case for cardinality);</li>
     *   <li>{@code late-heavy}: weights grow with arrival time, so any early match is regretted;</li>
     *   <li>{@code one-hot}: every item has one edge, random node, weight 1 or the bound.</li>
     * </ul>
     */
    static Instance adversarial(String family, long seed, int offline, int online, int maxCapacity) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] capacities = new int[offline];
        for (int u = 0; u < offline; u++) {
            capacities[u] = 1 + random.nextInt(maxCapacity);
        }
        double bound = 10;
        double[][] arrivals = new double[online][offline];
        switch (family) {
            case "bait" -> {
                int light = Math.max(1, online / 2);
                for (int j = 0; j < online; j++) {
                    if (j < light) {
                        for (int u = 0; u < offline; u++) {
                            arrivals[j][u] = 0.01 + 0.01 * random.nextDouble();
                        }
                    } else {
                        arrivals[j][random.nextInt(offline)] = bound * (0.9 + 0.1 * random.nextDouble());
                    }
                }
            }
            case "triangular" -> {
                for (int j = 0; j < online; j++) {
                    int from = (int) ((long) j * offline / Math.max(1, online));
                    for (int u = from; u < offline; u++) {
                        arrivals[j][u] = 1;
                    }
                }
                bound = 1;
            }
            case "late-heavy" -> {
                for (int j = 0; j < online; j++) {
                    for (int u = 0; u < offline; u++) {
                        if (random.nextDouble() < 0.6) {
                            arrivals[j][u] = bound * (j + 1.0) / online * (0.5 + 0.5 * random.nextDouble());
                        }
                    }
                }
            }
            case "one-hot" -> {
                for (int j = 0; j < online; j++) {
                    arrivals[j][random.nextInt(offline)] = random.nextBoolean() ? 1 : bound;
                }
            }
            default -> throw new IllegalArgumentException(family);
        }
        double[] bounds = new double[offline];
        Arrays.fill(bounds, bound);
        OfflineNodes nodes = OfflineNodes.builder(offline).capacities(capacities).weightBounds(bounds).build();
        return new Instance(family, nodes, arrivals);
    }

    /** The expert's reward on the instance, run alone. */
    static double expertReward(Instance instance, ExpertRule expert) {
        MatchingState state = new MatchingState(instance.nodes());
        for (double[] w : instance.arrivals()) {
            state.record(expert.choose(w, state), w);
        }
        return state.reward();
    }

    /** Scorers that try to make LOMAR fail, each given the whole instance (the future included). */
    static List<CandidateScorer> adversarialScorers(Instance instance, long seed) {
        List<CandidateScorer> scorers = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        // Uniformly random scores.
        scorers.add((rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = (float) random.nextDouble();
            }
        });
        // Always skip.
        scorers.add((rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = candidates[r] == MatchingState.SKIP ? 1 : 0;
            }
        });
        // The lightest edge, never skip.
        scorers.add((rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = candidates[r] == MatchingState.SKIP ? Float.NEGATIVE_INFINITY : -features[r * CandidateFeatures.COUNT];
            }
        });
        // Clairvoyant thief: the node with the most weight still to come, so the expert's future matches are blocked.
        double[] future = new double[instance.offline()];
        for (double[] w : instance.arrivals()) {
            for (int u = 0; u < w.length; u++) {
                future[u] += w[u];
            }
        }
        int[] step = {0};
        scorers.add((rows, candidates, features, scores) -> {
            double[] now = instance.arrivals()[Math.min(step[0]++, instance.arrivals().length - 1)];
            for (int u = 0; u < future.length; u++) {
                future[u] -= now[u];
            }
            for (int r = 0; r < rows; r++) {
                int u = candidates[r];
                scores[r] = u == MatchingState.SKIP ? -1f : (float) (future[u] - now[u]);
            }
        });
        // NaN everywhere, and a scorer that throws: the expert must decide.
        scorers.add((rows, candidates, features, scores) -> Arrays.fill(scores, 0, rows, Float.NaN));
        scorers.add((rows, candidates, features, scores) -> {
            throw new IllegalStateException("scorer failure");
        });
        return scorers;
    }
}
