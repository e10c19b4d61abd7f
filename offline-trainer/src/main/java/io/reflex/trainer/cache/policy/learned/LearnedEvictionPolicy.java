package io.reflex.trainer.cache.policy.learned;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.trainer.cache.EvictionPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code reflex}: a learned eviction model file served in the simulator by the engine, whichever
 * schema it reads ({@link EvictionModel}): Cold-RL's six features through
 * {@link ReflexEvictionPolicy}, the history schema through {@link NextAccessPolicy}. Offline
 * evaluation has no decision deadline, so its results do not depend on the machine's load.
 *
 * <p>One instance per replay, one thread; {@link #close()} after the replay.
 */
public sealed interface LearnedEvictionPolicy extends EvictionPolicy, AutoCloseable
        permits ReflexEvictionPolicy, NextAccessPolicy {

    /** Eviction decisions the engine took. */
    long decisions();

    /** Decisions the engine's runtime sent to the LRU fallback. */
    long fallbacks();

    /** The decision latencies kept (nanoseconds), in order. */
    long[] latencies();

    /** Demotions of the model to LRU by its floor (0 without one). */
    default long floorDemotions() {
        return 0;
    }

    /** Promotions of the model back from LRU by its floor (0 without one). */
    default long floorPromotions() {
        return 0;
    }

    /** Closes the engine loop and the loaded model. */
    @Override
    void close();

    /**
     * Loads {@code model} for one replay, as its metadata says to serve it.
     *
     * @param latencySamples decision latencies to keep (0: none)
     * @throws IllegalArgumentException naming the file when its metadata is invalid or the engine refuses it
     */
    static LearnedEvictionPolicy load(Path model, int latencySamples) {
        return load(model, latencySamples, 1);
    }

    /**
     * As {@link #load(Path, int)}, a {@code history-1} model evicting up to
     * {@code victimsPerDecision} candidates per decision (a host freeing room for several writes at
     * once, as the Caffeine adapter's {@code victimsPerDecision}).
     *
     * @throws IllegalArgumentException also when {@code victimsPerDecision} is not 1 for a Cold-RL
     *                                  model, or exceeds a history-1 model's K
     */
    static LearnedEvictionPolicy load(Path model, int latencySamples, int victimsPerDecision) {
        return load(model, latencySamples, victimsPerDecision, false);
    }

    /**
     * As {@link #load(Path, int, int)}, a {@code history-1} model serving with an LRU floor when
     * {@code lruFloor} ({@link NextAccessPolicy}'s; ignored for a Cold-RL model, which has its own
     * fallback).
     */
    static LearnedEvictionPolicy load(Path model, int latencySamples, int victimsPerDecision, boolean lruFloor) {
        Objects.requireNonNull(model, "model");
        if (latencySamples < 0) {
            throw new IllegalArgumentException("latency samples must be >= 0, got " + latencySamples);
        }
        EvictionModel contract = EvictionModel.of(OnnxModel.read(model).metadata(), model);
        if (!contract.readsHistory()) {
            if (victimsPerDecision != 1) {
                throw new IllegalArgumentException(model + ": victims per decision apply to " + HistoryFeatures.SCHEMA
                        + " models; a " + contract.schema() + " model frees its own mask");
            }
            return ReflexEvictionPolicy.load(model, contract.k(), latencySamples);
        }
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        SwapResult swap = store.offer(model);
        if (!swap.accepted()) {
            store.close();
            throw new IllegalArgumentException("the engine refused " + model + ": " + swap.reason());
        }
        NextAccessLoop loop = NextAccessLoop.builder().k(contract.k()).admission(contract.admission()).store(store)
                .noDeadline().build();
        return new NextAccessPolicy(contract, loop, null, latencySamples, victimsPerDecision, lruFloor);
    }
}
