package io.reflex.engine.matching;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capacities and weight bounds, supplied or taken from data. */
class OfflineNodesTest {

    @Test
    void boundsTakenFromDataAreEachNodesHeaviestEdgeAndTheOverallMaximumForANodeWithoutEdges() {
        OfflineNodes nodes = OfflineNodes.builder(3)
                .weightBoundsObserved(List.of(new double[] {1, 0, 0}, new double[] {3, 2, 0}, new double[] {2, 5, 0}))
                .build();

        assertArrayEquals(new double[] {3, 5, 5}, nodes.weightBounds());
        assertEquals(5, nodes.maxWeightBound());
    }

    @Test
    void capacitiesDefaultToOne() {
        OfflineNodes nodes = OfflineNodes.builder(3).capacity(1, 4).uniformWeightBound(1).build();

        assertArrayEquals(new int[] {1, 4, 1}, nodes.capacities());
        assertEquals(6, nodes.totalCapacity());
    }

    @Test
    void refusesBadValuesNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OfflineNodes.builder(2).capacities(1, 0))
                .getMessage().contains("node 1"));
        assertThrows(IllegalArgumentException.class, () -> OfflineNodes.builder(2).weightBounds(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> OfflineNodes.builder(2).weightBounds(1));
        assertThrows(IllegalArgumentException.class, () -> OfflineNodes.builder(0));
        assertThrows(IllegalArgumentException.class,
                () -> OfflineNodes.builder(2).weightBoundsObserved(List.of(new double[] {0, -1})));
        assertThrows(IllegalArgumentException.class,
                () -> OfflineNodes.builder(2).weightBoundsObserved(List.of(new double[] {0, 0})));
        assertTrue(assertThrows(IllegalStateException.class, () -> OfflineNodes.builder(2).build())
                .getMessage().contains("weight bounds"));
    }
}
