package io.reflex.engine.eviction;

import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.FallbackCause;


/**
 * The eviction loop of a {@value HistoryFeatures#SCHEMA} model: one small network shared by every
 * object, {@code [1, 11] → [1, 1]}, predicts each candidate's time to its next access (the
 * {@link HistoryFeatures#label} unit), and the candidate with the largest predicted time to next
 * access times size is the victim (relaxed Belady, as LRB and 3L-Cache, made size-aware for byte
 * capacities; every object has size 1 in a cache counted in entries). Where the model answers admission and the host has an incoming
 * object, the same network scores it in one more row, and the incoming object is declined when it
 * is predicted farther than the victim: it would be the next to go. Equal scores go to the
 * candidate with the larger raw recency (then the lower row), so a decision does not depend on the
 * order in which a host drew its candidates.
 *
 * <p>The model runs in a {@link DecisionRuntime} (loop name {@code eviction}) over {@code K + 1}
 * rows. Its fallback is LRU: the candidate with the largest recency is the victim, and the incoming
 * object (recency 0) is admitted.
 *
 * <p>Thread-safe; each deciding thread takes its own {@link Decider}, which allocates nothing per
 * decision.
 */
public final class NextAccessLoop implements AutoCloseable {

    /**
     * Turns the encoded size column into {@code ln(1 + size) / 16}, the label's unit: the rank of a
     * row is then the log of (time to next access × size), the cost size-aware Belady minimises
     * for the object hit ratio of a byte capacity. Caches counted in entries give every object
     * size 1, a constant that leaves the order unchanged.
     */
    private static final float SIZE_WEIGHT = (float) (30 * Math.log(2) / 16);

    private final int k;
    private final boolean admission;
    private final DecisionRuntime runtime;

    private NextAccessLoop(Builder b) {
        this.k = b.k;
        this.admission = b.admission;
        int rows = b.k + 1;
        this.runtime = b.runtime().shape(rows * HistoryFeatures.WIDTH, rows).rows(rows, 0, 0)
                .fallback(NextAccessLoop::byRecency).build();
    }

