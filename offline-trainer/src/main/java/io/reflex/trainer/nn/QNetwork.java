package io.reflex.trainer.nn;

import io.reflex.engine.onnx.MlpGraph;

/**
 * What the Double DQN trainer needs of a Q-network over eviction states ({@code K × 6} encoded
 * candidate features in, one Q-value per candidate out): a forward pass that keeps its activations,
 * a backward pass, gradient clipping, Adam, and target-network copies. {@link DuelingNetwork} (one
 * network over all K candidates) and {@link CandidateDuelingNetwork} (one network shared by every
 * candidate) implement it.
 *
 * <p>Implementations are not thread-safe (one thread trains one) and allocate only at construction.
 */
public interface QNetwork {

    /** Floats per state ({@code 6K}). */
    int inputWidth();

    /** Q-values per state (K). */
    int actions();

    /**
     * Q-values of {@code rows} states ({@code rows × inputWidth} floats from {@code states}), of which
     * state {@code r} has {@code counts[r]} real candidates (the rest are zero rows whose Q-values the
     * caller ignores). Returns the network's own buffer ({@code rows × actions}), overwritten by the
     * next call; the activations are kept for {@link #backward}.
     */
    float[] forward(float[] states, int rows, int[] counts);

    /** Clears every parameter gradient. */
    void zeroGrad();

    /** Accumulates parameter gradients for {@code qGrad}, the loss gradient of the last forward's Q-values. */
    void backward(float[] qGrad);

    /** Scales the gradients to a global L2 norm of at most {@code maxNorm}; returns the norm before. */
    double clipGradients(double maxNorm);

    /** One Adam step with the accumulated gradients. */
    void adamStep(float learningRate);

    /** Makes this network's weights equal to {@code source}'s (same kind and shape). */
    void copyWeightsFrom(QNetwork source);

    /** Polyak averaging {@code θ ← θ + τ (θ_source − θ)}. */
    void softUpdateFrom(QNetwork source, float tau);

    /** Number of trainable parameters. */
    int parameterCount();

    /** The exported graph, as the engine's fast path reads it. */
    MlpGraph toGraph();
}
