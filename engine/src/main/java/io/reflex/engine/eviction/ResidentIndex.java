package io.reflex.engine.eviction;

import java.util.SplittableRandom;

/**
 * A host's resident set as a dense array of ids with swap-remove, from which a decision draws K
 * distinct residents uniformly at random ({@code reflex.candidates=sampled}): in the order drawn for
 * {@code history-1} rows, which carry their own recency, or least recently accessed first for
 * Cold-RL's positional rows. The simulator ({@code SampledCandidates}) and the Caffeine adapter both sample
 * through this class, so a model is served the candidates it was trained on, draw for draw.
 *
 * <p>The layout and the algorithm, for a host in another language to match bit for bit:
 * <ul>
 *   <li>{@code residents[0, count)} holds the resident ids in no meaningful order, and
 *       {@code position[id]} an id's index in it ({@code -1} when not resident). {@link #add}
 *       appends at {@code count}; {@link #remove} moves the last resident into the removed one's
 *       position (swap-remove).</li>
 *   <li>{@link #sample(int, int[])} with {@code n = min(k, count)}: for {@code d = 0 .. n−1}, when
 *       {@code count > k}, {@code j = d + nextInt(count − d)} and {@code residents[d]} and
 *       {@code residents[j]} swap (a partial Fisher–Yates shuffle, which permutes the dense array
 *       for good: later samples start from the permuted order); {@code out[d] = residents[d]}. When
 *       {@code count <= k} no number is drawn and the sample is every resident in dense order.</li>
 *   <li>{@link #sample(int, int[], LastAccess)} draws the same, then orders {@code out[0, n)} least
 *       recently accessed first by a stable insertion sort (each element, in drawn order, goes after
 *       every earlier one whose last access is not later than its own).</li>
 *   <li>{@code nextInt(bound)} is {@link SplittableRandom#nextInt(int)} of a generator built with
 *       {@code new SplittableRandom(seed)}: SplitMix64 whose state starts at the seed and adds
 *       {@code 0x9e3779b97f4a7c15} before each output; an output {@code int} is, from the state
 *       {@code s}, {@code z = (s ^ s>>>33) * 0x62a9d9ed799705f5}, then the high 32 bits of
 *       {@code (z ^ z>>>28) * 0xcb24d0a5c88c35b3} (64-bit wrapping arithmetic). With
 *       {@code m = bound − 1} and {@code r} the next output: a power-of-two bound gives
 *       {@code r & m}; any other gives {@code u % bound} for {@code u = r>>>1}, drawing
 *       {@code u = next>>>1} again while {@code u + m − u % bound} overflows a signed 32-bit
 *       int. The first samples for seed 42 are pinned in this class's test.</li>
 * </ul>
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction;
 * 8 bytes per id.
 */
public final class ResidentIndex {

    /** The order of a sample: the tick of an id's last access (an {@link AccessHistory} is one). */
    @FunctionalInterface
    public interface LastAccess {
        /** The tick of the last access of {@code id}. */
        long lastAccess(int id);
    }

    /**
     * The seed every Reflex host and the simulator sample with, so that a replay of a trace draws
     * the samples the model was trained with.
     */
    public static final long SAMPLING_SEED = 42;

    private final SplittableRandom random;
    private final int[] residents;
    private final int[] position;
    private int count;

    /**
     * An empty index of ids {@code [0, ids)}, sampling with {@code new SplittableRandom(seed)}.
     *
     * @throws IllegalArgumentException if {@code ids < 1}
     */
    public ResidentIndex(int ids, long seed) {
        if (ids < 1) {
            throw new IllegalArgumentException("ids must be >= 1, got " + ids);
        }
        random = new SplittableRandom(seed);
        residents = new int[ids];
        position = new int[ids];
        java.util.Arrays.fill(position, -1);
    }

    /** The ids this index can hold: {@code [0, capacity)}. */
    public int capacity() {
        return residents.length;
    }

    /** Residents now. */
    public int size() {
        return count;
    }

    /** Whether {@code id} is resident. */
    public boolean contains(int id) {
        return position[id] >= 0;
    }

    /** The resident at dense position {@code p} in {@code [0, size())} (for invariant checks). */
    public int at(int p) {
        if (p < 0 || p >= count) {
            throw new IndexOutOfBoundsException("position " + p + " of " + count);
        }
        return residents[p];
    }

    /**
     * {@code id} became resident.
     *
     * @throws IllegalArgumentException if it already is
     */
    public void add(int id) {
        if (position[id] >= 0) {
            throw new IllegalArgumentException("id " + id + " is already resident");
        }
        position[id] = count;
        residents[count++] = id;
    }

    /**
     * {@code id} left: the last resident takes its position.
     *
     * @throws IllegalArgumentException if it is not resident
     */
    public void remove(int id) {
        int p = position[id];
        if (p < 0) {
            throw new IllegalArgumentException("id " + id + " is not resident");
        }
        int last = residents[--count];
        residents[p] = last;
        position[last] = p;
        position[id] = -1;
    }

    /**
     * Draws {@code min(k, size())} distinct residents uniformly into {@code out} in the order drawn,
     * as the class comment specifies.
     *
     * @return how many were drawn
     */
    public int sample(int k, int[] out) {
        int n = Math.min(k, count);
        for (int d = 0; d < n; d++) {
            if (count > k) {
                int j = d + random.nextInt(count - d);
                int a = residents[d];
                int b = residents[j];
                residents[d] = b;
                position[b] = d;
                residents[j] = a;
                position[a] = j;
            }
            out[d] = residents[d];
        }
        return n;
    }

    /**
     * Draws as {@link #sample(int, int[])}, then orders the sample least recently accessed first
     * (by {@code order}), as the class comment specifies.
     *
     * @return how many were drawn
     */
    public int sample(int k, int[] out, LastAccess order) {
        int n = sample(k, out);
        for (int d = 1; d < n; d++) {
            int id = out[d];
            long last = order.lastAccess(id);
            int i = d;
            while (i > 0 && order.lastAccess(out[i - 1]) > last) {
                out[i] = out[i - 1];
                i--;
            }
            out[i] = id;
        }
        return n;
    }
}
