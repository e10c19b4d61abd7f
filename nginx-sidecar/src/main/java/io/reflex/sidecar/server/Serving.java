package io.reflex.sidecar.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.ProtocolException;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How the sidecar serves the model it was started with: which engine loop decides, which protocol
 * version carries its features, and which later model files it may swap in. The schema is fixed at
 * start ({@link #open}, from the model's {@code reflex.schema} metadata): Cold-RL's six features
 * over version-1 frames ({@link ColdRlServing}), or the history-1 columns over version-2 frames
 * ({@link HistoryServing}). A hot-reloaded file of the other schema is refused ({@link #refusal}):
 * the frames NGINX sends are set by its configuration, which the sidecar cannot change.
 *
 * <p>Thread-safe; each connection's thread takes its own {@link Responder}.
 */
sealed interface Serving extends AutoCloseable permits ColdRlServing, HistoryServing {

    /**
     * Loads and checks {@code config}'s model and builds the loop its schema needs.
     *
     * @throws IllegalArgumentException naming the file and the reason when the model cannot be served
     */
    static Serving open(SidecarConfig config, Path model, MeterRegistry registry) {
        EvictionModel contract = EvictionModel.of(OnnxModel.read(model).metadata(), model);
        return contract.readsHistory() ? new HistoryServing(config, model, contract, registry)
                : new ColdRlServing(config, model, contract, registry);
    }

    /** Candidates per decision: the most an EVICT may carry. */
    int k();

    /** The protocol version whose frames carry the served schema. */
    int version();

    /** The served schema's name ({@code cold-rl-6} or {@code history-1}). */
    String schema();

    /** One line for the start-up log: K, layout or contract, schema and frame version. */
    String describe();

    /** The decision runtime underneath (its store, breaker and counters). */
    DecisionRuntime runtime();

    /**
     * Why a model file offered for hot reload cannot replace the serving one before the store even
     * loads it (another schema, or another contract for the same schema), or empty when the store
     * may check it (a file that is not a readable model is left to the store, which refuses it with
     * the reader's reason).
     */
    default Optional<String> refusal(Path file) {
        java.util.Map<String, String> metadata;
        try {
            metadata = OnnxModel.read(file).metadata();
        } catch (RuntimeException unreadable) {
            return Optional.empty();        // the store refuses it, with the reader's reason
        }
        EvictionModel offered;
        try {
            offered = EvictionModel.of(metadata, file);
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
        return refusal(offered);
    }

    /** Why a model of contract {@code offered} cannot replace the serving one, or empty. */
    Optional<String> refusal(EvictionModel offered);

    /** Writes one plausible EVICT of this version for the start-up warm-up. */
    void warmUpRequest(FrameEncoder out, WritableByteChannel channel, long requestId, SplittableRandom random)
            throws IOException;

    /** A responder for the calling connection thread. */
    Responder newResponder();

    /** Closes the loop and its model store. */
    @Override
    void close();

    /** Answers the EVICT frames of one connection. Not thread-safe; allocation-free per frame. */
    interface Responder extends AutoCloseable {

        /**
         * Checks the current frame, decides, and writes the VICTIMS reply.
         *
         * @return the victim mask written
         * @throws ProtocolException (non-fatal) when the frame breaks the protocol or does not carry
         *                           the served schema; nothing was written
         */
        long answer(FrameDecoder in, FrameEncoder out, WritableByteChannel channel) throws ProtocolException, IOException;

        /** Whether the last answer came from the model (false: the loop's LRU fallback, or the floor's LRU). */
        boolean lastByPolicy();

        /** Whether the last answer was LRU's because the LRU floor had demoted the model. */
        default boolean lastByFloor() {
            return false;
        }

        /** The admission answer of the last reply ({@code WireV2.NOT_ASKED} for version 1). */
        int lastAdmission();

        @Override
        void close();
    }
}
