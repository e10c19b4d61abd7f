package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.TensorSpec;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the adapter can feed an eviction model, decided in one place from the model file's
 * metadata and declared shapes, so that {@code model(path)} and {@code policyStore(store)} accept
 * and refuse the same models with the same message ({@code <file>: <what is missing>}):
 * <ul>
 *   <li>a Cold-RL model ({@value EvictionModel#COLD_RL_SCHEMA}, the default) is fed the six
 *       features of Caffeine's K coldest entries with hits since admission: refused when it wants a
 *       hit history that survives eviction or candidates other than {@code lru}, with the engine's
 *       words ({@link EvictionLoop#hostLoader()});</li>
 *   <li>a {@value HistoryFeatures#SCHEMA} model is fed every column of its schema, over sampled or
 *       least recently used candidates, with or without admission: refused only when it is not the
 *       one-row network the schema specifies ({@code [1, 11] -> [1, 1]});</li>
 *   <li>any other schema, or a malformed contract entry, is refused with {@link EvictionModel#of}'s
 *       message.</li>
 * </ul>
 *
 * <p>Stateless; reads a model file once, at build time.
 */
final class ServedModel {

    private ServedModel() {
    }

    /**
     * The contract of the model in {@code file}, if the adapter can feed it.
     *
     * @throws IllegalArgumentException {@code <file>: <why>} when it cannot, or the file does not read
     */
    static EvictionModel check(Path file) {
        OnnxModel model;
        try {
            model = OnnxModel.read(file);
        } catch (ModelLoadException e) {
            throw new IllegalArgumentException("the engine refused " + file + ": " + e.getMessage(), e);
        }
        return check(model);
    }

    /** As {@link #check(Path)}, for a model read already. */
    static EvictionModel check(OnnxModel model) {
        Path file = model.file();
        Map<String, String> metadata = model.metadata();
        EvictionModel contract = EvictionModel.of(metadata, file);
        if (!contract.readsHistory()) {
            coldRlLoader().build().refusal(metadata).ifPresent(why -> {
                throw new IllegalArgumentException(file + ": " + why);
            });
            return contract;
        }
        if (model.inputs().size() != 1 || model.outputs().size() != 1 || !isRow(model.inputs().getFirst(),
                HistoryFeatures.WIDTH) || !isRow(model.outputs().getFirst(), 1)) {
            throw new IllegalArgumentException(file + ": a " + HistoryFeatures.SCHEMA + " model takes one "
                    + HistoryFeatures.WIDTH + "-wide row and predicts one value ([1, " + HistoryFeatures.WIDTH
                    + "] -> [1, 1]); this one takes " + model.inputs() + " and gives " + model.outputs());
        }
        return contract;
    }

    /**
     * The contract of the model a store serves now, checked as {@link #check(Path)} checks a file;
     * empty when the store serves nothing yet (the cache then starts on the Cold-RL path, falling
     * back to Caffeine until a Cold-RL model is offered).
     */
    static Optional<EvictionModel> ofStore(PolicyStore store) {
        return store.version().map(v -> check(v.file()));
    }

    /** The loader of a Cold-RL model: the engine's host loader (the K coldest, hits since admission). */
    static PolicyLoader.Builder coldRlLoader() {
        return EvictionLoop.hostLoader();
    }

    /** The loader of a history-1 model: its one row in, its one prediction out. */
    static PolicyLoader historyLoader() {
        return NextAccessLoop.policyLoader();
    }

    /** {@code [batch or 1, width]}. */
    private static boolean isRow(TensorSpec spec, int width) {
        return spec.rank() == 2 && (spec.dim(0) == 1 || spec.dim(0) < 0) && spec.dim(1) == width;
    }
}
