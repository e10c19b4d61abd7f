package io.reflex.engine.eviction;

import io.reflex.engine.onnx.TensorSpec;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.ModelVersion;

import java.util.Objects;
import java.util.Optional;

/**
 * The Cold-RL eviction loop: for each eviction, the K least-recently-used candidates are encoded
 * ({@link EvictionFeatures}), the policy scores each one, and {@link VictimMask} turns the scores
 * into victims. The policy runs inside a {@link DecisionRuntime} (loop name {@code eviction}) whose
 * fallback is LRU: past the deadline, on an error, a non-finite score or an open breaker, the least
 * recently used candidate is the victim.
 *
 * <p>Two model layouts ({@link Layout}): a <em>joint</em> model takes {@code [1, 6K]} and returns
 * {@code [1, K]} scores; a <em>candidate-rows</em> model is one small network shared by every
 * candidate, {@code [1, 12] → [1, 2]} (its row: the candidate's features and the decision's context,
 * {@link EvictionFeatures#encodeRows}; its output: a value and an advantage), run over the K rows
 * in one call, and the loop forms the dueling Q-values {@code Q_i = mean(v) + a_i − mean(a)} over the
 * real candidates. The layout is the builder's, or the serving model's at build time; a version of
 * the other layout swapped in later falls back ({@code wrong_shape}).
 *
 * <p>Thread-safe; each deciding thread takes its own {@link Decider}, which allocates nothing per
 * decision.
 */
public final class EvictionLoop implements AutoCloseable {

    /**
     * Model metadata entry naming a candidate set other than the K least recently used objects (the
     * trainer writes {@code reflex.candidates=sampled} for a model trained on K objects sampled from
     * the whole cache). A host that hands the loop its K coldest entries (the Caffeine adapter's
     * Cold-RL path, the NGINX sidecar) refuses a Cold-RL model carrying another value than
     * {@code lru} ({@link #hostLoader()}) rather than serve it candidates it was not trained on.
     */
    public static final String CANDIDATES_METADATA = "reflex.candidates";

    /** Why a host serving the K coldest entries refuses a model with {@link #CANDIDATES_METADATA}. */
    static final String CANDIDATES_REFUSAL = "the model was trained on candidates other than the K least recently "
            + "used, and this host offers the K coldest entries (train it without --candidates)";

    /** Why a host feeding Cold-RL's six features refuses a model that names another schema. */
    static final String SCHEMA_REFUSAL = "the model reads features other than Cold-RL's six (history-1: access "
            + "gaps, decayed counters, admission), which this host does not supply: serve a history-1 model in the "
            + "Caffeine adapter, or train one for this host with --objective dqn";

    /**
     * A loader builder for a host that feeds Cold-RL's six features for its K least recently used
     * entries and counts hits since admission (the Caffeine adapter's Cold-RL path, the NGINX
     * sidecar): it refuses a model carrying {@link EvictionFeatures#HIT_HISTORY_METADATA}, a
     * {@link #CANDIDATES_METADATA} other than {@code lru}, or an {@link EvictionModel#SCHEMA_METADATA}
     * other than {@value EvictionModel#COLD_RL_SCHEMA}, naming the file, the entry and why
     * ({@link PolicyLoader#refusal} gives the same text for a model already loaded). The host adds its
     * input and output declarations.
     */
    public static PolicyLoader.Builder hostLoader() {
        // The schema first: a model of another schema is refused for the features it reads, not
        // for the candidate set that goes with them.
        return PolicyLoader.builder()
                .refuseMetadataUnless(EvictionModel.SCHEMA_METADATA, EvictionModel.COLD_RL_SCHEMA, SCHEMA_REFUSAL)
                .refuseMetadata(EvictionFeatures.HIT_HISTORY_METADATA, EvictionFeatures.HIT_HISTORY_REFUSAL)
                .refuseMetadataUnless(CANDIDATES_METADATA, EvictionModel.Candidates.LRU.value(), CANDIDATES_REFUSAL);
    }

    /** How the serving model scores the candidates. */
    public enum Layout {
        /** {@code [1, 6K] → [1, K]}: one network over all K candidates, one score each. */
        JOINT,
        /**
         * {@code [1, 12] → [1, 2]} per candidate row: a shared network gives each candidate a value
         * and an advantage; the loop aggregates them into dueling Q-values.
         */
        CANDIDATE_ROWS;

