package io.reflex.engine.eviction;

import java.util.Arrays;

/**
 * Per-object access history for the {@link HistoryFeatures} schema, kept in flat arrays indexed by a
 * dense slot the host assigns (the simulator's object id; a host's resident or ghost index): the
 * tick of the last access, the {@value #DELTAS} most recent gaps between accesses, and
 * {@value #EDCS} exponentially decayed counters (EDCs, as LRB keeps them).
 *
 * <p>The clock is the host's request counter ("ticks": one per request to the cache, hit or miss),
 * not wall time, so a model trained on one trace's request stream reads the same units on another.
 * On each access at tick {@code t} to a slot last accessed at {@code l}, with {@code Δ = t − l}:
 * the gaps shift ({@code gap[2] ← gap[1] ← gap[0] ← Δ}) and each counter decays and counts the
 * access, {@code edc[i] ← (float) ((double) edc[i] · decay(Δ, i) + 1.0)}, the product rounded to
 * double before the add (no fused multiply-add). A first access sets every counter to 1 and leaves
 * the gaps unknown ({@link #UNKNOWN}).
 *
 * <h2>The decay, exactly</h2>
 * {@link #decay(long, int) decay(Δ, i)} is {@code 2^(−Δ / W)} for the window {@code W = 2^w}
 * ({@link #edcWindow(int)}: {@code w} = 8, 11, 14, 17), computed from tables so that any IEEE-754
 * host reproduces it bit for bit without a {@code pow} of its own (a libm's {@code pow} may differ
 * from {@link StrictMath#pow} in the last bit, and costs far more):
 * <ol>
 *   <li>{@code q = Δ >> w} (whole windows) and {@code f = (Δ & (W − 1)) << (17 − w)}, the rest of
 *       the window as a 17-bit fraction: {@code Δ / W = q + f / 2^17}.</li>
 *   <li>If {@code q > }{@value #MAX_HALVINGS}, the decay is 0: the exact value is at most
 *       {@code 2^−1022}, where {@code 2^−q} would leave the normal doubles, and far below anything a
 *       float counter plus 1 can register.</li>
 *   <li>Otherwise {@code decay = ((C[f >> 11] · M[(f >> 5) & 63]) · F[f & 31]) · 2^−q}, each product
 *       a double rounded to nearest, in that order, with the tables {@code C[a] = 2^(−a/64)}
 *       ({@code a < 64}), {@code M[b] = 2^(−b/4096)} ({@code b < 64}) and
 *       {@code F[c] = 2^(−c/131072)} ({@code c < 32}) each entry {@link StrictMath#pow}'s double.
 *       The scaling by {@code 2^−q} (a double built from its exponent bits) is exact: the product
 *       before it lies in {@code (0.5, 1]}.</li>
 * </ol>
 * Hence {@code decay(0, i) = 1} and {@code decay(k·W, i) = 2^−k} exactly; elsewhere it is within a
 * few ulps of {@code StrictMath.pow(2, −Δ / W)} (three table entries and two roundings). The NGINX
 * patch's {@code ngx_http_file_cache_reflex.h} carries the same three tables as hexadecimal
 * literals.
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction;
 * {@value #BYTES_PER_SLOT} bytes per slot.
 */
public final class AccessHistory implements ResidentIndex.LastAccess {

    /** Past gaps kept per slot. */
    public static final int DELTAS = 3;
    /** Decayed counters kept per slot. */
    public static final int EDCS = 4;
    /** A gap or tick not (yet) known. */
    public static final long UNKNOWN = -1;
    /** Memory per slot: the last tick, the gaps and the counters. */
    public static final int BYTES_PER_SLOT = 8 + 8 * DELTAS + 4 * EDCS;

    /** log2 of the counters' windows in ticks: 2^8 … 2^17 requests. */
    private static final int[] EDC_WINDOW_LOG2 = {8, 11, 14, 17};
    /** Bits of the decay's fraction of a window: the largest window's log2. */
    private static final int FRACTION_BITS = 17;
    /** The most whole windows (halvings) a nonzero decay spans; beyond, the decay is 0. */
    public static final int MAX_HALVINGS = 1021;
    /** {@code 2^(−a/64)}: the fraction's top 6 bits. */
    private static final double[] COARSE = powersOfHalf(64, 64);
    /** {@code 2^(−b/4096)}: its middle 6 bits. */
    private static final double[] MIDDLE = powersOfHalf(64, 4096);
    /** {@code 2^(−c/131072)}: its low 5 bits. */
    private static final double[] FINE = powersOfHalf(32, 1 << FRACTION_BITS);

    private static final int LAST = 0;
    private static final int GAP = 1;
    private static final int EDC = GAP + DELTAS;
    private static final int STRIDE = EDC + EDCS / 2;
    /** The counter pairs after a first access: two counters of 1, packed as {@link #counterPair} holds them. */
    public static final long FIRST_COUNTERS = pack(1f, 1f);

    /**
     * Every slot's state in one array, six longs per slot: the last tick, the gaps, and
     * the counters as float bit patterns two to a long (counter {@code 2p} in the low half). One
     * array rather than one per field, so that an access touches one or two adjacent cache lines,
     * not three scattered ones: a host replaying hits over a large resident set spends most of a
     * replay waiting for memory.
     */
    private final long[] state;

    /** A history of {@code slots} slots, all empty. */
    public AccessHistory(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        state = new long[Math.multiplyExact(slots, STRIDE)];
        for (int s = 0; s < slots; s++) {
            clear(s);
        }
    }

