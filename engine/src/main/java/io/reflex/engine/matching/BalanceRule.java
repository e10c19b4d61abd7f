package io.reflex.engine.matching;

/**
 * Balance (water-filling, the MSVV rule for b-matching): match the item to the node maximising
 * {@code w(u, v) · ψ(f_u)} with {@code f_u} the fraction of {@code u}'s capacity already used and
 * {@code ψ(f) = 1 − e^(f − 1)}, so a heavy edge into a nearly full node loses to a fair one into an
 * empty node. It is (1 − 1/e)-competitive as capacities grow (with free disposal); with capacity 1
 * every node with room has {@code f = 0}, and Balance chooses exactly as {@link GreedyRule} does.
 *
 * <p>Stateless and thread-safe; allocates nothing.
 */
public final class BalanceRule implements ExpertRule {

    static final BalanceRule INSTANCE = new BalanceRule();

    private BalanceRule() {
    }

    @Override
    public String name() {
        return "balance";
    }

    @Override
    public int choose(double[] weights, MatchingState shadow) {
        OfflineNodes nodes = shadow.nodes();
        int best = MatchingState.SKIP;
        double bestValue = 0;
        for (int u = 0; u < weights.length; u++) {
            double w = weights[u];
            if (w > 0 && shadow.hasRoom(u)) {
                double used = (double) shadow.used(u) / nodes.capacity(u);
                double value = w * (1 - Math.exp(used - 1));
                if (value > bestValue) {
                    best = u;
                    bestValue = value;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return name();
    }
}
