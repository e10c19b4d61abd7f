package io.reflex.engine.matching;

import java.util.List;

/**
 * The per-candidate feature rows the learned scorer reads: one row for every offline node the
 * arriving item may be matched to (an edge, room left), in ascending node order, then one row for
 * {@link MatchingState#SKIP}. The features are those of the reference implementation's
 * {@code inv-ff-hist} model, so one shared MLP scores any number of candidates:
 *
 * <table>
 * <caption>feature layout ({@value #COUNT} floats per row)</caption>
 * <tr><th>#</th><th>feature</th><th>skip row</th></tr>
 * <tr><td>0</td><td>w(u, v) / S</td><td>0</td></tr>
 * <tr><td>1</td><td>the candidate's free capacity fraction (the reference's mask flag: rows that are
 *     scored are never masked, so the slot carries the remaining capacity instead)</td><td>0</td></tr>
 * <tr><td>2</td><td>mean weight of the arriving item's edges / S</td><td>same</td></tr>
 * <tr><td>3</td><td>mean weight of the candidate's past edges / S</td><td>0</td></tr>
 * <tr><td>4</td><td>variance of the candidate's past edge weights / S²</td><td>0</td></tr>
 * <tr><td>5</td><td>fraction of past items with an edge to the candidate</td><td>1</td></tr>
 * <tr><td>6</td><td>progress t / horizon, at most 1</td><td>same</td></tr>
 * <tr><td>7</td><td>reward so far / (S · total capacity)</td><td>same</td></tr>
 * <tr><td>8</td><td>mean matched weight / S</td><td>same</td></tr>
 * <tr><td>9</td><td>variance of the matched weights / S²</td><td>same</td></tr>
 * <tr><td>10</td><td>fraction of past items skipped</td><td>same</td></tr>
 * <tr><td>11</td><td>largest matched weight / S</td><td>same</td></tr>
 * <tr><td>12</td><td>smallest matched weight / S</td><td>same</td></tr>
 * <tr><td>13</td><td>capacity used / total capacity</td><td>same</td></tr>
 * <tr><td>14</td><td>the arriving item's edges / number of offline nodes</td><td>same</td></tr>
 * <tr><td>15</td><td>1 on the skip row, else 0</td><td>1</td></tr>
 * </table>
 *
 * <p>Columns {@value #SHARED_FROM} to {@value #SHARED_TO} (exclusive) are the same in every row of a
 * decision, so a scorer may compute their part once per decision (see
 * {@link io.reflex.engine.policy.Policy.Evaluator#evaluateRows(float[], int, float[], int, int)}).
 *
 * <p>{@code S} is {@link OfflineNodes#maxWeightBound()}, so a model sees weights on a fixed scale
 * whatever the application's unit. With a {@linkplain #candidateLimit() candidate limit} {@code k},
 * only the {@code k} heaviest eligible nodes (ties: lower index) get a row; the trainer and the
 * engine apply the same limit, so the policy is trained on the choice it will serve.
 *
 * <p>Not thread-safe (it keeps scratch space); allocates only in its constructor.
 */
public final class CandidateFeatures {

    /** Floats per candidate row. */
    public static final int COUNT = 16;

    /** First of the columns that hold the same value in every row of a decision (the episode's context). */
    public static final int SHARED_FROM = 6;

    /** End (exclusive) of the columns shared by every row of a decision. */
    public static final int SHARED_TO = 15;

    /** Short names of the features, in row order. */
    public static final List<String> NAMES = List.of("weight", "free_capacity", "arrival_mean_weight",
            "past_mean_weight", "past_weight_variance", "past_degree", "progress", "reward", "matched_mean_weight",
            "matched_weight_variance", "skip_ratio", "matched_max_weight", "matched_min_weight", "matched_ratio",
            "arrival_degree", "skip_flag");

    private final OfflineNodes nodes;
    private final int horizon;
    private final int candidateLimit;
    private final double scale;
    /** {@code 1 / scale} and {@code 1 / scale²} when they are exact (powers of two), else NaN: see {@link #over}. */
    private final double inverseScale;
    private final double inverseScaleSquared;
    private final double[] heapWeight;
    private final int[] heapNode;

