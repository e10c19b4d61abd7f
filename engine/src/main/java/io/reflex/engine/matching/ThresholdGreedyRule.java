package io.reflex.engine.matching;

/**
 * Threshold greedy ({@code greedy-t}, CORL's baseline): match the item to its heaviest edge among
 * nodes with room whose weight is at least {@code fraction · w_max(u)}; skip when there is none. The
 * threshold keeps capacity for heavier items later, at the price of skipping light ones for good.
 *
 * <p>Immutable and thread-safe; allocates nothing.
 */
public final class ThresholdGreedyRule implements ExpertRule {

    /** The reference's threshold, 1/e of the weight bound. */
    public static final double DEFAULT_FRACTION = 0.367;

    private final double fraction;

    /** @param fraction in [0, 1]: 0 is plain greedy */
    public ThresholdGreedyRule(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("threshold fraction must be in [0, 1], got " + fraction);
        }
        this.fraction = fraction;
    }

    public double fraction() {
        return fraction;
    }

    @Override
    public String name() {
        return "greedy-t";
    }

    @Override
    public int choose(double[] weights, MatchingState shadow) {
        OfflineNodes nodes = shadow.nodes();
        int best = MatchingState.SKIP;
        double bestWeight = 0;
        for (int u = 0; u < weights.length; u++) {
            double w = weights[u];
            if (w > bestWeight && w >= fraction * nodes.weightBound(u) && shadow.hasRoom(u)) {
                best = u;
                bestWeight = w;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return name() + "(" + fraction + ")";
    }
}
