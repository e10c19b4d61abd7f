package io.reflex.engine.matching;

import java.util.List;

/**
 * A classical online matching rule: the trusted expert LOMAR is held to. It decides from the item's
 * weights and the state of its own (shadow) matching only, never from the learned policy's.
 *
 * <p>Implementations are stateless apart from their settings (so one instance may serve many
 * matchers and threads), deterministic (ties go to the lower node index) and allocate nothing.
 */
public interface ExpertRule {

    /** The rule's usual name, as the command line and JSON spell it ({@code greedy}, {@code balance}, ...). */
    String name();

    /**
     * The node to match the item to in {@code shadow}, or {@link MatchingState#SKIP}. A returned node
     * always satisfies {@link MatchingState#canMatch(int, double[])}.
     */
    int choose(double[] weights, MatchingState shadow);

    /** Highest-weight neighbour with room: 1/2-competitive with free disposal, no constant ratio without. */
    static ExpertRule greedy() {
        return GreedyRule.INSTANCE;
    }

    /** Balance (water-filling) for capacities: weight discounted by the node's used fraction. */
    static ExpertRule balance() {
        return BalanceRule.INSTANCE;
    }

    /** Greedy restricted to edges of at least {@code fraction · w_max(u)} (CORL's greedy-t). */
    static ExpertRule thresholdGreedy(double fraction) {
        return new ThresholdGreedyRule(fraction);
    }

    /** The names {@link #byName} accepts. */
    List<String> NAMES = List.of("greedy", "balance", "greedy-t");

    /**
     * The rule called {@code name}: {@code greedy}, {@code balance}, or {@code greedy-t} (threshold
     * {@link ThresholdGreedyRule#DEFAULT_FRACTION} of the node's weight bound).
     */
    static ExpertRule byName(String name) {
        return switch (name) {
            case "greedy" -> greedy();
            case "balance" -> balance();
            case "greedy-t" -> thresholdGreedy(ThresholdGreedyRule.DEFAULT_FRACTION);
            default -> throw new IllegalArgumentException("unknown expert '" + name + "'; expected one of " + NAMES);
        };
    }
}
