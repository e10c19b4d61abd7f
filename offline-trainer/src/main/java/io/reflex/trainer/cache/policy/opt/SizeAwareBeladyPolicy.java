package io.reflex.trainer.cache.policy.opt;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.Trace;

import java.util.SplittableRandom;

/**
 * {@code belady-size}: a size-aware clairvoyant reference for byte capacities, in the manner of
 * libCacheSim's Belady-size. It evicts, among {@value #SAMPLE} resident objects drawn at random (all
 * of them when fewer), the one with the largest {@code size * distance to its next request}
 * (objects never requested again first, largest first), and does not cache an object that is never
 * requested again or that scores worse than the victim it would displace. The optimum for varied
 * sizes is NP-hard; this is a strong reference, not a proven bound, and a policy can beat it on a
 * given trace.
 *
 * <p>Randomness comes from the seed it is built with, so replays repeat exactly. One instance per
 * replay, one thread; allocates only at construction.
 */
public final class SizeAwareBeladyPolicy implements EvictionPolicy {

    /** Objects sampled per eviction decision. */
    public static final int SAMPLE = 64;

    private final Trace trace;
    private final SplittableRandom random;
    private final int[] residents;
    private final int[] slot;
    /** Index of each resident object's next request. */
    private final int[] next;
    private int count;

    /**
     * @param trace the trace that will be replayed
     * @param seed  seed of the sampling
     */
    public SizeAwareBeladyPolicy(Trace trace, long seed) {
        this.trace = trace;
        this.random = new SplittableRandom(seed);
        int n = trace.objectCount();
        residents = new int[n];
        slot = new int[n];
        next = new int[n];
        if (trace.length() > 0) {
            trace.nextAccess(0); // builds the trace's index now, not inside the timed replay
        }
    }

    @Override
    public String name() {
        return "belady-size";
    }

    private static double score(long charge, int nextRequest, int now) {
        return nextRequest == Trace.NEVER ? Double.POSITIVE_INFINITY : (double) charge * (nextRequest - now);
    }

    @Override
    public void onHit(int object, CacheView cache) {
        next[object] = trace.nextAccess(cache.requestIndex());
    }

    @Override
    public boolean admit(int object, CacheView cache) {
        int now = cache.requestIndex();
        int nextRequest = trace.nextAccess(now);
        if (nextRequest == Trace.NEVER) {
            return false;
        }
        if (cache.usedCharge() + cache.incomingCharge() <= cache.capacity().value() || count == 0) {
            return true;
        }
        int victim = sampleVictim(cache);
        return score(cache.incomingCharge(), nextRequest, now) < score(cache.charge(victim), next[victim], now);
    }

    private int sampleVictim(CacheView cache) {
        int now = cache.requestIndex();
        int best = -1;
        double bestScore = -1;
        int draws = Math.min(SAMPLE, count);
        for (int d = 0; d < draws; d++) {
            int o = residents[count <= SAMPLE ? d : random.nextInt(count)];
            double s = score(cache.charge(o), next[o], now);
            if (s > bestScore || (s == bestScore && cache.charge(o) > cache.charge(best))) {
                best = o;
                bestScore = s;
            }
        }
        return best;
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(sampleVictim(cache));
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        next[object] = trace.nextAccess(cache.requestIndex());
        slot[object] = count;
        residents[count++] = object;
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        int s = slot[object];
        int lastObject = residents[--count];
        residents[s] = lastObject;
        slot[lastObject] = s;
    }
}
