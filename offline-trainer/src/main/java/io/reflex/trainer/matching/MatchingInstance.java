package io.reflex.trainer.matching;

import java.util.Arrays;

/**
 * One online matching instance: the edge weights of each online item, in arrival order, over a fixed
 * set of offline nodes ({@code arrivals[j][u] > 0} is an edge of weight {@code arrivals[j][u]}).
 *
 * <p>Immutable: the rows are copied in and never handed out mutably.
 *
 * @param arrivals one weight row per online item, all of the same length (the offline node count)
 */
public record MatchingInstance(double[][] arrivals) {

    public MatchingInstance {
        if (arrivals.length == 0) {
            throw new IllegalArgumentException("an instance needs at least one online item");
        }
        int offline = arrivals[0].length;
        if (offline == 0) {
            throw new IllegalArgumentException("an instance needs at least one offline node");
        }
        double[][] copy = new double[arrivals.length][];
        for (int j = 0; j < arrivals.length; j++) {
            if (arrivals[j].length != offline) {
                throw new IllegalArgumentException("item " + j + " has " + arrivals[j].length + " weights, expected " + offline);
            }
            for (int u = 0; u < offline; u++) {
                double w = arrivals[j][u];
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("item " + j + " has weight " + w + " at offline node " + u);
                }
            }
            copy[j] = arrivals[j].clone();
        }
        arrivals = copy;
    }

    /** Number of offline nodes. */
    public int offline() {
        return arrivals[0].length;
    }

    /** Number of online items. */
    public int online() {
        return arrivals.length;
    }

    /**
     * The weight row of item {@code j}. The array is the instance's own, shared to keep evaluation
     * allocation-free: callers must not modify it.
     */
    public double[] weights(int j) {
        return arrivals[j];
    }

    /** A copy of every row. */
    @Override
    public double[][] arrivals() {
        double[][] copy = new double[arrivals.length][];
        for (int j = 0; j < arrivals.length; j++) {
            copy[j] = arrivals[j].clone();
        }
        return copy;
    }

    /** Number of edges. */
    public int edges() {
        int n = 0;
        for (double[] row : arrivals) {
            for (double w : row) {
                if (w > 0) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatchingInstance m && Arrays.deepEquals(m.arrivals, arrivals);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(arrivals);
    }

    @Override
    public String toString() {
        return "MatchingInstance[" + offline() + " offline x " + online() + " online, " + edges() + " edges]";
    }
}