    /**
     * @param nodes          the offline side
     * @param horizon        the number of items an episode is expected to have (for the progress
     *                       feature); at least 1
     * @param candidateLimit the most offline nodes that get a row per decision, in [1, nodes]; pass
     *                       {@code nodes.count()} for all
     */
    public CandidateFeatures(OfflineNodes nodes, int horizon, int candidateLimit) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        }
        if (candidateLimit < 1 || candidateLimit > nodes.count()) {
            throw new IllegalArgumentException("candidate limit must be in [1, " + nodes.count() + "], got "
                    + candidateLimit);
        }
        this.nodes = nodes;
        this.horizon = horizon;
        this.candidateLimit = candidateLimit;
        this.scale = nodes.maxWeightBound();
        this.inverseScale = exactReciprocal(scale);
        this.inverseScaleSquared = exactReciprocal(scale * scale);
        this.heapWeight = new double[candidateLimit];
        this.heapNode = new int[candidateLimit];
    }

    /** The most rows a decision can produce: the candidate limit plus the skip row. */
    public int maxRows() {
        return candidateLimit + 1;
    }

    /** The expected items per episode. */
    public int horizon() {
        return horizon;
    }

    /** The most offline nodes scored per decision. */
    public int candidateLimit() {
        return candidateLimit;
    }

    /**
     * Writes the rows for the arriving item.
     *
     * @param weights    the item's edge weights, one per offline node ({@code > 0}: an edge)
     * @param state      the matching the candidates would extend (its capacity and statistics)
     * @param history    the arrivals before this one
     * @param candidates receives the node of each row ({@link MatchingState#SKIP} last); at least
     *                   {@link #maxRows()} long
     * @param rows       receives {@value #COUNT} floats per row, row-major; at least
     *                   {@code maxRows() * COUNT} long
     * @return the number of rows written (at least 1: the skip row)
     */
    public int write(double[] weights, MatchingState state, ArrivalHistory history, int[] candidates, float[] rows) {
        int n = nodes.count();
        int edges = 0;
        double edgeSum = 0;
        int count = 0;
        int heapSize = 0;
        boolean limited = candidateLimit < n;
        for (int u = 0; u < n; u++) {
            double w = weights[u];
            if (w > 0) {
                edges++;
                edgeSum += w;
                if (state.hasRoom(u)) {
                    if (!limited) {
                        candidates[count++] = u;
                    } else {
                        heapSize = offer(heapSize, u, w);
                    }
                }
            }
        }
        if (limited) {
            count = sortedNodes(heapSize, candidates);
        }

        float arrivalMean = (float) (edges == 0 ? 0 : edgeSum / edges / scale);
        int t = state.arrivals();
        float progress = (float) Math.min(1.0, (double) t / horizon);
        double capacity = nodes.totalCapacity();
        float reward = (float) (state.reward() / (scale * capacity));
        float matchedMean = (float) (state.matchedWeightMean() / scale);
        float matchedVariance = (float) (state.matchedWeightVariance() / (scale * scale));
        float skipRatio = t == 0 ? 0f : (float) state.skips() / t;
        float matchedMax = (float) (state.matchedWeightMax() / scale);
        float matchedMin = (float) (state.matchedWeightMin() / scale);
        float matchedRatio = (float) (state.matches() / capacity);
        float arrivalDegree = (float) edges / n;

        double scaleSquared = scale * scale;
        int past = history.arrivals();
        for (int r = 0; r < count; r++) {
            int u = candidates[r];
            int o = r * COUNT;
            // The history's mean, variance and degree ratio spelled out so the mean's division is done
            // once per row, not twice: the same operations on the same operands as meanWeight,
            // weightVariance and degreeRatio, so the same floats.
            int d = history.degree(u);
            double mean = 0;
            double variance = 0;
            if (d != 0) {
                mean = history.weightSum(u) / d;
                variance = Math.max(0, history.weightSquares(u) / d - mean * mean);
            }
            rows[o] = (float) over(weights[u], scale, inverseScale);
            rows[o + 1] = (float) (nodes.capacity(u) - state.used(u)) / nodes.capacity(u);
            rows[o + 2] = arrivalMean;
            rows[o + 3] = (float) over(mean, scale, inverseScale);
            rows[o + 4] = (float) over(variance, scaleSquared, inverseScaleSquared);
            rows[o + 5] = (float) (past == 0 ? 0 : (double) d / past);
            shared(rows, o, progress, reward, matchedMean, matchedVariance, skipRatio, matchedMax, matchedMin,
                    matchedRatio, arrivalDegree);
            rows[o + 15] = 0f;
        }
        int o = count * COUNT;
        candidates[count] = MatchingState.SKIP;
        rows[o] = 0f;
        rows[o + 1] = 0f;
        rows[o + 2] = arrivalMean;
        rows[o + 3] = 0f;
        rows[o + 4] = 0f;
        rows[o + 5] = 1f;
        shared(rows, o, progress, reward, matchedMean, matchedVariance, skipRatio, matchedMax, matchedMin,
                matchedRatio, arrivalDegree);
        rows[o + 15] = 1f;
        return count + 1;
    }

    /**
     * {@code x / d}, as a multiplication when {@code inverse} is {@code d}'s exact reciprocal: a division
     * costs several multiplications, and with a power-of-two {@code d} both are the same real number
     * rounded once, so the result is the same double.
     */
    private static double over(double x, double d, double inverse) {
        return inverse == inverse ? x * inverse : x / d;
    }

    /** {@code 1 / d} if {@code d} is a power of two whose reciprocal is a normal double (exact), else NaN. */
    static double exactReciprocal(double d) {
        int e = Math.getExponent(d);
        return e >= -1022 && e <= 1022 && d == Math.scalb(1.0, e) ? 1.0 / d : Double.NaN;
    }

    private static void shared(float[] rows, int o, float progress, float reward, float matchedMean,
                               float matchedVariance, float skipRatio, float matchedMax, float matchedMin,
                               float matchedRatio, float arrivalDegree) {
        rows[o + 6] = progress;
        rows[o + 7] = reward;
        rows[o + 8] = matchedMean;
        rows[o + 9] = matchedVariance;
        rows[o + 10] = skipRatio;
        rows[o + 11] = matchedMax;
        rows[o + 12] = matchedMin;
        rows[o + 13] = matchedRatio;
        rows[o + 14] = arrivalDegree;
    }

    // ---- the k heaviest eligible nodes: a min-heap on (weight, -index) of size k ----

    /** "a is lighter than b": smaller weight, or equal weight and larger index (kept last). */
    private boolean lighter(int a, int b) {
        double wa = heapWeight[a];
        double wb = heapWeight[b];
        return wa < wb || (wa == wb && heapNode[a] > heapNode[b]);
    }

    private int offer(int size, int u, double w) {
        if (size < candidateLimit) {
            heapWeight[size] = w;
            heapNode[size] = u;
            int i = size;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!lighter(i, parent)) {
                    break;
                }
                swap(i, parent);
                i = parent;
            }
            return size + 1;
        }
        // Nodes arrive in ascending index order, so an equal weight never displaces an earlier node.
        if (w <= heapWeight[0]) {
            return size;
        }
        heapWeight[0] = w;
        heapNode[0] = u;
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                break;
            }
            int m = (l + 1 < size && lighter(l + 1, l)) ? l + 1 : l;
            if (!lighter(m, i)) {
                break;
            }
            swap(i, m);
            i = m;
        }
        return size;
    }

    private void swap(int a, int b) {
        double w = heapWeight[a];
        heapWeight[a] = heapWeight[b];
        heapWeight[b] = w;
        int u = heapNode[a];
        heapNode[a] = heapNode[b];
        heapNode[b] = u;
    }

    /** Copies the heap's nodes into {@code out} in ascending order (insertion sort: k is small). */
    private int sortedNodes(int size, int[] out) {
        for (int i = 0; i < size; i++) {
            int u = heapNode[i];
            int j = i - 1;
            while (j >= 0 && out[j] > u) {
                out[j + 1] = out[j];
                j--;
            }
            out[j + 1] = u;
        }
        return size;
    }
}
