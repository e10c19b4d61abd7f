package io.reflex.trainer.suite;

import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The suite's comparison, computed from its rows. A <em>cell</em> is one (trace, size); every mean
 * is over cells, each cell weighing the same whatever its trace's length.
 *
 * <p>The <em>classical</em> policies are every policy but the learned {@code reflex} and the
 * clairvoyant ones (those named {@code belady…}).
 *
 * <p>Fields that need a policy the suite did not run are null: without {@code reflex}, all the
 * {@code reflex…} fields; without {@code lru}, the two comparisons with LRU; without {@code belady},
 * {@link #beladyMean}; without a classical policy, the classical fields.
 *
 * <p>Immutable.
 *
 * @param meanHitRatio                per policy (in row order), its mean hit ratio over cells
 * @param bestClassicalPolicy         the classical policy with the highest mean (the first on a tie)
 * @param perCellBestClassicalMean    mean over cells of the highest classical hit ratio of that cell
 *                                    (the best classical policy chosen per cell in hindsight)
 * @param beladyMean                  {@code belady}'s mean
 * @param reflexMinusBestClassicalMean {@code reflex}'s mean minus {@code bestClassicalPolicy}'s
 * @param cells                       the number of cells
 * @param cellsReflexGeBestClassical  cells where {@code reflex} hits at least as often as that cell's
 *                                    best classical policy
 * @param cellsReflexBelowLru         cells where {@code reflex} is <em>below</em> LRU: its hit ratio is
 *                                    more than {@link #BELOW_LRU_TOLERANCE} (half a point) under LRU's
 * @param worstReflexMinusLru         the least, over cells, of {@code reflex}'s hit ratio minus LRU's
 */
public record SuiteSummary(Map<String, Double> meanHitRatio, String bestClassicalPolicy, Double perCellBestClassicalMean,
                           Double beladyMean, Double reflexMinusBestClassicalMean, int cells,
                           Integer cellsReflexGeBestClassical, Integer cellsReflexBelowLru, Double worstReflexMinusLru) {

    /** How far under LRU's hit ratio {@code reflex}'s must be for a cell to count as below LRU. */
    public static final double BELOW_LRU_TOLERANCE = 0.005;

    private static final String LRU = "lru";
    private static final String BELADY = "belady";

    /**
     * One result of the suite.
     *
     * @param trace        the manifest's {@code file} entry
     * @param size         the capacity as the manifest wrote it
     * @param policy       the policy's name
     * @param hitRatio     hits over requests of the evaluation part
     * @param byteHitRatio bytes hit over bytes requested
     */
    public record Row(String trace, String size, String policy, double hitRatio, double byteHitRatio) {
        public Row {
            Objects.requireNonNull(trace, "trace");
            Objects.requireNonNull(size, "size");
            Objects.requireNonNull(policy, "policy");
        }
    }

    public SuiteSummary {
        meanHitRatio = Collections.unmodifiableMap(new LinkedHashMap<>(meanHitRatio));
    }

    /** Whether {@code policy} counts as classical (not learned, not clairvoyant). */
    public static boolean isClassical(String policy) {
        return !policy.equals(ReflexEvictionPolicy.NAME) && !policy.startsWith(BELADY);
    }

    /**
     * The summary of {@code rows}.
     *
     * @throws IllegalArgumentException when there are no rows, or a cell lacks a policy another cell
     *                                  has, or has one twice
     */
    public static SuiteSummary of(List<Row> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no results to summarise");
        }
        Map<String, Map<String, Double>> cells = new LinkedHashMap<>();
        List<String> policies = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Double> cell = cells.computeIfAbsent(r.trace() + "\u0000" + r.size(), c -> new LinkedHashMap<>());
            if (cell.put(r.policy(), r.hitRatio()) != null) {
                throw new IllegalArgumentException("two rows for " + r.policy() + " at " + r.trace() + " " + r.size());
            }
            if (!policies.contains(r.policy())) {
                policies.add(r.policy());
            }
        }
        for (Map.Entry<String, Map<String, Double>> cell : cells.entrySet()) {
            if (cell.getValue().size() != policies.size()) {
                throw new IllegalArgumentException("cell " + cell.getKey().replace('\u0000', ' ') + " has "
                        + cell.getValue().keySet() + ", not every policy of " + policies);
            }
        }
        int n = cells.size();
        Map<String, Double> means = new LinkedHashMap<>();
        for (String p : policies) {
            means.put(p, cells.values().stream().mapToDouble(c -> c.get(p)).sum() / n);
        }
        String best = null;
        for (String p : policies) {
            if (isClassical(p) && (best == null || means.get(p) > means.get(best))) {
                best = p;
            }
        }
        Double perCellBest = null;
        if (best != null) {
            double sum = 0;
            for (Map<String, Double> c : cells.values()) {
                sum += bestClassical(c);
            }
            perCellBest = sum / n;
        }
        boolean reflex = means.containsKey(ReflexEvictionPolicy.NAME);
        boolean lru = means.containsKey(LRU);
        Double reflexMinusBest = reflex && best != null ? means.get(ReflexEvictionPolicy.NAME) - means.get(best) : null;
        Integer geBest = null;
        Integer belowLru = null;
        Double worstMinusLru = null;
        if (reflex) {
            int ge = 0;
            int below = 0;
            double worst = Double.POSITIVE_INFINITY;
            for (Map<String, Double> c : cells.values()) {
                double r = c.get(ReflexEvictionPolicy.NAME);
                if (best != null && r >= bestClassical(c)) {
                    ge++;
                }
                if (lru) {
                    double l = c.get(LRU);
                    if (r < l - BELOW_LRU_TOLERANCE) {
                        below++;
                    }
                    worst = Math.min(worst, r - l);
                }
            }
            geBest = best == null ? null : ge;
            belowLru = lru ? below : null;
            worstMinusLru = lru ? worst : null;
        }
        return new SuiteSummary(means, best, perCellBest, means.get(BELADY), reflexMinusBest, n, geBest, belowLru,
                worstMinusLru);
    }

    private static double bestClassical(Map<String, Double> cell) {
        double best = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : cell.entrySet()) {
            if (isClassical(e.getKey())) {
                best = Math.max(best, e.getValue());
            }
        }
        return best;
    }
}
