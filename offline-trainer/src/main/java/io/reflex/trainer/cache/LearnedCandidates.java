package io.reflex.trainer.cache;

/**
 * The candidates a learned eviction policy sees in the simulator, gathered one way for training
 * ({@code TransitionRecorder}) and for evaluation (the {@code reflex} policy): the K least recently
 * used, or K drawn from the whole resident set ({@link SampledCandidates}), with the hit-count
 * column taken from a {@link HitHistory} when the model was trained on one.
 *
 * <p>The owning policy forwards every request ({@link #onRequest}), insertion and removal. One
 * instance per replay, one thread; allocates only at construction.
 */
public final class LearnedCandidates {

    private final HitHistory history;
    private final SampledCandidates sampler;

    /**
     * @param history the hit history the hit-count column comes from; null: hits since admission
     * @param sampler the sampler the candidates come from; null: the K least recently used
     */
    public LearnedCandidates(HitHistory history, SampledCandidates sampler) {
        this.history = history;
        this.sampler = sampler;
    }

    /** A request of {@code object}, the {@code requestIndex}-th of the trace (a hit or a miss). */
    public void onRequest(int object, int requestIndex) {
        if (history != null) {
            history.record(object, requestIndex);
        }
        if (sampler != null) {
            sampler.touch(object, requestIndex);
        }
    }

    /** The object became resident. */
    public void onInsert(int object) {
        if (sampler != null) {
            sampler.inserted(object);
        }
    }

    /** The object left the cache. */
    public void onRemove(int object) {
        if (sampler != null) {
            sampler.removed(object);
        }
    }

    /**
     * Writes up to {@code k} candidates into {@code objects} and their features in the layout of
     * {@link CacheView#candidates} into {@code features}.
     *
     * @return how many were written
     */
    public int gather(int k, CacheView cache, int[] objects, float[] features) {
        int n = sampler == null ? cache.candidates(k, objects, features) : sampler.sample(k, cache, objects, features);
        if (history != null) {
            history.overwrite(objects, features, n, cache.requestIndex());
        }
        return n;
    }
}