    /** LRU in this loop's output space: each row's score is its encoded recency. */
    private static void byRecency(float[] in, float[] out) {
        for (int r = 0; r < out.length; r++) {
            out[r] = in[r * HistoryFeatures.WIDTH + HistoryFeatures.RECENCY];
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loader for this loop's models, the contract of a {@code history-1} network written once
     * for every host: one row of {@link HistoryFeatures#WIDTH} in, one prediction out (a batch
     * dimension of 1 or free).
     */
    public static io.reflex.engine.policy.PolicyLoader policyLoader() {
        return io.reflex.engine.policy.PolicyLoader.builder().input(null, 1, HistoryFeatures.WIDTH).output(null, 1, 1).build();
    }

    public int k() {
        return k;
    }

    /** Whether decisions answer admission. */
    public boolean admission() {
        return admission;
    }

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

    /** One thread's decisions. Not thread-safe; allocation-free per decision. */
    public final class Decider implements AutoCloseable {
        private final DecisionSession session = runtime.newSession();
        private final HistoryFeatures features = new HistoryFeatures(k + 1);
        private final float[] input = new float[(k + 1) * HistoryFeatures.WIDTH];
        private final float[] scores = new float[k + 1];
        private boolean admit;
        private FallbackCause lastCause;
        /** Candidates in the last decision (0 before any). */
        private int decided;
        /** Rows the last decision encoded, the incoming object's included. */
        private int encoded;

        private Decider() {
        }

        /**
         * The rows to fill before {@link #decide}: candidates at rows {@code [0, n)} in any order (each
         * row carries its own recency, which breaks ties in the score), and the incoming
         * object, if any, at row {@code n}.
         */
        public HistoryFeatures features() {
            return features;
        }

        /**
         * Chooses the victim among the {@code n} candidates in {@link #features()}, and, when
         * {@code incoming} (row {@code n} holds it) and the loop answers admission, whether the
         * incoming object should be admitted ({@link #admit()}).
         *
         * @return the victim's position in {@code [0, n)}
         */
        public int decide(int n, boolean incoming) {
            if (n < 1 || n > k) {
                throw new IllegalArgumentException("a decision needs 1 to " + k + " candidates, got " + n);
            }
            int rows = incoming ? n + 1 : n;
            features.encode(rows, k + 1, input, 0);
            encoded = rows;
            lastCause = session.decide(input, scores);
            if (lastCause == null) {
                for (int r = 0; r < rows; r++) {
                    scores[r] += SIZE_WEIGHT * input[r * HistoryFeatures.WIDTH + HistoryFeatures.SIZE];
                }
            }
            decided = n;
            int victim = best(n, 0L);
            admit = !(incoming && admission && scores[n] > scores[victim]);
            return victim;
        }

        /**
         * The candidate to evict first among those not in {@code taken} (bit {@code i} for
         * position {@code i}). Ties (a saturated network scores many rows alike) go to the least
         * recently accessed, so the choice never depends on the order the candidates were drawn in.
         */
        private int best(int n, long taken) {
            int victim = -1;
            for (int i = 0; i < n; i++) {
                if ((taken & (1L << i)) != 0) {
                    continue;
                }
                if (victim < 0 || scores[i] > scores[victim] || scores[i] == scores[victim]
                        && features.raw(i, HistoryFeatures.RECENCY) > features.raw(victim, HistoryFeatures.RECENCY)) {
                    victim = i;
                }
            }
            return victim;
        }

        /** Rows the last decision fed the model (its candidates, and the incoming object if asked); 0 before any. */
        public int lastRows() {
            return encoded;
        }

        /**
         * Copies row {@code row} of the last decision's model input (as the model saw it, encoded:
         * what a {@code FeatureProfile} describes) into {@code out} from {@code offset}. For a host
         * watching its inputs; allocation-free.
         *
         * @throws IndexOutOfBoundsException if {@code row} is not below {@link #lastRows()}
         */
        public void copyLastInput(int row, float[] out, int offset) {
            java.util.Objects.checkIndex(row, encoded);
            System.arraycopy(input, row * HistoryFeatures.WIDTH, out, offset, HistoryFeatures.WIDTH);
        }

        /**
         * The last decision's candidates in eviction order, for a host that frees room for several
         * writes per decision: writes up to {@code max} positions into {@code out}, the
         * {@link #decide} victim first, then the next farthest predicted (the next least recently
         * accessed after a fallback), and returns how many. Allocation-free; O(n · max).
         *
         * @throws IllegalStateException if no decision was made yet
         */
        public int victims(int max, int[] out) {
            if (decided == 0) {
                throw new IllegalStateException("no decision yet");
            }
            if (max < 0 || max > out.length) {
                throw new IllegalArgumentException("max " + max + " for " + out.length + " positions");
            }
            int count = Math.min(max, decided);
            long taken = 0L;
            for (int j = 0; j < count; j++) {
                int v = best(decided, taken);
                out[j] = v;
                taken |= 1L << v;
            }
            return count;
        }

        /** Whether the last decision admits the incoming object (true when it had none). */
        public boolean admit() {
            return admit;
        }

        /** The score behind the last decision at a row (predicted label, or encoded recency after a fallback). */
        public float score(int row) {
            return scores[row];
        }

        /** Why the last decision fell back to LRU, or null when the model decided. */
        public FallbackCause lastCause() {
            return lastCause;
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** Validated settings. Required: the store. K defaults to {@value EvictionModel#MAX_K}. */
    public static final class Builder extends LoopBuilder<Builder> {
        private boolean admission;

        private Builder() {
            super(EvictionModel.MAX_K);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Whether to answer admission (the model's {@link EvictionModel#admission()}; default false). */
        public Builder admission(boolean admission) {
            this.admission = admission;
            return this;
        }

        public NextAccessLoop build() {
            requireStore("a next-access loop");
            return new NextAccessLoop(this);
        }
    }
}
