package io.reflex.engine.onnx;

/**
 * One step of an {@link MlpGraph}: a dense layer or an element-wise activation.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface Layer permits Dense, Activation {

    /** The width this layer produces from an input of {@code inputWidth}. */
    int outputWidth(int inputWidth);
}
