package io.reflex.sidecar;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.nio.file.Path;

/** Eviction models for tests: seeded random dueling networks of the engine's eviction shape. */
public final class TestModels {

    private TestModels() {
    }

    /** Writes a {@code 6K-32-32-(K+1)} dueling network (K Q-values) to {@code file}, atomically. */
    public static Path write(Path file, long seed, int k) {
        OnnxModelWriter.of(MlpGraph.randomDueling(seed, 6 * k, 32, 32, k + 1)).fixedBatch(1).write(file);
        return file;
    }
}
