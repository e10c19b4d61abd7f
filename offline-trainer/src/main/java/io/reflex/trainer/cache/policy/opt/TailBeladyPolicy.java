package io.reflex.trainer.cache.policy.opt;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.Trace;

/**
 * {@code belady-tail}: a clairvoyant reference for the learned eviction loop's own choice. It sees
 * what that loop sees, the {@value #K} least recently used residents, and evicts among them the one
 * a size-aware Belady would: an object whose next request comes after it expires, or never, first
 * (the largest of those), else the largest {@code size × distance to its next request}. Like the
 * learned policy it admits everything and evicts one candidate per decision.
 *
 * <p>No policy that chooses among the K least recently used objects by what it can know is likely
 * to beat it by much, so the gap between it and a policy that ranks the whole cache (GDSF, {@code
 * belady-size}) measures what restricting the candidates to the LRU tail costs. Like {@code
 * belady-size} it is a heuristic for a problem that is NP-hard with varied sizes: a strong reference,
 * not a proven bound.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class TailBeladyPolicy implements EvictionPolicy {

    /** Candidates per decision: the protocol's largest K, the learned defaults' K. */
    public static final int K = 64;

    private final Trace trace;
    /** Index of each resident object's next request. */
    private final int[] next;

    /** @param trace the trace that will be replayed */
    public TailBeladyPolicy(Trace trace) {
        this.trace = trace;
        this.next = new int[trace.objectCount()];
        if (trace.length() > 0) {
            trace.nextAccess(0); // builds the trace's index now, not inside the timed replay
        }
    }

    @Override
    public String name() {
        return "belady-tail";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        next[object] = trace.nextAccess(cache.requestIndex());
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        next[object] = trace.nextAccess(cache.requestIndex());
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
    }

    @Override
    public void evict(EvictionContext cache) {
        int now = cache.requestIndex();
        int best = -1;
        double bestScore = -1;
        int seen = 0;
        for (int o = cache.leastRecentlyUsed(); o >= 0 && seen < K; o = cache.moreRecentlyUsed(o), seen++) {
            int n = next[o];
            boolean useless = n == Trace.NEVER || trace.time(n) >= cache.expiresAt(o);
            double score = useless ? Double.POSITIVE_INFINITY : (double) cache.charge(o) * (n - now);
            if (score > bestScore || (score == bestScore && cache.charge(o) > cache.charge(best))) {
                best = o;
                bestScore = score;
            }
        }
        cache.evict(best);
    }
}
