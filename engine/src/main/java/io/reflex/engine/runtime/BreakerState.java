package io.reflex.engine.runtime;

/** The state of a {@link CircuitBreaker}; {@link #code()} is the value of the state gauge. */
public enum BreakerState {
    /** Decisions go to the policy; failures are counted in the sliding window. */
    CLOSED(0),
    /** Every decision goes to the fallback until the cool-down has passed. */
    OPEN(1),
    /** A limited number of probe decisions go to the policy; the rest fall back. */
    HALF_OPEN(2);

    private final int code;

    BreakerState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
