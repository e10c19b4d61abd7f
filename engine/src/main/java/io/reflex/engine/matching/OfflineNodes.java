package io.reflex.engine.matching;

import java.util.Arrays;

/**
 * The offline side of a matching problem: how many offline nodes there are, how many online items
 * each may take (its capacity, default 1), and an upper bound {@code w_max(u)} on the weight of any
 * edge into each node.
 *
 * <p><b>Weight bounds.</b> {@code w_max(u)} is what the {@link RobustnessSwitch} reserves for every
 * unit of capacity the learned policy uses at {@code u} ahead of the expert: it bounds the reward the
 * expert could still collect there later. The guarantee {@code reward ≥ ρ · expertReward − B} holds on
 * every arrival sequence whose weights satisfy {@code w(u, v) ≤ w_max(u)} for every edge; a sequence
 * with a heavier edge voids it for that sequence ({@link LomarMatcher#boundViolations()} counts such
 * edges). Bounds are either supplied (a property of the application: a fare cap, a score in [0, 1])
 * or {@link Builder#weightBoundsObserved(Iterable) taken from data}: then {@code w_max(u)} is the
 * largest weight seen at {@code u} in the given arrivals, which is a bound for those arrivals and an
 * assumption about future ones. Tighter bounds let the learned policy deviate more; looser ones are
 * safer. A node that never had an edge in the data gets the largest bound of any node (nothing is
 * known about it, and a zero bound would be violated by its first edge).
 *
 * <p>Immutable and thread-safe.
 */
public final class OfflineNodes {

    private final int[] capacities;
    private final double[] weightBounds;
    private final int totalCapacity;
    private final double maxWeightBound;

    private OfflineNodes(int[] capacities, double[] weightBounds) {
        this.capacities = capacities;
        this.weightBounds = weightBounds;
        int total = 0;
        double max = 0;
        for (int u = 0; u < capacities.length; u++) {
            total = Math.addExact(total, capacities[u]);
            max = Math.max(max, weightBounds[u]);
        }
        this.totalCapacity = total;
        this.maxWeightBound = max;
    }

    /** Starts a description of {@code count} offline nodes (capacity 1 each, no bounds yet). */
    public static Builder builder(int count) {
        return new Builder(count);
    }

    /** {@code count} nodes of capacity 1, every weight bounded by {@code bound}. */
    public static OfflineNodes uniform(int count, double bound) {
        return builder(count).uniformWeightBound(bound).build();
    }

    /** Number of offline nodes. */
    public int count() {
        return capacities.length;
    }

    /** How many online items node {@code u} may take. */
    public int capacity(int u) {
        return capacities[u];
    }

    /** Sum of all capacities. */
    public int totalCapacity() {
        return totalCapacity;
    }

    /** {@code w_max(u)}: no edge into {@code u} is heavier on an instance the guarantee covers. */
    public double weightBound(int u) {
        return weightBounds[u];
    }

    /** The largest {@code w_max(u)}; the scale features are normalised by. */
    public double maxWeightBound() {
        return maxWeightBound;
    }

    /** A copy of the capacities. */
    public int[] capacities() {
        return capacities.clone();
    }

    /** A copy of the weight bounds. */
    public double[] weightBounds() {
        return weightBounds.clone();
    }

    @Override
    public String toString() {
        return "OfflineNodes[" + count() + " nodes, total capacity " + totalCapacity + ", max w_max "
                + maxWeightBound + "]";
    }

    /** Validated settings for {@link OfflineNodes}. Not thread-safe. */
    public static final class Builder {
        private final int[] capacities;
        private double[] weightBounds;

        private Builder(int count) {
            if (count < 1 || count > 1 << 20) {
                throw new IllegalArgumentException("offline node count must be in [1, 1048576], got " + count);
            }
            this.capacities = new int[count];
            Arrays.fill(capacities, 1);
        }

