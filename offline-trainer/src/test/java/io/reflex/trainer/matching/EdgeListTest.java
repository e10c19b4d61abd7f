package io.reflex.trainer.matching;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user file format, {@code online;offline,weight}. */
class EdgeListTest {

    @TempDir
    Path dir;

    private Path write(String... lines) throws IOException {
        Path file = dir.resolve("edges.txt");
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void itemsArriveInTheOrderTheyFirstAppear() throws IOException {
        Path file = write("# rider;driver,fare", "r2;d1,3.5", "r1;d2,1", "", "r2;d2, 2", "r1;d1,4");

        EdgeList edges = EdgeList.read(file);
        MatchingInstance whole = edges.whole();

        assertEquals(List.of("r2", "r1"), edges.onlineIds());
        assertEquals(List.of("d1", "d2"), edges.offlineIds());
        assertArrayEquals(new double[] {3.5, 2}, whole.weights(0));
        assertArrayEquals(new double[] {4, 1}, whole.weights(1));
    }

    @Test
    void aMalformedLineIsReportedWithFileAndLineNumber() throws IOException {
        Path file = write("a;x,1", "b x 2");

        EdgeListFormatException e = assertThrows(EdgeListFormatException.class, () -> EdgeList.read(file));

        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains("online;offline,weight"), e.getMessage());
    }

    @Test
    void badWeightsDuplicatesAndMissingFilesAreNamed() throws IOException {
        assertTrue(assertThrows(EdgeListFormatException.class, () -> EdgeList.read(write("a;x,heavy")))
                .getMessage().contains(":1: weight 'heavy' is not a number"));
        assertTrue(assertThrows(EdgeListFormatException.class, () -> EdgeList.read(write("a;x,1", "a;y,-2")))
                .getMessage().contains(":2: weight -2 must be a finite number > 0"));
        assertTrue(assertThrows(EdgeListFormatException.class, () -> EdgeList.read(write("a;x,1", "b;x,1", "a;x,3")))
                .getMessage().contains(":3: edge a;x already appeared on line 1"));
        assertTrue(assertThrows(EdgeListFormatException.class, () -> EdgeList.read(write("a;x,1,2")))
                .getMessage().contains(":1: expected"));
        Path absent = dir.resolve("absent.txt");
        assertEquals(absent + ": no such file", assertThrows(EdgeListFormatException.class, () -> EdgeList.read(absent)).getMessage());
        assertTrue(assertThrows(EdgeListFormatException.class, () -> EdgeList.read(write("# nothing")))
                .getMessage().contains("no edges"));
    }

    @Test
    void samplingIsSeededKeepsFileOrderAndUsesOnlyItemsWithAnEdge() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int v = 0; v < 40; v++) {
            for (int u = 0; u < 6; u++) {
                if ((v + u) % 3 == 0) {
                    text.append("item").append(v).append(";node").append(u).append(',').append(1 + (v * u) % 7).append('\n');
                }
            }
        }
        Path file = dir.resolve("big.txt");
        Files.writeString(file, text);
        EdgeList edges = EdgeList.read(file);

        EdgeList.Sampler sampler = edges.sampler(3, 5);
        List<MatchingInstance> a = sampler.instances(10, 4, 9);
        List<MatchingInstance> b = edges.sampler(3, 5).instances(10, 4, 9);

        assertEquals(a, b);
        assertEquals(3, a.getFirst().offline());
        for (MatchingInstance instance : a) {
            for (int t = 0; t < instance.online(); t++) {
                assertTrue(java.util.Arrays.stream(instance.weights(t)).anyMatch(w -> w > 0), "item without an edge");
            }
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> sampler.instances(sampler.eligibleItems() + 1, 1, 1));
        assertTrue(tooMany.getMessage().contains("--online"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> edges.sampler(7, 1));
    }
}
