package io.reflex.engine.runtime;

/**
 * The outcome of offering a model version to a {@link PolicyStore}: accepted (and now serving), or
 * rejected with the reason, the incumbent still serving.
 *
 * @param accepted whether the new version now serves
 * @param version  the version now serving (the new one, or the incumbent; null if none)
 * @param reason   why the offer was rejected; null when accepted
 */
public record SwapResult(boolean accepted, ModelVersion version, String reason) {
}