        /** The layout of a model with this input and output, or empty when it is neither. */
        public static Optional<Layout> of(TensorSpec input, TensorSpec output, int k) {
            if (input.elementCount() == (long) k * EvictionFeatures.PER_CANDIDATE && output.elementCount() == k) {
                return Optional.of(JOINT);
            }
            if (input.rank() == 2 && input.dim(0) == 1 && input.dim(1) == EvictionFeatures.ROW_WIDTH
                    && output.elementCount() == 2) {
                return Optional.of(CANDIDATE_ROWS);
            }
            return Optional.empty();
        }
    }

    private final int k;
    private final Layout layout;
    private final DecisionRuntime runtime;

    private EvictionLoop(Builder b, Layout layout) {
        this.k = b.k;
        this.layout = layout;
        int kk = b.k;
        DecisionRuntime.Builder rb = b.runtime().mode(b.mode);
        if (layout == Layout.JOINT) {
            rb.shape(kk * EvictionFeatures.PER_CANDIDATE, kk).fallback((in, out) -> VictimMask.lruScores(out, 0, kk));
        } else {
            rb.shape(kk * EvictionFeatures.ROW_WIDTH, 2 * kk)
                    .rows(kk, EvictionFeatures.PER_CANDIDATE, EvictionFeatures.ROW_WIDTH)
                    .fallback((in, out) -> lruRows(out, kk));
        }
        this.runtime = rb.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int k() {
        return k;
    }

    /** The model layout this loop serves. */
    public Layout layout() {
        return layout;
    }

    /** Value 0 and the LRU scores as advantages: the aggregation then picks the LRU candidate alone. */
    private static void lruRows(float[] out, int k) {
        for (int i = 0; i < k; i++) {
            out[2 * i] = 0f;
            out[2 * i + 1] = i == 0 ? 1f : -1f;
        }
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
        private final boolean rows = layout == Layout.CANDIDATE_ROWS;
        private final float[] features = new float[k * (rows ? EvictionFeatures.ROW_WIDTH : EvictionFeatures.PER_CANDIDATE)];
        private final float[] outputs = new float[rows ? 2 * k : k];
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
            candidates.requireComplete();
            int n = candidates.count();
            if (n == 0) {
                throw new IllegalStateException("an eviction decision needs at least one candidate");
            }
            if (!rows) {
                encoder.encode(candidates, features, 0);
                lastCause = session.decide(features, scores);
                return VictimMask.decode(scores, 0, n);
            }
            encoder.encodeRows(candidates, features, 0);
            lastCause = session.decide(features, outputs);
            duelingScores(outputs, 0, n, scores, 0);
            return VictimMask.decode(scores, 0, n);
        }

        /** The scores behind the last decision (the policy's Q-values, or the LRU fallback's). */
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

    /**
     * The dueling aggregation of a candidate-rows model's outputs ({@code (v_i, a_i)} pairs from
     * {@code outputs[from]}) over the first {@code n} candidates, into {@code q[qFrom..]}: {@code Q_i = mean(v) + a_i − mean(a)}, the state's value plus the
     * candidate's advantage over the average candidate. The offline trainer computes its Q-values
     * with this same method.
     */
    public static void duelingScores(float[] outputs, int from, int n, float[] q, int qFrom) {
        float value = 0f;
        float advantage = 0f;
        for (int i = 0; i < n; i++) {
            value += outputs[from + 2 * i];
            advantage += outputs[from + 2 * i + 1];
        }
        float offset = (value - advantage) / n;
        for (int i = 0; i < n; i++) {
            q[qFrom + i] = outputs[from + 2 * i + 1] + offset;
        }
    }

    /** Validated settings. Required: the store. K defaults to {@value EvictionModel#DEFAULT_K}. */
    public static final class Builder extends LoopBuilder<Builder> {
        private DecisionRuntime.Mode mode = DecisionRuntime.Mode.INLINE;
        private Layout layout;

        private Builder() {
            super(EvictionModel.DEFAULT_K);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder mode(DecisionRuntime.Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The model layout (default: the serving model's at build time, else {@link Layout#JOINT}). */
        public Builder layout(Layout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        public EvictionLoop build() {
            requireStore("an eviction loop");
            Layout chosen = layout;
            if (chosen == null) {
                chosen = store.servingInput().flatMap(in -> store.servingOutput().flatMap(out -> Layout.of(in, out, k)))
                        .orElse(Layout.JOINT);
            }
            return new EvictionLoop(this, chosen);
        }
    }
}
