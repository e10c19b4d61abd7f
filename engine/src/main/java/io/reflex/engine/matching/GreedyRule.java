package io.reflex.engine.matching;

/**
 * Greedy: match the item to its heaviest edge among nodes with room (ties: lower index); skip when
 * there is none. The reference's expert. Stateless and thread-safe; allocates nothing.
 */
public final class GreedyRule implements ExpertRule {

    static final GreedyRule INSTANCE = new GreedyRule();

    private GreedyRule() {
    }

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public int choose(double[] weights, MatchingState shadow) {
        int best = MatchingState.SKIP;
        double bestWeight = 0;
        for (int u = 0; u < weights.length; u++) {
            double w = weights[u];
            if (w > bestWeight && shadow.hasRoom(u)) {
                best = u;
                bestWeight = w;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return name();
    }
}
