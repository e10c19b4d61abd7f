package io.reflex.sidecar;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.nio.file.Path;
import java.util.List;

/**
 * Eviction models for tests: seeded random dueling networks of the Cold-RL shape, and history-1
 * models whose prediction is a known linear function of one column.
 */
public final class TestModels {

    private TestModels() {
    }

    /** Writes a {@code 6K-32-32-(K+1)} dueling network (K Q-values) to {@code file}, atomically. */
    public static Path write(Path file, long seed, int k) {
        OnnxModelWriter.of(MlpGraph.randomDueling(seed, 6 * k, 32, 32, k + 1)).fixedBatch(1).write(file);
        return file;
    }

    /**
     * Writes a history-1 model ({@code [1, 11] → [1, 1]}) predicting {@code weight} times the
     * encoded value of {@code column}, with the contract {@code contract} in its metadata.
     */
    public static Path history(Path file, int column, float weight, EvictionModel contract) {
        float[] w = new float[HistoryFeatures.WIDTH];
        w[column] = weight;
        OnnxModelWriter writer = OnnxModelWriter.of(MlpGraph.chain(HistoryFeatures.WIDTH,
                List.of(new Dense(HistoryFeatures.WIDTH, 1, w, new float[1])))).fixedBatch(1);
        contract.toMetadata().forEach(writer::metadata);
        writer.write(file);
        return file;
    }

    /** A history-1 contract: K, sampled or LRU candidates, admission answered or not. */
    public static EvictionModel historyContract(int k, boolean sampled, boolean admission) {
        return new EvictionModel(HistoryFeatures.SCHEMA,
                sampled ? EvictionModel.Candidates.SAMPLED : EvictionModel.Candidates.LRU, k, admission);
    }
}
