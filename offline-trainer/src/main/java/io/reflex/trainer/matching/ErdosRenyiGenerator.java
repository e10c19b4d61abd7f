package io.reflex.trainer.matching;

import java.util.SplittableRandom;

/**
 * Erdős–Rényi bipartite graphs: every (offline, online) pair is an edge independently with
 * probability {@code p}, of weight uniform in {@code [0.05, 1]}. Items may have no edge.
 *
 * <p>Immutable and thread-safe.
 */
public final class ErdosRenyiGenerator implements InstanceGenerator {

    private static final double MIN_WEIGHT = 0.05;

    private final int offline;
    private final int online;
    private final double p;

    /**
     * @param offline offline nodes
     * @param online  online items per instance
     * @param p       edge probability, in (0, 1]
     */
    public ErdosRenyiGenerator(int offline, int online, double p) {
        InstanceGenerator.checkSizes(offline, online);
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("edge probability must be in (0, 1], got " + p);
        }
        this.offline = offline;
        this.online = online;
        this.p = p;
    }

    @Override
    public String name() {
        return "er";
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
        for (double[] row : w) {
            for (int u = 0; u < offline; u++) {
                if (random.nextDouble() < p) {
                    row[u] = MIN_WEIGHT + (1 - MIN_WEIGHT) * random.nextDouble();
                }
            }
        }
        return new MatchingInstance(w);
    }
}
