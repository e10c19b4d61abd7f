package io.reflex.trainer.cache.policy.learned;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.ResidentIndex;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.CandidateFeatures;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.cache.LearnedCandidates;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.SampledCandidates;
import io.reflex.trainer.rl.TransitionRecorder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code reflex}: the learned eviction policy, served exactly as a cache embedding Reflex would
 * serve it. The exported ONNX file is offered to an engine {@link PolicyStore} (every load check,
 * the fast path when it agrees with ONNX Runtime), and each eviction runs the engine's
 * {@link EvictionLoop}: the simulator's K least recently used candidates go into the decider's
 * {@code EvictionCandidates} in natural units, the engine encodes them, the policy scores them under
 * the runtime's guard, and {@code VictimMask} turns the scores into victims, which are evicted in
 * candidate order. No scoring happens here.
 *
 * <p>There is no decision deadline by default: a simulation measures the policy's choices, and its
 * results must not move with the machine's load (a garbage-collection pause on a shared machine
 * would otherwise silently turn a decision into LRU). Fallbacks (errors, non-finite scores) are
 * counted ({@link #fallbacks()}) and reported.
 *
 * <p>One instance per replay, one thread; {@link #close()} after the replay. Allocates nothing per
 * eviction (the decider is allocation-free; latency samples go into a preallocated array).
 */
public final class ReflexEvictionPolicy implements LearnedEvictionPolicy {

    /** The name results carry. */
    public static final String NAME = "reflex";

    private final EvictionLoop loop;
    private final EvictionLoop.Decider decider;
    private final int k;
    private final int[] objects;
    private final float[] raw;
    private final DecisionStats stats;
    /** The model's {@code reflex.hit-history} period ({@link HitHistory#OFF} when absent). */
    private final int hitHistory;
    /** Whether the model was trained on sampled candidates ({@code reflex.candidates=sampled}). */
    private final boolean sampled;
    /** Built at the first callback, when the trace's object count is known. */
    private LearnedCandidates gatherer;

    private ReflexEvictionPolicy(Path model, int k, Duration deadline, int latencySamples) {
        this.stats = new DecisionStats(latencySamples);   // validates before anything is opened
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        SwapResult swap = store.offer(model);
        if (!swap.accepted()) {
            store.close();
            throw new IllegalArgumentException("the engine refused " + model + ": " + swap.reason());
        }
        EvictionLoop.Builder builder = EvictionLoop.builder().k(k).store(store);
        this.loop = (deadline == null ? builder.noDeadline() : builder.deadline(deadline)).build();
        this.decider = loop.newDecider();
        this.k = k;
        this.objects = new int[k];
        this.raw = new float[k * CandidateFeatures.COUNT];
        Map<String, String> metadata = OnnxModel.read(model).metadata();
        this.hitHistory = hitHistoryOf(model, metadata);
        this.sampled = sampledOf(model, metadata);
    }


    /**
     * Whether a model was trained on candidates sampled from the whole resident set: its
     * {@code reflex.candidates} metadata ({@link SampledCandidates#METADATA}); false when absent.
     */
    private static boolean sampledOf(Path model, Map<String, String> metadata) {
        try {
            return SampledCandidates.isSampled(metadata.get(SampledCandidates.METADATA));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
        }
    }

    /**
     * The hit-count feature a model was trained with: its {@code reflex.hit-history} metadata (the
     * {@link HitHistory} halving period, 0 = never halved), {@link HitHistory#OFF} when absent (hits
     * since admission, the default).
     */
    public static int hitHistoryOf(Path model) {
        return hitHistoryOf(model, OnnxModel.read(model).metadata());
    }

    private static int hitHistoryOf(Path model, Map<String, String> metadata) {
        String v = metadata.get(EvictionFeatures.HIT_HISTORY_METADATA);
        if (v == null) {
            return HitHistory.OFF;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(model + ": metadata reflex.hit-history must be a number >= 0, got '" + v + "'");
    }

    private LearnedCandidates gatherer(CacheView cache) {
        if (gatherer == null) {
            int objects = cache.objectCount();
            gatherer = new LearnedCandidates(HitHistory.orNull(objects, hitHistory),
                    sampled ? new SampledCandidates(objects, ResidentIndex.SAMPLING_SEED) : null);
        }
        return gatherer;
    }

    /**
     * Loads {@code model} for one replay.
     *
     * @param k              candidates per decision (the model's input is {@code [1, 6K]})
     * @param latencySamples how many decision latencies to keep (0: none)
     * @throws IllegalArgumentException naming the file when the engine refuses it
     */
    public static ReflexEvictionPolicy load(Path model, int k, int latencySamples) {
        return load(model, k, null, latencySamples);
    }

    /** As {@link #load(Path, int, int)} with a decision deadline (null: none). */
    public static ReflexEvictionPolicy load(Path model, int k, Duration deadline, int latencySamples) {
        Objects.requireNonNull(model, "model");
        return new ReflexEvictionPolicy(model, k, deadline, latencySamples);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void onHit(int object, CacheView cache) {
        gatherer(cache).onRequest(object, cache.requestIndex());
    }

    @Override
    public void onMiss(int object, CacheView cache) {
        gatherer(cache).onRequest(object, cache.requestIndex());
    }

    @Override
    public void evict(EvictionContext cache) {
        int n = gatherer(cache).gather(k, cache, objects, raw);
        TransitionRecorder.fill(decider.candidates(), raw, n);
        long t0 = System.nanoTime();
        long mask = decider.decide();
        stats.record(System.nanoTime() - t0, decider.lastCause());
        for (int j = 0; j < n; j++) {
            if ((mask & (1L << j)) != 0) {
                cache.evict(objects[j]);
            }
        }
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        gatherer(cache).onInsert(object);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        gatherer(cache).onRemove(object);
    }

    @Override
    public long decisions() {
        return stats.decisions();
    }

    @Override
    public long fallbacks() {
        return stats.fallbacks();
    }

    @Override
    public long[] latencies() {
        return stats.latencies();
    }

    /** Closes the decider and the loop (and with it the store and the loaded policy). */
    @Override
    public void close() {
        decider.close();
        loop.close();
    }
}
