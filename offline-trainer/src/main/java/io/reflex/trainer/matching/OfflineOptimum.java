package io.reflex.trainer.matching;

import org.jgrapht.alg.matching.MaximumWeightBipartiteMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import java.util.HashSet;
import java.util.Set;

/**
 * The exact offline optimum of an instance: the maximum total weight of any matching that respects
 * the capacities, knowing every item in advance. Computed by JGraphT's
 * {@link MaximumWeightBipartiteMatching} on a graph where an offline node of capacity {@code c}
 * appears as {@code min(c, its degree)} copies, each with the node's edges (a b-matching becomes a
 * matching).
 *
 * <p>Stateless and thread-safe.
 */
public final class OfflineOptimum {

    private OfflineOptimum() {
    }

    /** The optimum of {@code instance} with the given capacities (one per offline node). */
    public static double of(MatchingInstance instance, int[] capacities) {
        int offline = instance.offline();
        if (capacities.length != offline) {
            throw new IllegalArgumentException("expected " + offline + " capacities, got " + capacities.length);
        }
        int online = instance.online();
        int[] degree = new int[offline];
        for (int j = 0; j < online; j++) {
            double[] w = instance.weights(j);
            for (int u = 0; u < offline; u++) {
                if (w[u] > 0) {
                    degree[u]++;
                }
            }
        }
        SimpleWeightedGraph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> items = new HashSet<>();
        for (int j = 0; j < online; j++) {
            graph.addVertex(j);
            items.add(j);
        }
        // Copies of offline node u are numbered from first[u], after the items.
        int[] first = new int[offline];
        int[] copies = new int[offline];
        Set<Integer> replicas = new HashSet<>();
        int next = online;
        for (int u = 0; u < offline; u++) {
            first[u] = next;
            copies[u] = Math.min(capacities[u], degree[u]);
            for (int c = 0; c < copies[u]; c++) {
                graph.addVertex(next);
                replicas.add(next);
                next++;
            }
        }
        for (int j = 0; j < online; j++) {
            double[] w = instance.weights(j);
            for (int u = 0; u < offline; u++) {
                if (w[u] > 0) {
                    for (int c = 0; c < copies[u]; c++) {
                        DefaultWeightedEdge e = graph.addEdge(first[u] + c, j);
                        graph.setEdgeWeight(e, w[u]);
                    }
                }
            }
        }
        if (graph.edgeSet().isEmpty()) {
            return 0;
        }
        return new MaximumWeightBipartiteMatching<>(graph, replicas, items).getMatching().getWeight();
    }
}