        /** The same capacity for every node (default 1). */
        public Builder uniformCapacity(int capacity) {
            Arrays.fill(capacities, checkCapacity(-1, capacity));
            return this;
        }

        /** One capacity per node. */
        public Builder capacities(int... perNode) {
            checkLength("capacities", perNode.length);
            for (int u = 0; u < perNode.length; u++) {
                capacities[u] = checkCapacity(u, perNode[u]);
            }
            return this;
        }

        /** The capacity of node {@code u}. */
        public Builder capacity(int u, int capacity) {
            if (u < 0 || u >= capacities.length) {
                throw new IllegalArgumentException("node " + u + " is not in [0, " + capacities.length + ")");
            }
            capacities[u] = checkCapacity(u, capacity);
            return this;
        }

        /** The same supplied bound {@code w_max} for every node. */
        public Builder uniformWeightBound(double bound) {
            double[] b = new double[capacities.length];
            Arrays.fill(b, checkBound(-1, bound));
            this.weightBounds = b;
            return this;
        }

        /** One supplied bound per node. */
        public Builder weightBounds(double... perNode) {
            checkLength("weight bounds", perNode.length);
            double[] b = new double[perNode.length];
            for (int u = 0; u < perNode.length; u++) {
                b[u] = checkBound(u, perNode[u]);
            }
            this.weightBounds = b;
            return this;
        }

        /**
         * Bounds taken from data: {@code w_max(u)} is the largest weight at {@code u} over the given
         * arrivals (each a weight row of length {@link #count()}); a node without any edge gets the
         * largest bound of any node. Fails if the arrivals have no edge at all.
         */
        public Builder weightBoundsObserved(Iterable<double[]> arrivals) {
            double[] b = new double[capacities.length];
            int row = 0;
            for (double[] w : arrivals) {
                if (w.length != b.length) {
                    throw new IllegalArgumentException("arrival " + row + " has " + w.length + " weights, expected "
                            + b.length);
                }
                for (int u = 0; u < w.length; u++) {
                    double x = w[u];
                    if (!(x >= 0) || Double.isInfinite(x)) {
                        throw new IllegalArgumentException("arrival " + row + " has weight " + x + " at node " + u
                                + "; weights must be finite and >= 0");
                    }
                    b[u] = Math.max(b[u], x);
                }
                row++;
            }
            double max = 0;
            for (double x : b) {
                max = Math.max(max, x);
            }
            if (max == 0) {
                throw new IllegalArgumentException("cannot take weight bounds from " + row + " arrivals without any edge");
            }
            for (int u = 0; u < b.length; u++) {
                if (b[u] == 0) {
                    b[u] = max;
                }
            }
            this.weightBounds = b;
            return this;
        }

        /** Number of nodes being described. */
        public int count() {
            return capacities.length;
        }

        public OfflineNodes build() {
            if (weightBounds == null) {
                throw new IllegalStateException("weight bounds are required: supply them (uniformWeightBound, "
                        + "weightBounds) or take them from data (weightBoundsObserved)");
            }
            return new OfflineNodes(capacities.clone(), weightBounds.clone());
        }

        private void checkLength(String what, int length) {
            if (length != capacities.length) {
                throw new IllegalArgumentException(what + ": expected " + capacities.length + " values, got " + length);
            }
        }

        private static int checkCapacity(int u, int capacity) {
            if (capacity < 1 || capacity > 1 << 24) {
                throw new IllegalArgumentException("capacity" + (u >= 0 ? " of node " + u : "")
                        + " must be in [1, 16777216], got " + capacity);
            }
            return capacity;
        }

        private static double checkBound(int u, double bound) {
            if (!(bound > 0) || Double.isInfinite(bound)) {
                throw new IllegalArgumentException("weight bound" + (u >= 0 ? " of node " + u : "")
                        + " must be finite and > 0, got " + bound);
            }
            return bound;
        }
    }
}
