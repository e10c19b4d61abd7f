package io.reflex.engine.runtime;

/**
 * The classical rule a decision loop falls back to (LRU for eviction, the expert for matching,
 * popularity for recommendation). It writes its decision in the policy's output space, as scores
 * from which the loop's decoding picks the classical rule's action, so one decoding serves both.
 *
 * <p>Called on the deciding thread; must be thread-safe if the loop decides on several threads, and
 * should allocate nothing.
 */
@FunctionalInterface
public interface Fallback {

    /** Fills {@code output} (the policy's output size) for {@code input} (the policy's input size). */
    void decide(float[] input, float[] output);
}
