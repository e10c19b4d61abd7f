package io.reflex.trainer.matching;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A user's matching data: one weighted edge per line,
 * <pre>
 *   online;offline,weight
 * </pre>
 * for example {@code rider-17;driver-3,4.25}. Ids are any text without {@code ;} or {@code ,}
 * (surrounding spaces are trimmed); the weight is a finite number {@code > 0}. Online items arrive in
 * the order they first appear in the file, offline nodes are numbered in the order they first
 * appear. Blank lines and lines starting with {@code #} are ignored. A malformed line, a weight that
 * is not a positive finite number, or the same edge twice is an {@link EdgeListFormatException}
 * naming the file and the line.
 *
 * <p>Immutable and thread-safe once read.
 */
public final class EdgeList {

    private final Path file;
    private final List<String> offlineIds;
    private final List<String> onlineIds;
    /** Per online item, in arrival order: its (offline index, weight) pairs. */
    private final int[][] neighbours;
    private final double[][] weights;

    private EdgeList(Path file, List<String> offlineIds, List<String> onlineIds, int[][] neighbours, double[][] weights) {
        this.file = file;
        this.offlineIds = List.copyOf(offlineIds);
        this.onlineIds = List.copyOf(onlineIds);
        this.neighbours = neighbours;
        this.weights = weights;
    }

    /**
     * Reads {@code file}.
     *
     * @throws EdgeListFormatException naming the file (and line) when it is missing, unreadable or malformed
     */
    public static EdgeList read(Path file) {
        Map<String, Integer> offline = new LinkedHashMap<>();
        Map<String, Integer> online = new LinkedHashMap<>();
        List<List<int[]>> edgeLines = new ArrayList<>();      // per online item: (offline, line)
        List<List<Double>> edgeWeights = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                String t = text.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int semicolon = t.indexOf(';');
                int comma = t.indexOf(',', semicolon + 1);
                if (semicolon <= 0 || comma < 0 || t.indexOf(';', semicolon + 1) >= 0 || t.indexOf(',', comma + 1) >= 0) {
                    throw new EdgeListFormatException(file, line, "expected 'online;offline,weight', got '" + abbreviate(text) + "'");
                }
                String onlineId = t.substring(0, semicolon).strip();
                String offlineId = t.substring(semicolon + 1, comma).strip();
                String weightText = t.substring(comma + 1).strip();
                if (onlineId.isEmpty() || offlineId.isEmpty()) {
                    throw new EdgeListFormatException(file, line, "empty " + (onlineId.isEmpty() ? "online" : "offline")
                            + " id in '" + abbreviate(text) + "'");
                }
                double weight;
                try {
                    weight = Double.parseDouble(weightText);
                } catch (NumberFormatException e) {
                    throw new EdgeListFormatException(file, line, "weight '" + abbreviate(weightText) + "' is not a number");
                }
                if (!(weight > 0) || Double.isInfinite(weight)) {
                    throw new EdgeListFormatException(file, line, "weight " + weightText + " must be a finite number > 0");
                }
                int v = online.computeIfAbsent(onlineId, k -> {
                    edgeLines.add(new ArrayList<>());
                    edgeWeights.add(new ArrayList<>());
                    return online.size();
                });
                int u = offline.computeIfAbsent(offlineId, k -> offline.size());
                Integer earlier = seen.putIfAbsent(((long) v << 32) | u, line);
                if (earlier != null) {
                    throw new EdgeListFormatException(file, line, "edge " + onlineId + ";" + offlineId
                            + " already appeared on line " + earlier);
                }
                edgeLines.get(v).add(new int[] {u, line});
                edgeWeights.get(v).add(weight);
            }
        } catch (NoSuchFileException e) {
            throw new EdgeListFormatException(file, 0, "no such file");
        } catch (IOException e) {
            throw new EdgeListFormatException(file, 0, "cannot read: " + e.getMessage());
        }
        if (online.isEmpty()) {
            throw new EdgeListFormatException(file, 0, "no edges (expected lines 'online;offline,weight')");
        }
        int[][] neighbours = new int[online.size()][];
        double[][] weights = new double[online.size()][];
        for (int v = 0; v < neighbours.length; v++) {
            List<int[]> edges = edgeLines.get(v);
            neighbours[v] = new int[edges.size()];
            weights[v] = new double[edges.size()];
            for (int i = 0; i < edges.size(); i++) {
                neighbours[v][i] = edges.get(i)[0];
                weights[v][i] = edgeWeights.get(v).get(i);
            }
        }
        return new EdgeList(file, new ArrayList<>(offline.keySet()), new ArrayList<>(online.keySet()), neighbours, weights);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    public Path file() {
        return file;
    }

    /** Offline node ids, in order of first appearance. */
    public List<String> offlineIds() {
        return offlineIds;
    }

    /** Online item ids, in arrival order (first appearance). */
    public List<String> onlineIds() {
        return onlineIds;
    }

    /** The whole file as one instance: every offline node, every online item in arrival order. */
    public MatchingInstance whole() {
        int[] all = new int[offlineIds.size()];
        for (int u = 0; u < all.length; u++) {
            all[u] = u;
        }
        int[] items = new int[onlineIds.size()];
        for (int v = 0; v < items.length; v++) {
            items[v] = v;
        }
        return instance(all, items);
    }

    /**
     * Fixes the offline side of sampled instances: {@code offline} offline nodes drawn uniformly,
     * once, from {@code seed} (all of them, in file order, when {@code offline} is the file's count).
     *
     * @throws IllegalArgumentException if the file has fewer offline nodes
     */
    public Sampler sampler(int offline, long seed) {
        int n = offlineIds.size();
        if (offline < 1 || offline > n) {
            throw new IllegalArgumentException("--offline must be in [1, " + n + "] for " + file + ", got " + offline);
        }
        int[] chosen;
        if (offline == n) {
            chosen = new int[n];
            for (int u = 0; u < n; u++) {
                chosen[u] = u;
            }
        } else {
            int[] all = new int[n];
            for (int u = 0; u < n; u++) {
                all[u] = u;
            }
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < offline; i++) {
                int j = i + random.nextInt(n - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            chosen = Arrays.copyOf(all, offline);
            Arrays.sort(chosen);
        }
        return new Sampler(chosen);
    }

    private MatchingInstance instance(int[] offline, int[] items) {
        int[] position = new int[offlineIds.size()];
        Arrays.fill(position, -1);
        for (int i = 0; i < offline.length; i++) {
            position[offline[i]] = i;
        }
        double[][] rows = new double[items.length][offline.length];
        for (int j = 0; j < items.length; j++) {
            int v = items[j];
            for (int e = 0; e < neighbours[v].length; e++) {
                int p = position[neighbours[v][e]];
                if (p >= 0) {
                    rows[j][p] = weights[v][e];
                }
            }
        }
        return new MatchingInstance(rows);
    }

    /** Instances over one fixed set of offline nodes. Immutable and thread-safe. */
    public final class Sampler {
        private final int[] offline;
        private final int[] eligible;

        private Sampler(int[] offline) {
            this.offline = offline;
            boolean[] chosen = new boolean[offlineIds.size()];
            for (int u : offline) {
                chosen[u] = true;
            }
            List<Integer> items = new ArrayList<>();
            for (int v = 0; v < neighbours.length; v++) {
                for (int u : neighbours[v]) {
                    if (chosen[u]) {
                        items.add(v);
                        break;
                    }
                }
            }
            this.eligible = items.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The chosen offline nodes' ids, in the order instances number them. */
        public List<String> offlineIds() {
            return Arrays.stream(offline).mapToObj(offlineIds::get).toList();
        }

        /** Online items with at least one edge into the chosen offline nodes. */
        public int eligibleItems() {
            return eligible.length;
        }

        /**
         * {@code count} instances of {@code online} distinct items each, drawn uniformly from the
         * eligible items and arriving in file order.
         *
         * @throws IllegalArgumentException if fewer than {@code online} items are eligible
         */
        public List<MatchingInstance> instances(int online, int count, long seed) {
            if (online < 1 || online > eligible.length) {
                throw new IllegalArgumentException("--online must be in [1, " + eligible.length + "]: " + file + " has "
                        + eligible.length + " online items with an edge to the chosen offline nodes, got " + online);
            }
            if (count < 1) {
                throw new IllegalArgumentException("--instances must be >= 1, got " + count);
            }
            SplittableRandom random = new SplittableRandom(seed);
            List<MatchingInstance> out = new ArrayList<>(count);
            int[] pool = eligible.clone();
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < online; k++) {
                    int j = k + random.nextInt(pool.length - k);
                    int t = pool[k];
                    pool[k] = pool[j];
                    pool[j] = t;
                }
                int[] items = Arrays.copyOf(pool, online);
                Arrays.sort(items);
                out.add(instance(offline, items));
            }
            return out;
        }
    }
}
