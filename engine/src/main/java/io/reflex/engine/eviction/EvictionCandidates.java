package io.reflex.engine.eviction;

/**
 * The K least-recently-used objects a cache offers for one eviction decision, as plain numbers in
 * natural units, least recently used first. A cache fills one instance per deciding thread and
 * reuses it: {@link #clear()}, then {@link #add} up to {@link #capacity()} candidates.
 *
 * <p>Units: ages, inter-arrival times and remaining TTLs in seconds, sizes in bytes, the origin
 * round-trip time in milliseconds. An object without a TTL has a remaining TTL of
 * {@link Double#POSITIVE_INFINITY}; an object seen once has an inter-arrival time equal to its age.
 *
 * <p>Values are kept as floats (ample for features). Not thread-safe; allocates nothing after
 * construction.
 */
public final class EvictionCandidates {

    // Columns (one array per feature) so that the encoder can process all candidates in vector lanes.
    final float[] ageSeconds;
    final float[] sizeBytes;
    final float[] hits;
    final float[] interArrivalSeconds;
    final float[] ttlSeconds;
    final float[] rttMillis;
    final long[] keys;
    private int count;

    /** Room for {@code capacity} candidates (the loop's K). */
    public EvictionCandidates(int capacity) {
        if (capacity < 1 || capacity > 64) {
            throw new IllegalArgumentException("K must be in [1, 64], got " + capacity);
        }
        ageSeconds = new float[capacity];
        sizeBytes = new float[capacity];
        hits = new float[capacity];
        interArrivalSeconds = new float[capacity];
        ttlSeconds = new float[capacity];
        rttMillis = new float[capacity];
        keys = new long[capacity];
    }

    public int capacity() {
        return keys.length;
    }

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    /**
     * Adds the next candidate (the next least recently used).
     *
     * @param key an identifier the cache maps back to its object; the victim mask refers to positions
     * @throws IllegalStateException if K candidates are already present
     * @throws IllegalArgumentException if a value is NaN or negative where it cannot be
     */
    public EvictionCandidates add(long key, double ageSeconds, double sizeBytes, double hits,
                                  double interArrivalSeconds, double ttlSeconds, double rttMillis) {
        if (count == keys.length) {
            throw new IllegalStateException("already holding K = " + keys.length + " candidates");
        }
        if (!(ageSeconds >= 0) || !(sizeBytes >= 0) || !(hits >= 0) || !(interArrivalSeconds >= 0)
                || Double.isNaN(ttlSeconds) || !(rttMillis >= 0)) {
            throw new IllegalArgumentException("candidate " + count + " (key " + key + ") has an invalid value: age "
                    + ageSeconds + ", size " + sizeBytes + ", hits " + hits + ", inter-arrival " + interArrivalSeconds
                    + ", ttl " + ttlSeconds + ", rtt " + rttMillis);
        }
        int i = count++;
        keys[i] = key;
        this.ageSeconds[i] = (float) ageSeconds;
        this.sizeBytes[i] = (float) sizeBytes;
        this.hits[i] = (float) hits;
        this.interArrivalSeconds[i] = (float) interArrivalSeconds;
        this.ttlSeconds[i] = (float) ttlSeconds;
        this.rttMillis[i] = (float) rttMillis;
        return this;
    }

    /** The key of the candidate at {@code position} (0 = least recently used). */
    public long key(int position) {
        if (position < 0 || position >= count) {
            throw new IndexOutOfBoundsException("position " + position + " of " + count + " candidates");
        }
        return keys[position];
    }

    /** The size in bytes of the candidate at {@code position}. */
    public double size(int position) {
        if (position < 0 || position >= count) {
            throw new IndexOutOfBoundsException("position " + position + " of " + count + " candidates");
        }
        return sizeBytes[position];
    }
}
