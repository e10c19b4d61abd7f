package io.reflex.engine.matching;

import java.util.Arrays;

/**
 * One matching being built online: how much of each offline node's capacity is used, the reward
 * collected, and the running statistics of the decisions taken (matched weights, skips) that the
 * learned policy's features read. {@link LomarMatcher} keeps one for its own decisions and one for
 * the expert's shadow matching; the offline trainer drives the same class.
 *
 * <p>An online item is matched to a node with an edge to it ({@code weights[u] > 0}) and room left
 * ({@code used(u) < capacity(u)}), or skipped ({@link #SKIP}).
 *
 * <p>Not thread-safe. Allocates only in its constructor.
 */
public final class MatchingState {

    /** The choice "match this item to nothing". */
    public static final int SKIP = -1;

    private final OfflineNodes nodes;
    private final int[] used;
    private double reward;
    private int arrivals;
    private int matches;
    private int skips;
    private double matchedWeightSum;
    private double matchedWeightSquares;
    private double matchedWeightMax;
    private double matchedWeightMin;

    public MatchingState(OfflineNodes nodes) {
        this.nodes = nodes;
        this.used = new int[nodes.count()];
    }

    /** The offline nodes this matching is over. */
    public OfflineNodes nodes() {
        return nodes;
    }

    /** Forgets every decision: an empty matching. */
    public void reset() {
        Arrays.fill(used, 0);
        reward = 0;
        arrivals = 0;
        matches = 0;
        skips = 0;
        matchedWeightSum = 0;
        matchedWeightSquares = 0;
        matchedWeightMax = 0;
        matchedWeightMin = 0;
    }

    /** Whether node {@code u} has capacity left. */
    public boolean hasRoom(int u) {
        return used[u] < nodes.capacity(u);
    }

    /** Whether the current item may be matched to {@code u}: an edge ({@code weights[u] > 0}) and room. */
    public boolean canMatch(int u, double[] weights) {
        return weights[u] > 0 && used[u] < nodes.capacity(u);
    }

    /**
     * Records the decision for the current item: {@code choice} is a node or {@link #SKIP}.
     *
     * @throws IllegalArgumentException if {@code choice} is a node the item cannot be matched to (the
     *                                  state is then unchanged)
     */
    public void record(int choice, double[] weights) {
        if (choice == SKIP) {
            arrivals++;
            skips++;
            return;
        }
        if (choice < 0 || choice >= used.length || !canMatch(choice, weights)) {
            throw new IllegalArgumentException("cannot match the item to node " + choice
                    + (choice >= 0 && choice < used.length
                    ? " (weight " + weights[choice] + ", used " + used[choice] + " of " + nodes.capacity(choice) + ")"
                    : " (no such node)"));
        }
        arrivals++;
        double w = weights[choice];
        used[choice]++;
        reward += w;
        matchedWeightSum += w;
        matchedWeightSquares += w * w;
        matchedWeightMax = Math.max(matchedWeightMax, w);
        matchedWeightMin = matches == 0 ? w : Math.min(matchedWeightMin, w);
        matches++;
    }

    /** Capacity used at node {@code u}. */
    public int used(int u) {
        return used[u];
    }

    /** Total weight matched so far. */
    public double reward() {
        return reward;
    }

    /** Items decided so far (matched or skipped). */
    public int arrivals() {
        return arrivals;
    }

    /** Items matched so far. */
    public int matches() {
        return matches;
    }

    /** Items skipped so far. */
    public int skips() {
        return skips;
    }

    /** Mean weight of the matched edges (0 before the first match). */
    public double matchedWeightMean() {
        return matches == 0 ? 0 : matchedWeightSum / matches;
    }

    /** Population variance of the matched weights (0 before the first match). */
    public double matchedWeightVariance() {
        if (matches == 0) {
            return 0;
        }
        double mean = matchedWeightSum / matches;
        return Math.max(0, matchedWeightSquares / matches - mean * mean);
    }

    /** Largest matched weight (0 before the first match). */
    public double matchedWeightMax() {
        return matchedWeightMax;
    }

    /** Smallest matched weight (0 before the first match). */
    public double matchedWeightMin() {
        return matchedWeightMin;
    }
}
