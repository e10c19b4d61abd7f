package io.reflex.trainer.cache;

/** Why an object left the cache. */
public enum RemovalCause {
    /** The policy chose it to make room ({@link EvictionContext#evict(int)}). */
    EVICTED,
    /** It was requested after its TTL ran out: the request is a miss and the stale copy is dropped. */
    EXPIRED
}
