package io.reflex.engine.eviction;

/**
 * The K least-recently-used objects a cache offers for one eviction decision, as plain numbers in
 * natural units, least recently used first. A cache fills one instance per deciding thread and
 * reuses it: {@link #clear()}, then, for each candidate up to {@link #capacity()}, {@link #next()}
 * and every feature by name:
 *
 * <pre>{@code
 * c.next().ageSeconds(age).sizeBytes(bytes).hits(hits).interArrivalSeconds(gap).ttlSeconds(ttl).rttMillis(rtt);
 * }</pre>
 *
 * <p>Named setters rather than six positional numbers, so that two features cannot be swapped
 * unseen; a candidate with a feature left unset is refused (naming it) at the next {@link #next()}
 * or at the decision. The victim mask refers to positions, which the cache maps back to its objects.
 *
 * <p>Units: ages, inter-arrival times and remaining TTLs in seconds, sizes in bytes, the origin
 * round-trip time in milliseconds. An object without a TTL has a remaining TTL of
 * {@link Double#POSITIVE_INFINITY}; an object seen once has an inter-arrival time equal to its age.
 *
 * <p>Values are kept as floats (ample for features). Not thread-safe; allocates nothing after
 * construction ({@link #next()} returns this instance's one {@link Row}).
 */
public final class EvictionCandidates {

    // Columns (one array per feature) so that the encoder can process all candidates in vector lanes.
    final float[] ageSeconds;
    final float[] sizeBytes;
    final float[] hits;
    final float[] interArrivalSeconds;
    final float[] ttlSeconds;
    final float[] rttMillis;
    private final Row row = new Row();
    private int count;

    /** Room for {@code capacity} candidates (the loop's K). */
    public EvictionCandidates(int capacity) {
        EvictionModel.requireK(capacity);
        ageSeconds = new float[capacity];
        sizeBytes = new float[capacity];
        hits = new float[capacity];
        interArrivalSeconds = new float[capacity];
        ttlSeconds = new float[capacity];
        rttMillis = new float[capacity];
    }

    public int capacity() {
        return ageSeconds.length;
    }

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    /**
     * Starts the next candidate (the next least recently used) with every feature unset, and returns
     * the row to set them on (this instance's one row, now pointing at the new candidate).
     *
     * @throws IllegalStateException if K candidates are already present, or the previous candidate
     *                               has a feature unset
     */
    public Row next() {
        requireComplete();
        if (count == ageSeconds.length) {
            throw new IllegalStateException("already holding K = " + ageSeconds.length + " candidates");
        }
        int i = count++;
        // NaN marks "unset": no setter accepts it
        ageSeconds[i] = Float.NaN;
        sizeBytes[i] = Float.NaN;
        hits[i] = Float.NaN;
        interArrivalSeconds[i] = Float.NaN;
        ttlSeconds[i] = Float.NaN;
        rttMillis[i] = Float.NaN;
        row.position = i;
        return row;
    }

    /**
     * Checks that the last candidate started has every feature set (the earlier ones were checked
     * when the next was started).
     *
     * @throws IllegalStateException naming the candidate and the first feature left unset
     */
    void requireComplete() {
        if (count == 0) {
            return;
        }
        int i = count - 1;
        String unset = Float.isNaN(ageSeconds[i]) ? "ageSeconds" : Float.isNaN(sizeBytes[i]) ? "sizeBytes"
                : Float.isNaN(hits[i]) ? "hits" : Float.isNaN(interArrivalSeconds[i]) ? "interArrivalSeconds"
                : Float.isNaN(ttlSeconds[i]) ? "ttlSeconds" : Float.isNaN(rttMillis[i]) ? "rttMillis" : null;
        if (unset != null) {
            throw new IllegalStateException("candidate " + i + " has no " + unset
                    + " (set every feature after next())");
        }
    }

    /** The size in bytes of the candidate at {@code position}. */
    public double size(int position) {
        if (position < 0 || position >= count) {
            throw new IndexOutOfBoundsException("position " + position + " of " + count + " candidates");
        }
        return sizeBytes[position];
    }

    /** The features of the candidate {@link #next()} started, set by name. Valid until the next {@code next()}. */
    public final class Row {
        private int position;

        private Row() {
        }

        /** Seconds since the object was stored, at least 0. */
        public Row ageSeconds(double v) {
            ageSeconds[position] = checked(v >= 0, "ageSeconds", v);
            return this;
        }

        /** Its size in bytes, at least 0. */
        public Row sizeBytes(double v) {
            sizeBytes[position] = checked(v >= 0, "sizeBytes", v);
            return this;
        }

        /** Its hits since admission, at least 0. */
        public Row hits(double v) {
            hits[position] = checked(v >= 0, "hits", v);
            return this;
        }

        /** Seconds between its last two requests (its age when seen once), at least 0. */
        public Row interArrivalSeconds(double v) {
            interArrivalSeconds[position] = checked(v >= 0, "interArrivalSeconds", v);
            return this;
        }

        /**
         * Seconds until it expires: negative once expired, {@link Double#POSITIVE_INFINITY} without a
         * TTL; not NaN.
         */
        public Row ttlSeconds(double v) {
            ttlSeconds[position] = checked(!Double.isNaN(v), "ttlSeconds", v);
            return this;
        }

        /** The origin round trip that fetched it, in milliseconds, at least 0. */
        public Row rttMillis(double v) {
            rttMillis[position] = checked(v >= 0, "rttMillis", v);
            return this;
        }

        private float checked(boolean ok, String feature, double v) {
            if (!ok) {
                throw new IllegalArgumentException("candidate " + position + " has an invalid " + feature + ": " + v);
            }
            return (float) v;
        }
    }
}
