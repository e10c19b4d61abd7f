package io.reflex.engine.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * The deadline contract every serving loop shares, written once: the default (500 µs, Cold-RL's
 * budget for an eviction decision) and the range a configured deadline must lie in. The runtime,
 * the eviction loops, the recommender, the Caffeine adapter and the NGINX sidecar all validate
 * through {@link #require}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DecisionDeadline {

    /** The default deadline of a decision. */
    public static final Duration DEFAULT = Duration.ofNanos(500_000);
    /** The longest deadline accepted: beyond it a "deadline" no longer protects a request path. */
    public static final Duration MAX = Duration.ofSeconds(10);

    private DecisionDeadline() {
    }

    /**
     * @return {@code deadline}, validated
     * @throws NullPointerException     when it is null (a loop without a deadline says so explicitly)
     * @throws IllegalArgumentException naming it when it is not in (0, {@link #MAX}]
     */
    public static Duration require(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline (for none, use the builder's noDeadline())");
        if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("deadline must be in (0, 10 s], got " + deadline);
        }
        return deadline;
    }
}
