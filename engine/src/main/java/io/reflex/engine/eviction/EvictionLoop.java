package io.reflex.engine.eviction;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.runtime.CircuitBreaker;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.ModelVersion;
import io.reflex.engine.runtime.PolicyStore;

import java.time.Duration;
import java.util.Objects;

/**
 * The Cold-RL eviction loop: for each eviction, the K least-recently-used candidates are encoded
 * ({@link EvictionFeatures}), the policy scores each one, and {@link VictimMask} turns the scores
 * into victims. The policy runs inside a {@link DecisionRuntime} (loop name {@code eviction}) whose
 * fallback is LRU: past the deadline, on an error, a non-finite score or an open breaker, the least
 * recently used candidate is the victim.
 *
 * <p>The policy takes {@code [1, 6K]} and returns {@code [1, K]} scores. Thread-safe; each deciding
 * thread takes its own {@link Decider}, which allocates nothing per decision.
 */
public final class EvictionLoop implements AutoCloseable {

    private final int k;
    private final DecisionRuntime runtime;

    private EvictionLoop(Builder b) {
        this.k = b.k;
        int kk = b.k;
        DecisionRuntime.Builder rb = DecisionRuntime.builder().loop(b.loopName).store(b.store)
                .shape(kk * EvictionFeatures.PER_CANDIDATE, kk).deadline(b.deadline).breaker(b.breaker)
                .mode(b.mode).fallback((in, out) -> VictimMask.lruScores(out, 0, kk));
        if (b.registry != null) {
            rb.meterRegistry(b.registry);
        }
        this.runtime = rb.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int k() {
        return k;
    }

    /** The runtime underneath, for its store, breaker and counters. */
    public DecisionRuntime runtime() {
        return runtime;
    }

    /** A decider for the calling thread. */
    public Decider newDecider() {
        return new Decider();
    }

    @Override
    public void close() {
        runtime.close();
    }

    /** One thread's eviction decisions. Not thread-safe; allocation-free per decision. */
    public final class Decider implements AutoCloseable {
        private final io.reflex.engine.runtime.DecisionSession session = runtime.newSession();
        private final EvictionCandidates candidates = new EvictionCandidates(k);
        private final EvictionFeatures encoder = new EvictionFeatures(k);
        private final float[] features = new float[k * EvictionFeatures.PER_CANDIDATE];
        private final float[] scores = new float[k];
        private FallbackCause lastCause;

        private Decider() {
        }

        /** The candidate buffer to fill before {@link #decide()}; cleared by each decision's caller. */
        public EvictionCandidates candidates() {
            return candidates;
        }

        /**
         * Chooses victims among the candidates currently in {@link #candidates()}.
         *
         * @return the victim mask over candidate positions, never 0
         * @throws IllegalStateException if there is no candidate
         */
        public long decide() {
            int n = candidates.count();
            if (n == 0) {
                throw new IllegalStateException("an eviction decision needs at least one candidate");
            }
            encoder.encode(candidates, features, 0);
            lastCause = session.decide(features, scores);
            return VictimMask.decode(scores, 0, n);
        }

        /** The scores behind the last decision (the policy's, or the LRU fallback's). */
        public float score(int position) {
            return scores[position];
        }

        /** Why the last decision fell back to LRU, or null when the policy decided. */
        public FallbackCause lastCause() {
            return lastCause;
        }

        /** The model version behind the last decision, or null after a fallback. */
        public ModelVersion lastVersion() {
            return session.lastVersion();
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** Validated settings. Required: the store. */
    public static final class Builder {
        private int k = 16;
        private PolicyStore store;
        private Duration deadline = Duration.ofNanos(500_000);
        private CircuitBreaker breaker = CircuitBreaker.builder().build();
        private DecisionRuntime.Mode mode = DecisionRuntime.Mode.INLINE;
        private MeterRegistry registry;
        private String loopName = "eviction";

        private Builder() {
        }

        /** Candidates per decision (default 16, at most 64: the mask is a {@code long}). */
        public Builder k(int k) {
            if (k < 1 || k > 64) {
                throw new IllegalArgumentException("K must be in [1, 64], got " + k);
            }
            this.k = k;
            return this;
        }

        public Builder store(PolicyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The decision deadline (default 500 µs, as in Cold-RL). */
        public Builder deadline(Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        public Builder breaker(CircuitBreaker breaker) {
            this.breaker = Objects.requireNonNull(breaker, "breaker");
            return this;
        }

        public Builder mode(DecisionRuntime.Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The metric tag {@code loop} (default {@code eviction}); distinct per cache on one registry. */
        public Builder loopName(String name) {
            this.loopName = Objects.requireNonNull(name, "name");
            return this;
        }

        public EvictionLoop build() {
            if (store == null) {
                throw new IllegalStateException("an eviction loop needs a policy store");
            }
            return new EvictionLoop(this);
        }
    }
}
