package io.reflex.engine.matching;

import java.util.Arrays;

/**
 * What the arrivals so far revealed about each offline node, independent of any decision: how many
 * items had an edge to it, and the sum and sum of squares of those edges' weights. The learned
 * policy's features read a candidate's past mean weight, variance and degree from it.
 *
 * <p>Not thread-safe. Allocates only in its constructor.
 */
public final class ArrivalHistory {

    private final double[] weightSum;
    private final double[] weightSquares;
    private final int[] degree;
    private int arrivals;

    public ArrivalHistory(int offlineNodes) {
        this.weightSum = new double[offlineNodes];
        this.weightSquares = new double[offlineNodes];
        this.degree = new int[offlineNodes];
    }

    /** Forgets every arrival. */
    public void reset() {
        Arrays.fill(weightSum, 0);
        Arrays.fill(weightSquares, 0);
        Arrays.fill(degree, 0);
        arrivals = 0;
    }

    /** Adds one item's edge weights ({@code weights[u] > 0} is an edge). */
    public void observe(double[] weights) {
        for (int u = 0; u < degree.length; u++) {
            double w = weights[u];
            if (w > 0) {
                weightSum[u] += w;
                weightSquares[u] += w * w;
                degree[u]++;
            }
        }
        arrivals++;
    }

    /** Items observed so far. */
    public int arrivals() {
        return arrivals;
    }

    /** Mean weight of the past edges into {@code u} (0 if none). */
    public double meanWeight(int u) {
        return degree[u] == 0 ? 0 : weightSum[u] / degree[u];
    }

    /** Population variance of the past edge weights into {@code u} (0 if none). */
    public double weightVariance(int u) {
        int d = degree[u];
        if (d == 0) {
            return 0;
        }
        double mean = weightSum[u] / d;
        return Math.max(0, weightSquares[u] / d - mean * mean);
    }

    /** Past edges into {@code u}. */
    int degree(int u) {
        return degree[u];
    }

    /** Sum of the past edge weights into {@code u}. */
    double weightSum(int u) {
        return weightSum[u];
    }

    /** Sum of the squares of the past edge weights into {@code u}. */
    double weightSquares(int u) {
        return weightSquares[u];
    }

    /** Fraction of past items with an edge to {@code u} (0 before the first item). */
    public double degreeRatio(int u) {
        return arrivals == 0 ? 0 : (double) degree[u] / arrivals;
    }
}
