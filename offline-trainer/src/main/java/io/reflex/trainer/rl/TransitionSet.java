package io.reflex.trainer.rl;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionModel;

import java.util.Arrays;
import java.util.List;

/**
 * Eviction decisions replayed under a behaviour policy, as (state, action, reward, next state)
 * transitions in flat arrays. Transition {@code t}'s next state is transition {@code t + 1}'s state
 * unless {@link #done(int)} (the last decision of its replay); in a set a {@link TransitionReservoir}
 * sampled, whose transitions are no longer consecutive, each one carries its next state in arrays of
 * its own ({@link #copyNextState}, {@link #nextCandidateCount}).
 *
 * <ul>
 *   <li><b>state</b>: {@code K × 6} floats, the K least recently used candidates (oldest first)
 *       encoded by the engine's {@link io.reflex.engine.eviction.EvictionFeatures}; rows past
 *       {@link #candidateCount(int)} are zero.</li>
 *   <li><b>action</b>: the position of the victim among the candidates; its victim mask is
 *       {@code 1L << action} (what {@link io.reflex.engine.eviction.VictimMask#decode} returns for
 *       the behaviour's one-hot scores). {@link #propensity(int)} is the behaviour policy's probability
 *       of that action.</li>
 *   <li><b>reward</b>: the training reward, {@code −γ_c^k / span^β} when the victim is requested
 *       again before its expiry, {@code k} decisions later, else 0 (see {@link TransitionRecorder});
 *       recorded for every candidate ({@link #candidateReward}), not only the logged victim.</li>
 *   <li><b>span</b>: the victim's size over the mean resident size ({@link #span(int)}).</li>
 *   <li><b>Cold-RL reward</b>: the retained candidates that earned 1 (their next request came while
 *       they were still resident and before they expired).</li>
 * </ul>
 *
 * <p>Immutable once built; safe to share between threads.
 */
public final class TransitionSet {

    private final int k;
    private final float[] states;
    private final int[] actions;
    private final float[] propensities;
    private final float[] rewards;
    private final float[] coldRlRewards;
    private final int[] counts;
    private final boolean[] done;
    private final float[] spans;
    private final float[] candidateSpans;
    /** Each transition's next state, {@code [n][6K]}, or null when it is the following transition's. */
    private final float[] nextStates;
    private final int[] nextCounts;

    /**
     * @param rewards        the training reward of evicting each candidate, {@code [n][K]} (0 past the count)
     * @param candidateSpans each candidate's span, {@code [n][K]}
     */
    TransitionSet(int k, float[] states, int[] actions, float[] propensities, float[] rewards, float[] coldRlRewards,
                  int[] counts, boolean[] done, float[] spans, float[] candidateSpans) {
        this(k, states, actions, propensities, rewards, coldRlRewards, counts, done, spans, candidateSpans, null, null);
    }

    /**
     * As the constructor above, with each transition's next state and its candidate count given
     * ({@code nextStates} {@code [n][6K]}, undefined where done) instead of taken from the following
     * transition; both null for the consecutive layout.
     */
    TransitionSet(int k, float[] states, int[] actions, float[] propensities, float[] rewards, float[] coldRlRewards,
                  int[] counts, boolean[] done, float[] spans, float[] candidateSpans, float[] nextStates,
                  int[] nextCounts) {
        this.nextStates = nextStates;
        this.nextCounts = nextCounts;
        this.spans = spans;
        this.candidateSpans = candidateSpans;
        this.k = k;
        this.states = states;
        this.actions = actions;
        this.propensities = propensities;
        this.rewards = rewards;
        this.coldRlRewards = coldRlRewards;
        this.counts = counts;
        this.done = done;
    }

