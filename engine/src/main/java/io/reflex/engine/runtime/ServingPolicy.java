package io.reflex.engine.runtime;

import io.reflex.engine.policy.Policy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded version inside a {@link PolicyStore}, reference-counted so that it is closed only when
 * the store has replaced it and no decision session still evaluates it.
 *
 * <p>Thread-safe.
 */
final class ServingPolicy {

    final Policy policy;
    final ModelVersion version;
    /** Starts at 1: the store's own reference. */
    private final AtomicInteger references = new AtomicInteger(1);

    ServingPolicy(Policy policy, ModelVersion version) {
        this.policy = policy;
        this.version = version;
    }

    /** Takes a reference unless the version has already been closed; false means read the store again. */
    boolean retain() {
        for (;;) {
            int r = references.get();
            if (r == 0) {
                return false;
            }
            if (references.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the policy. */
    void release() {
        if (references.decrementAndGet() == 0) {
            policy.close();
        }
    }
}
