package io.reflex.sidecar.server;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.protocol.Wire;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the version-1 wire-to-feature mapping of the Cold-RL (cold-rl-6, joint layout) path with
 * models of known scores. The model for column {@code f} scores candidate {@code i} as
 * {@code encoded(f, i) − 10}: every score is negative (encoded features stay far below 10 for
 * these values), so {@link io.reflex.engine.eviction.VictimMask} takes the best-scoring candidate
 * alone, which is the candidate with the largest wire value in column {@code f} (the encodings are
 * monotone). The frame gives each column its largest value at a different candidate, none of them
 * the least recently used one (the LRU fallback's choice), so a swapped column, a shifted candidate
 * or a fallback each gives another mask.
 */
class ColdRlWireMappingTest {

    static final int K = 8;
    static final int COUNT = 7;
    static final int F = Wire.FEATURES;

    @TempDir
    Path dir;

    /** A joint {@code [1, 6K] → [1, K]} model: score_i = encoded feature {@code column} of candidate i − 10. */
    static Path columnModel(Path file, int column) {
        float[] w = new float[K * K * F];
        float[] bias = new float[K];
        for (int o = 0; o < K; o++) {
            w[o * (K * F) + o * F + column] = 1f;
            bias[o] = -10f;
        }
        OnnxModelWriter.of(MlpGraph.chain(K * F, List.of(new Dense(K * F, K, w, bias)))).fixedBatch(1).write(file);
        return file;
    }

    /**
     * Seven candidates; in column {@code f} candidate {@code f + 1} holds the largest value, the
     * others distinct lower values, ordered differently per column.
     */
    static float[] frame() {
        float[] base = {7_000, 900_000, 400, 80_000, 500_000, 9_000};     // each column's peak value
        float[] rows = new float[COUNT * F];
        for (int f = 0; f < F; f++) {
            for (int i = 0; i < COUNT; i++) {
                float v;
                if (i == f + 1) {
                    v = base[f];
                } else {
                    // distinct, clearly below the peak, ordered differently per column
                    int rank = (i * (f + 1) + 3 * f) % COUNT;     // f + 1 in [1, 6], coprime to 7: distinct
                    v = base[f] * (0.05f + 0.1f * rank);
                }
                rows[i * F + f] = v;
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "column {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void theModelReadingOneColumnEvictsTheCandidateWithTheLargestValueOfThatColumn(int column) throws Exception {
        Path model = columnModel(dir.resolve("column-" + column + ".onnx"), column);
        try (SidecarServer s = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("c" + column + ".sock"))
                .model(model).deadline(Duration.ofSeconds(1)).warmupRequests(50).build());
             TestClient c = new TestClient(s.socket())) {
            assertEquals(K, s.k());
            long before = s.runtime().metrics().policyDecisions();
            float[] rows = frame();
            c.out.evict(c.channel, 90 + column, COUNT, rows);
            assertEquals(true, c.in.next(c.channel), "a reply");
            assertEquals(Wire.TYPE_VICTIMS, c.in.type());
            assertEquals(90 + column, c.in.requestId());
            assertEquals(1L << (column + 1), c.in.mask(), () -> "column " + Wire.featureName(column)
                    + " peaks at candidate " + (column + 1) + ", got mask " + Long.toBinaryString(c.in.mask()));
            assertEquals(before + 1, s.runtime().metrics().policyDecisions(), "the model decided, not the LRU fallback");
        }
    }
}
