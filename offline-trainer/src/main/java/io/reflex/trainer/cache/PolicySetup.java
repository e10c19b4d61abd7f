package io.reflex.trainer.cache;

import java.util.Objects;

/**
 * What a policy is built for: the trace it will replay (clairvoyant policies read its future; others
 * size their arrays by its object count), the capacity, and the seed of any randomness it uses.
 * Immutable.
 */
public record PolicySetup(Trace trace, Capacity capacity, long seed) {

    public PolicySetup {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(capacity, "capacity");
    }
}
