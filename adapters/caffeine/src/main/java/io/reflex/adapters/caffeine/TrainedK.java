package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.runtime.PolicyStore;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The number of candidates (K) an eviction model was built for: a joint model's output width
 * ({@code [1, 6K] -> [1, K]}), or a candidate-rows model's {@code reflex.k} metadata (the trainer
 * writes it; the network itself would run over any K, but its context features were learned for
 * that one). Empty when the model does not say (a candidate-rows model without the entry, or no
 * model serving yet).
 *
 * <p>Stateless; reads the model file once, at build time.
 */
final class TrainedK {

    /** The metadata entry the trainer writes. */
    static final String METADATA_KEY = "reflex.k";

    private TrainedK() {
    }

    /**
     * @param store the store serving the model
     * @param file  the model's file, for a candidate-rows model's metadata; null when unknown
     * @throws IllegalArgumentException naming the file when {@code reflex.k} is not a number in [1, 64]
     */
    static OptionalInt of(PolicyStore store, Path file) {
        var in = store.servingInput();
        var out = store.servingOutput();
        if (in.isEmpty() || out.isEmpty()) {
            return OptionalInt.empty();
        }
        long outputs = out.get().elementCount();
        // A candidate row is 12 wide with 2 outputs, which is also a joint model's shape for K = 2:
        // the row layout wins, as in the engine's loop and the sidecar.
        boolean rows = in.get().rank() == 2 && in.get().dim(0) == 1 && in.get().dim(1) == EvictionFeatures.ROW_WIDTH
                && outputs == 2;
        if (!rows) {
            boolean joint = outputs >= 1 && outputs <= 64
                    && in.get().elementCount() == outputs * EvictionFeatures.PER_CANDIDATE;
            return joint ? OptionalInt.of((int) outputs) : OptionalInt.empty();
        }
        if (file == null) {
            return OptionalInt.empty();
        }
        String k = OnnxModel.read(file).metadata().get(METADATA_KEY);
        if (k == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(k.trim());
            if (n >= 1 && n <= 64) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(file + ": metadata " + METADATA_KEY + " must be a number in [1, 64], got '" + k + "'");
    }
}