    /** The transitions of several replays, one after the other. */
    public static TransitionSet concat(List<TransitionSet> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        int k = parts.getFirst().k;
        int n = 0;
        for (TransitionSet p : parts) {
            if (p.k != k) {
                throw new IllegalArgumentException("transition sets differ in K: " + k + " and " + p.k);
            }
            if (p.nextStates != null) {
                throw new IllegalArgumentException("a reservoir's sample has no order to concatenate in");
            }
            n += p.size();
        }
        int width = k * EvictionFeatures.PER_CANDIDATE;
        float[] states = new float[n * width];
        int[] actions = new int[n];
        float[] propensities = new float[n];
        float[] rewards = new float[n * k];
        float[] candidateSpans = new float[n * k];
        float[] cold = new float[n];
        int[] counts = new int[n];
        boolean[] done = new boolean[n];
        float[] spans = new float[n];
        int at = 0;
        for (TransitionSet p : parts) {
            int m = p.size();
            System.arraycopy(p.states, 0, states, at * width, m * width);
            System.arraycopy(p.actions, 0, actions, at, m);
            System.arraycopy(p.propensities, 0, propensities, at, m);
            System.arraycopy(p.rewards, 0, rewards, at * k, m * k);
            System.arraycopy(p.candidateSpans, 0, candidateSpans, at * k, m * k);
            System.arraycopy(p.coldRlRewards, 0, cold, at, m);
            System.arraycopy(p.counts, 0, counts, at, m);
            System.arraycopy(p.done, 0, done, at, m);
            System.arraycopy(p.spans, 0, spans, at, m);
            at += m;
        }
        return new TransitionSet(k, states, actions, propensities, rewards, cold, counts, done, spans, candidateSpans);
    }

    /**
     * Appends transitions one at a time: how a reader of transitions stored outside the trainer
     * (a {@link TransitionSource}) rebuilds a set without an intermediate copy per row. Grows its
     * arrays by doubling (amortised allocation) without bound: {@link TransitionReservoir} is the
     * bounded sink. Not thread-safe, one builder per reader.
     */
    public static final class Builder implements TransitionSink {

        private final int k;
        private final int width;
        private TransitionSet grown;
        private int size;

        /** A builder for transitions of K candidates each. */
        public Builder(int k) {
            EvictionModel.requireK(k);
            this.k = k;
            this.width = k * EvictionFeatures.PER_CANDIDATE;
            this.grown = empty(k, 1024);
        }

        @Override
        public void add(float[] state, int count, int action, float propensity, float[] candidateRewards,
                        float[] candidateSpans, float coldRlReward, float span, boolean done) {
            requireRow(k, state, count, action, candidateRewards, candidateSpans);
            if (size == grown.actions.length) {
                grown = grow(grown, size * 2);
            }
            grown.put(size, state, count, action, propensity, candidateRewards, candidateSpans, coldRlReward, span, done);
            size++;
        }

        /** Transitions appended so far. */
        public int size() {
            return size;
        }

        /** The transitions appended, trimmed to size; the builder may go on appending. */
        public TransitionSet build() {
            return grow(grown, size);
        }

        static TransitionSet empty(int k, int capacity) {
            int width = k * EvictionFeatures.PER_CANDIDATE;
            return new TransitionSet(k, new float[capacity * width], new int[capacity], new float[capacity],
                    new float[capacity * k], new float[capacity], new int[capacity], new boolean[capacity],
                    new float[capacity], new float[capacity * k]);
        }

        static TransitionSet grow(TransitionSet s, int capacity) {
            int k = s.k;
            int width = s.stateWidth();
            return new TransitionSet(k, Arrays.copyOf(s.states, capacity * width), Arrays.copyOf(s.actions, capacity),
                    Arrays.copyOf(s.propensities, capacity), Arrays.copyOf(s.rewards, capacity * k),
                    Arrays.copyOf(s.coldRlRewards, capacity), Arrays.copyOf(s.counts, capacity),
                    Arrays.copyOf(s.done, capacity), Arrays.copyOf(s.spans, capacity),
                    Arrays.copyOf(s.candidateSpans, capacity * k));
        }
    }

    /**
     * Checks one transition's lengths and action before a sink keeps it.
     *
     * @throws IllegalArgumentException naming the field when a length or the action is out of range
     */
    static void requireRow(int k, float[] state, int count, int action, float[] candidateRewards,
                           float[] candidateSpans) {
        int width = k * EvictionFeatures.PER_CANDIDATE;
        if (state.length != width || candidateRewards.length != k || candidateSpans.length != k) {
            throw new IllegalArgumentException("a transition of K = " + k + " needs " + width + " state floats and "
                    + k + " rewards and spans, got " + state.length + ", " + candidateRewards.length + ", "
                    + candidateSpans.length);
        }
        if (count < 1 || count > k || action < 0 || action >= count) {
            throw new IllegalArgumentException("candidate count must be in [1, " + k + "] and action in [0, count), got "
                    + count + " and " + action);
        }
    }

