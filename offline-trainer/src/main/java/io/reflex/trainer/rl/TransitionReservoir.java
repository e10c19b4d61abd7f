package io.reflex.trainer.rl;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The DQN's bounded replay buffer: a uniform sample of at most {@link #capacity()} transitions of a
 * stream too large to hold (Vitter's algorithm R over the transitions in the order they are added,
 * seeded). Every transition kept is complete: it carries its own next state, copied when the
 * transition after it arrives, since the sample no longer keeps a transition beside its successor.
 *
 * <p>While the stream still fits, nothing is dropped and nothing is copied twice: the transitions sit
 * in the consecutive layout of a {@link TransitionSet.Builder} (next state = the following one), and
 * {@link #build()} returns exactly the set the builder would, so training on it gives the bytes the
 * unbounded path gives. On the first transition past the capacity the buffer adds the next-state
 * arrays and from then on replaces a uniformly drawn slot with probability {@code capacity / seen}.
 *
 * <p>Memory: arrays of at most {@code capacity} slots, grown by doubling while filling;
 * {@link #bytesPerTransition} each once sampling (about 0.9 KB at K = 16). Deterministic: the same
 * transitions in the same order and the same seed keep the same sample. Not thread-safe: one writer.
 */
public final class TransitionReservoir implements TransitionSink {

    /**
     * The default capacity: a fixed number, not one derived from the heap, so that a dataset and a seed
     * give the same model on every machine. 1,000,000 transitions take about 0.9 GB at K = 16 once
     * sampling, and exceed the default training's draws (3,000 steps × 128 = 384,000), so a larger
     * buffer would barely change which transitions a default training sees.
     */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    private final int k;
    private final int width;
    private final int capacity;
    private final SplittableRandom random;
    private TransitionSet slots;
    private float[] nextStates;
    private int[] nextCounts;
    private int size;
    private long seen;
    /** The slot of the last transition added when it awaits its next state (sampling only), else -1. */
    private int pending = -1;
    private boolean lastDone = true;
    private boolean built;

    /**
     * A buffer of at most {@code capacity} transitions of K candidates, sampling with {@code seed}.
     *
     * @throws IllegalArgumentException naming the capacity when it is below 2 or above {@link #maxCapacity}
     */
    public TransitionReservoir(int k, int capacity, long seed) {
        EvictionModel.requireK(k);
        if (capacity < 2 || capacity > maxCapacity(k)) {
            throw new IllegalArgumentException("a replay buffer of K = " + k + " holds 2 to " + maxCapacity(k)
                    + " transitions, got " + capacity);
        }
        this.k = k;
        this.width = k * EvictionFeatures.PER_CANDIDATE;
        this.capacity = capacity;
        this.random = new SplittableRandom(seed ^ 0x5851F42D4C957F2DL);
        this.slots = TransitionSet.Builder.empty(k, Math.min(1024, capacity));
    }

    /** The largest capacity for K candidates: its states must fit one Java array. */
    public static int maxCapacity(int k) {
        return (Integer.MAX_VALUE - 8) / (k * EvictionFeatures.PER_CANDIDATE);
    }

    /**
     * Bytes a slot takes once the buffer samples: the state and the next state ({@code 12K} floats),
     * the candidates' rewards and spans ({@code 2K}), six 4-byte scalars and the done flag. Until then,
     * {@code 4 × (8K + 5) + 1}.
     */
    public static long bytesPerTransition(int k) {
        return 4L * (14L * k + 6) + 1;
    }

    @Override
    public void add(float[] state, int count, int action, float propensity, float[] candidateRewards,
                    float[] candidateSpans, float coldRlReward, float span, boolean done) {
        if (built) {
            throw new IllegalStateException("the reservoir was built: it takes no more transitions");
        }
        TransitionSet.requireRow(k, state, count, action, candidateRewards, candidateSpans);
        if (seen == capacity) {
            startSampling();
        }
        // The previous transition's next state is this one's, whether or not this one is kept.
        if (pending >= 0) {
            System.arraycopy(state, 0, nextStates, pending * width, width);
            nextCounts[pending] = count;
            pending = -1;
        }
        int slot;
        if (seen < capacity) {
            if (size == slots.size()) {
                slots = TransitionSet.Builder.grow(slots, (int) Math.min((long) size * 2, capacity));
            }
            slot = size++;
        } else {
            long j = random.nextLong(seen + 1);
            slot = j < capacity ? (int) j : -1;
        }
        seen++;
        lastDone = done;
        if (slot >= 0) {
            slots.put(slot, state, count, action, propensity, candidateRewards, candidateSpans, coldRlReward, span, done);
            if (nextStates != null && !done) {
                pending = slot;
            }
        }
    }

    /**
     * The buffer is full and one more transition arrives: give every slot its next state from the
     * consecutive layout (the last slot's is the arriving one's, unless it is done).
     */
    private void startSampling() {
        nextStates = new float[capacity * width];
        nextCounts = new int[capacity];
        for (int t = 0; t + 1 < capacity; t++) {
            if (!slots.done(t)) {
                slots.copyState(t + 1, nextStates, t * width);
                nextCounts[t] = slots.candidateCount(t + 1);
            }
        }
        if (!slots.done(capacity - 1)) {
            pending = capacity - 1;
        }
    }

    /** Transitions held: {@code min(seen, capacity)}. */
    public int size() {
        return size;
    }

    /** Transitions added so far, kept or not. */
    public long seen() {
        return seen;
    }

    public int capacity() {
        return capacity;
    }

    /** Whether transitions were dropped (more were added than the capacity). */
    public boolean sampling() {
        return nextStates != null;
    }

    /** Slots the buffer's arrays have room for (never above the capacity). */
    public int allocated() {
        return slots.size();
    }

    /**
     * The transitions held, for the trainer to sample from: the consecutive set of everything added
     * while it fitted, else the sample with its next states. Hands the arrays over (copies only to trim
     * a partly filled one): the reservoir takes no transition after this.
     *
     * @throws IllegalStateException when the last transition added is not done (its next state never came)
     */
    public TransitionSet build() {
        if (!lastDone) {
            throw new IllegalStateException("the last of " + seen + " transitions is not done: its next state never came");
        }
        built = true;
        if (nextStates == null) {
            return size == slots.size() ? slots : TransitionSet.Builder.grow(slots, size);
        }
        return slots.withNextStates(nextStates, nextCounts);
    }
}
