package io.reflex.engine.adapt;

/**
 * Which keys a shadow simulation sees: SHARDS's spatial sampling (Waldspurger et al., "Efficient
 * MRC Construction with SHARDS", FAST '15). A key is sampled when a hash of its 64-bit fingerprint
 * falls under a threshold, so a sampled key has every one of its requests seen and the others none:
 * a cache of capacity {@code C · R} ({@link #scale}) over the sampled keys then has about the hit
 * ratio a cache of capacity {@code C} has over all of them, at a fraction {@code R} of the work and
 * memory. What the shadow estimates is the full cache's behaviour on the sampled requests; those
 * requests can over- or under-represent the hottest keys (a 10% sample of a Zipf stream held 14% of
 * its requests in {@code MiniatureLruTest}), so an absolute estimate over all requests carries that
 * skew, and two arms are best compared on the same sampled requests ({@link ChallengerSwitch}).
 *
 * <p>The hash is SplitMix64's finaliser of the fingerprint (a bijection, unrelated to the
 * multiplicative hash {@link io.reflex.engine.eviction.FingerprintTable} places keys with), and the
 * threshold is on its top {@value #BITS} bits, so the effective rate is a multiple of
 * 2^−{@value #BITS} ({@link #rate()}).
 *
 * <p>Immutable and thread-safe; allocation-free.
 */
public final class SpatialSampler {

    /** Bits of the hash the threshold is taken on. */
    static final int BITS = 24;

    /**
     * A fingerprint no sampler samples below an effective rate of 1 (its hash is all ones): what a
     * host keeps in place of a key's fingerprint for a key that is not sampled ({@link #kept}), so
     * that one field says both whether the key is sampled and, when it is, its fingerprint.
     */
    public static final long NEVER_SAMPLED = 0xcf9a04affa6badc0L;

    private final int threshold;

    /**
     * Samples about a fraction {@code rate} of the keys.
     *
     * @throws IllegalArgumentException if {@code rate} is not in (0, 1]
     */
    public SpatialSampler(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("sampling rate must be in (0, 1], got " + rate);
        }
        this.threshold = (int) Math.ceil(rate * (1 << BITS));
    }

    /** Whether the key with this fingerprint is sampled. */
    public boolean sampled(long fingerprint) {
        return (int) (mix(fingerprint) >>> (64 - BITS)) < threshold;
    }

    /**
     * What a host may keep for a key instead of its fingerprint and a flag: the fingerprint when
     * the key is sampled, else {@link #NEVER_SAMPLED}; {@link #keptSampled} reads it back.
     */
    public long kept(long fingerprint) {
        return sampled(fingerprint) ? fingerprint : NEVER_SAMPLED;
    }

    /**
     * Whether a value {@link #kept} returned names a sampled key (it is then the key's
     * fingerprint). Exact: below a rate of 1 a key whose fingerprint is {@link #NEVER_SAMPLED} is
     * not sampled anyway, and at 1 every key is.
     */
    public boolean keptSampled(long kept) {
        return kept != NEVER_SAMPLED || samplesAll();
    }

    /** Whether every key is sampled (an effective rate of 1). */
    public boolean samplesAll() {
        return threshold == 1 << BITS;
    }

    /** The effective sampling rate: the threshold over 2^{@value #BITS}. */
    public double rate() {
        return threshold / (double) (1 << BITS);
    }

    /** A capacity scaled to the sampled keys: {@code max(1, round(capacity · rate))}. */
    public long scale(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        return Math.max(1, Math.round(capacity * rate()));
    }

    /** SplitMix64's finaliser. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
