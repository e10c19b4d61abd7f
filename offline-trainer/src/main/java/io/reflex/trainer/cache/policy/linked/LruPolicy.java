package io.reflex.trainer.cache.policy.linked;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;

/**
 * {@code lru}: evicts the least recently used object. The simulator already keeps the recency order
 * (it is the candidate view's order), so this policy holds no state of its own.
 *
 * <p>One instance per replay, one thread; allocates nothing.
 */
public final class LruPolicy implements EvictionPolicy {

    @Override
    public String name() {
        return "lru";
    }

    @Override
    public void onHit(int object, CacheView cache) {
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(cache.leastRecentlyUsed());
    }

    @Override
    public void onInsert(int object, CacheView cache) {
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
    }
}