    /** Writes one transition into slot {@code t} of this set's arrays (only while a sink owns them). */
    void put(int t, float[] state, int count, int action, float propensity, float[] candidateRewards,
             float[] candidateSpans, float coldRlReward, float span, boolean done) {
        int width = stateWidth();
        System.arraycopy(state, 0, states, t * width, width);
        System.arraycopy(candidateRewards, 0, rewards, t * k, k);
        System.arraycopy(candidateSpans, 0, this.candidateSpans, t * k, k);
        counts[t] = count;
        actions[t] = action;
        propensities[t] = propensity;
        coldRlRewards[t] = coldRlReward;
        spans[t] = span;
        this.done[t] = done;
    }

    /** This set's arrays (shared, not copied) with each transition's next state given explicitly. */
    TransitionSet withNextStates(float[] nextStates, int[] nextCounts) {
        return new TransitionSet(k, states, actions, propensities, rewards, coldRlRewards, counts, done, spans,
                candidateSpans, nextStates, nextCounts);
    }

    /** Candidates per decision (K). */
    public int k() {
        return k;
    }

    /** Floats per state ({@code 6K}). */
    public int stateWidth() {
        return k * EvictionFeatures.PER_CANDIDATE;
    }

    public int size() {
        return actions.length;
    }

    /** Copies transition {@code t}'s state into {@code out} at {@code offset}. */
    public void copyState(int t, float[] out, int offset) {
        int w = stateWidth();
        System.arraycopy(states, t * w, out, offset, w);
    }

    /** Transition {@code t}'s state, copied. */
    public float[] state(int t) {
        int w = stateWidth();
        return Arrays.copyOfRange(states, t * w, (t + 1) * w);
    }

    public int action(int t) {
        return actions[t];
    }

    /** The victim mask of transition {@code t} ({@code 1L << action}). */
    public long victimMask(int t) {
        return 1L << actions[t];
    }

    public float propensity(int t) {
        return propensities[t];
    }

    /** The training reward of transition {@code t}'s logged action. */
    public float reward(int t) {
        return rewards[t * k + actions[t]];
    }

    /**
     * The training reward evicting candidate {@code j} would have earned at transition {@code t}
     * (hindsight: the simulator knows every candidate's next request); 0 for {@code j} past the count.
     */
    public float candidateReward(int t, int j) {
        return rewards[t * k + j];
    }

    /** Candidate {@code j}'s charge over the mean resident charge at transition {@code t}. */
    public float candidateSpan(int t, int j) {
        return candidateSpans[t * k + j];
    }

    public float coldRlReward(int t) {
        return coldRlRewards[t];
    }

    /** Valid candidates in transition {@code t}'s state (1..K). */
    public int candidateCount(int t) {
        return counts[t];
    }

    /**
     * How far, in units of the mean resident object, the decision moved the cache on: the victim's
     * charge divided by the mean charge of the resident objects at the decision. Evicting an object
     * twice the mean size defers the next eviction about twice as long; the trainer discounts the
     * next state's value by {@code γ^span} (a semi-Markov step).
     */
    public float span(int t) {
        return spans[t];
    }

    /** Whether transition {@code t} ends its replay (no next state). */
    public boolean done(int t) {
        return done[t];
    }

    /** Copies transition {@code t}'s next state into {@code out} at {@code offset}; {@code t} must not be done. */
    public void copyNextState(int t, float[] out, int offset) {
        if (nextStates == null) {
            copyState(t + 1, out, offset);
        } else {
            int w = stateWidth();
            System.arraycopy(nextStates, t * w, out, offset, w);
        }
    }

    /** Valid candidates in transition {@code t}'s next state (1..K); {@code t} must not be done. */
    public int nextCandidateCount(int t) {
        return nextCounts == null ? counts[t + 1] : nextCounts[t];
    }
}
