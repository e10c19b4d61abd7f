package io.reflex.engine.eviction;

/**
 * How per-candidate scores become a victim bitmask (bit i = evict candidate i, 0 = least recently
 * used): every valid candidate whose score is positive is a victim, and when none is, the
 * best-scoring one is, so the mask is never empty when space is needed. This mirrors Cold-RL's
 * "evict where Q(evict) > 0"; the offline trainer decodes its actions with the same rule.
 *
 * <p>Stateless; allocation-free.
 */
public final class VictimMask {

    private VictimMask() {
    }

    /** The mask for the first {@code count} of {@code scores[offset..]} (count in [1, 64]). */
    public static long decode(float[] scores, int offset, int count) {
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("candidate count must be in [1, 64], got " + count);
        }
        long mask = 0;
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float s = scores[offset + i];
            if (s > 0f) {
                mask |= 1L << i;
            }
            if (s > bestScore) {
                bestScore = s;
                best = i;
            }
        }
        return mask != 0 ? mask : 1L << best;
    }

    /** Scores that decode to the least recently used candidate alone: the LRU rule. */
    public static void lruScores(float[] scores, int offset, int count) {
        scores[offset] = 1f;
        for (int i = 1; i < count; i++) {
            scores[offset + i] = -1f;
        }
    }
}
