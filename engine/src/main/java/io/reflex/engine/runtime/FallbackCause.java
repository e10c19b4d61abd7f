package io.reflex.engine.runtime;

/** Why a decision was made by the classical fallback rather than the learned policy. */
public enum FallbackCause {
    /** The policy threw. */
    POLICY_ERROR("policy_error"),
    /** The policy returned NaN or an infinity. */
    NON_FINITE_OUTPUT("non_finite_output"),
    /** The serving policy's input or output size does not match the loop's. */
    WRONG_SHAPE("wrong_shape"),
    /** The policy answered after the deadline (in-line), or not by it (asynchronous). */
    DEADLINE("deadline"),
    /**
     * The asynchronous worker was still busy with an earlier, late decision (which was counted as a
     * {@link #DEADLINE} breach; these are not counted against the policy again).
     */
    WORKER_BUSY("worker_busy"),
    /** The circuit breaker is open: every decision goes to the fallback until it half-opens. */
    BREAKER_OPEN("breaker_open"),
    /** No policy version has been loaded yet. */
    NO_POLICY("no_policy"),
    /**
     * The policy is demoted ({@link DecisionRuntime#demote}): a floor found it losing to the
     * fallback with confidence, and the fallback decides until the policy wins again.
     */
    DEMOTED("demoted");

    private final String tag;

    FallbackCause(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code cause} metric tag. */
    public String tag() {
        return tag;
    }
}
