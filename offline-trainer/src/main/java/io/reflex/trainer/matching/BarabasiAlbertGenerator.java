package io.reflex.trainer.matching;

import java.util.SplittableRandom;

/**
 * Barabási–Albert (preferential attachment) bipartite graphs, as the reference generates them: each
 * arriving item draws its degree from {@code Binomial(U, d / U)} and picks that many distinct
 * offline neighbours with probability proportional to {@code 1 + degree(u)} so far, so popular
 * nodes grow more popular. Weights are uniform in {@code [0.05, 1]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BarabasiAlbertGenerator implements InstanceGenerator {

    private static final double MIN_WEIGHT = 0.05;

    private final int offline;
    private final int online;
    private final double averageDegree;

    /**
     * @param offline       offline nodes
     * @param online        online items per instance
     * @param averageDegree expected edges per item, in (0, offline]
     */
    public BarabasiAlbertGenerator(int offline, int online, double averageDegree) {
        InstanceGenerator.checkSizes(offline, online);
        if (!(averageDegree > 0 && averageDegree <= offline)) {
            throw new IllegalArgumentException("average degree must be in (0, " + offline + "], got " + averageDegree);
        }
        this.offline = offline;
        this.online = online;
        this.averageDegree = averageDegree;
    }

    @Override
    public String name() {
        return "ba";
    }

    @Override
    public int offline() {
        return offline;
    }

    @Override
    public int online() {
        return online;
    }

    @Override
    public MatchingInstance generate(SplittableRandom random) {
        double[][] w = new double[online][offline];
        int[] degree = new int[offline];
        double q = averageDegree / offline;
        for (double[] row : w) {
            int d = 0;
            for (int u = 0; u < offline; u++) {
                if (random.nextDouble() < q) {
                    d++;
                }
            }
            for (int added = 0; added < d; added++) {
                // Preferential attachment among the nodes not yet chosen for this item.
                double total = 0;
                for (int u = 0; u < offline; u++) {
                    if (row[u] == 0) {
                        total += 1 + degree[u];
                    }
                }
                double x = random.nextDouble() * total;
                int pick = -1;
                for (int u = 0; u < offline; u++) {
                    if (row[u] == 0) {
                        pick = u;
                        x -= 1 + degree[u];
                        if (x < 0) {
                            break;
                        }
                    }
                }
                row[pick] = MIN_WEIGHT + (1 - MIN_WEIGHT) * random.nextDouble();
                degree[pick]++;
            }
        }
        return new MatchingInstance(w);
    }
}