    /** The window of counter {@code i} in ticks. */
    public static long edcWindow(int i) {
        return 1L << EDC_WINDOW_LOG2[i];
    }

    /**
     * Counter {@code i}'s decay over a gap of {@code delta} ticks, {@code 2^(−delta / W_i)} as the
     * class comment defines it, bit for bit. Allocation-free.
     *
     * @param delta a gap in ticks, {@code >= 0}
     */
    public static double decay(long delta, int i) {
        int w = EDC_WINDOW_LOG2[i];
        long q = delta >>> w;
        if (q > MAX_HALVINGS) {
            return 0;
        }
        int f = (int) (delta & ((1L << w) - 1)) << (FRACTION_BITS - w);
        double fraction = COARSE[f >>> 11] * MIDDLE[(f >>> 5) & 63] * FINE[f & 31];
        return fraction * Double.longBitsToDouble((1023 - q) << 52);
    }

    /** {@code 2^(−j/d)} for {@code j < n} by {@link StrictMath#pow} ({@code d} a power of two: exact division). */
    private static double[] powersOfHalf(int n, int d) {
        double[] t = new double[n];
        for (int j = 0; j < n; j++) {
            t[j] = StrictMath.pow(2.0, -(double) j / d);
        }
        return t;
    }

    public int slots() {
        return state.length / STRIDE;
    }

    /**
     * Records an access to {@code slot} at {@code tick}.
     *
     * @throws IllegalArgumentException if {@code tick} is before the slot's last access
     */
    public void record(int slot, long tick) {
        int b = slot * STRIDE;
        long l = state[b + LAST];
        if (l == UNKNOWN) {
            for (int p = 0; p < EDCS / 2; p++) {
                state[b + EDC + p] = FIRST_COUNTERS;
            }
        } else {
            long delta = tick - l;
            if (delta < 0) {
                throw new IllegalArgumentException("slot " + slot + " accessed at tick " + tick
                        + ", before its last access at " + l);
            }
            for (int i = DELTAS - 1; i > 0; i--) {
                state[b + GAP + i] = state[b + GAP + i - 1];
            }
            state[b + GAP] = delta;
            for (int p = 0; p < EDCS / 2; p++) {
                state[b + EDC + p] = recordedPair(state[b + EDC + p], delta, p);
            }
        }
        state[b + LAST] = tick;
    }

    /**
     * Counters {@code 2p} and {@code 2p + 1}, packed as {@link #counterPair} holds them, each decayed
     * over {@code delta} ticks and counting one access: the step {@link #record} takes, for a host
     * that keeps a resident's history beside its entry rather than in a slot (and moves it in and
     * out with {@link #counterPair} and {@link #set}), so that both reach the same bits.
     * Allocation-free.
     *
     * @param delta ticks since the previous access, {@code >= 0}
     */
    public static long recordedPair(long pair, long delta, int p) {
        return pack(decayed(low(pair), delta, 2 * p), decayed(high(pair), delta, 2 * p + 1));
    }

    /** Counter {@code i} at {@code edc} decayed over {@code delta} ticks, plus this access. */
    private static float decayed(float edc, long delta, int i) {
        return (float) (edc * decay(delta, i) + 1.0);
    }

    private static long pack(float low, float high) {
        return (Float.floatToRawIntBits(low) & 0xFFFF_FFFFL) | (long) Float.floatToRawIntBits(high) << 32;
    }

    private static float low(long two) {
        return Float.intBitsToFloat((int) two);
    }

    private static float high(long two) {
        return Float.intBitsToFloat((int) (two >>> 32));
    }

    /** Forgets everything about {@code slot} (a host reusing the slot for another object). */
    public void clear(int slot) {
        int b = slot * STRIDE;
        Arrays.fill(state, b, b + EDC, UNKNOWN);     // the last tick and the gaps
        Arrays.fill(state, b + EDC, b + STRIDE, 0);  // counters of 0f
    }

    /** The tick of the slot's last access, or {@link #UNKNOWN}. */
    @Override
    public long lastAccess(int slot) {
        return state[slot * STRIDE + LAST];
    }

    /** The slot's {@code i}-th most recent gap between accesses (0 = the latest), or {@link #UNKNOWN}. */
    public long gap(int slot, int i) {
        return state[slot * STRIDE + GAP + i];
    }

    /** The slot's counter {@code i} as of its last access (0 before any). */
    public float edc(int slot, int i) {
        long two = state[slot * STRIDE + EDC + (i >> 1)];
        return (i & 1) == 0 ? low(two) : high(two);
    }

    /**
     * The slot's counters {@code 2p} (low 32 bits) and {@code 2p + 1} (high 32 bits) as float bit
     * patterns, {@code p < }{@value #EDCS}{@code  / 2}.
     */
    public long counterPair(int slot, int p) {
        return state[slot * STRIDE + EDC + p];
    }

    /**
     * Sets the slot's whole history: its last access, its gaps (latest first) and its counter pairs
     * as {@link #counterPair} returns them. For a host that kept the history elsewhere while the
     * object was resident and hands it back here (or to a scratch history a decision reads).
     */
    public void set(int slot, long lastAccess, long gap0, long gap1, long gap2, long counters01, long counters23) {
        int b = slot * STRIDE;
        state[b + LAST] = lastAccess;
        state[b + GAP] = gap0;
        state[b + GAP + 1] = gap1;
        state[b + GAP + 2] = gap2;
        state[b + EDC] = counters01;
        state[b + EDC + 1] = counters23;
    }
}
