package io.reflex.engine.testing;

import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@value HistoryFeatures#SCHEMA} models whose behaviour is known without training: a linear
 * prediction of {@code sign} times a row's encoded recency, so {@code +1} evicts the least
 * recently accessed candidate (LRU over the candidates) and {@code −1} the most recently accessed
 * (MRU); {@code 0} scores every row alike.
 */
public final class RecencyModels {

    private RecencyModels() {
    }

    /** Writes the model to {@code file} and returns it. */
    public static Path write(Path file, float sign) {
        float[] w = new float[HistoryFeatures.WIDTH];
        w[HistoryFeatures.RECENCY] = sign;
        OnnxModelWriter.of(MlpGraph.chain(HistoryFeatures.WIDTH,
                        List.of(new Dense(HistoryFeatures.WIDTH, 1, w, new float[1]))))
                .fixedBatch(1).write(file);
        return file;
    }

    /** A loop of K {@code k} serving {@code model} (none: every decision falls back), without a deadline. */
    public static NextAccessLoop loop(Path model, int k, boolean admission) {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        if (model != null && !store.offer(model).accepted()) {
            throw new IllegalStateException("the store refused " + model);
        }
        return NextAccessLoop.builder().k(k).admission(admission).store(store).noDeadline().build();
    }
}
