package io.reflex.engine.eviction;

/**
 * The {@value #SCHEMA} feature schema: what a next-access model reads of one object, and how the
 * host's numbers become its input. One row of {@value #WIDTH} floats per object (a resident
 * candidate, or the incoming object of an admission question):
 *
 * <table>
 *   <caption>history-1 columns (ticks: the host's request counter, one per request)</caption>
 *   <tr><th>#</th><th>feature</th><th>raw unit</th><th>encoding</th></tr>
 *   <tr><td>{@link #RECENCY}</td><td>ticks since the object's last access (0 for the incoming object)</td><td>ticks</td><td>L(x)</td></tr>
 *   <tr><td>{@link #GAP} + 0..2</td><td>the three most recent gaps between its accesses, latest first ({@link AccessHistory})</td><td>ticks</td><td>L(x); unknown: −1</td></tr>
 *   <tr><td>{@link #EDC} + 0..3</td><td>decayed counters as of its last access, windows 2^8 … 2^17 ticks</td><td>count</td><td>L(x)</td></tr>
 *   <tr><td>{@link #SIZE}</td><td>object size (1 for caches counted in entries)</td><td>bytes</td><td>ln(1 + x) / (30 ln 2)</td></tr>
 *   <tr><td>{@link #RESIDENCE}</td><td>ticks since it was admitted (0 for the incoming object)</td><td>ticks</td><td>L(x)</td></tr>
 *   <tr><td>{@link #HITS}</td><td>hits since it was admitted</td><td>count</td><td>L(x)</td></tr>
 * </table>
 *
 * where {@code L(x) = ln(1 + x) / 16}. The model's output for a row is the predicted
 * {@link #label(long) label} of the object's time to its next access; a host evicts the candidate
 * predicted farthest and, where the model answers admission, declines an incoming object predicted
 * farther than that victim ({@link NextAccessLoop}).
 *
 * <p>The logarithms run in vector lanes over the rows as laid out ({@link EvictionFeatures#log1pScaled}, exact
 * lane-wise arithmetic, the same bits in every JIT tier), so the trainer, the simulator and the
 * hosts, which all encode through this class, feed a model identical inputs.
 *
 * <p>Not thread-safe (it holds the raw columns): one per deciding thread. Allocation-free after
 * construction.
 */
public final class HistoryFeatures {

    /** The schema's name, stored in a model's {@link EvictionModel#SCHEMA_METADATA}. */
    public static final String SCHEMA = "history-1";
    /** Floats per row. */
    public static final int WIDTH = 11;
    public static final int RECENCY = 0;
    public static final int GAP = 1;
    public static final int EDC = GAP + AccessHistory.DELTAS;
    public static final int SIZE = EDC + AccessHistory.EDCS;
    public static final int RESIDENCE = SIZE + 1;
    public static final int HITS = RESIDENCE + 1;
    /** Times to a next access at or beyond this many ticks (and "never") share one label. */
    public static final long HORIZON = 1L << 24;

    private static final float TICKS = 1f / 16f;
    private static final float BYTES = (float) (1 / (30 * Math.log(2)));
    /**
     * Turns a value encoded in the tick unit into the byte unit: {@code L(x) · BYTES_PER_TICK_UNIT}
     * is exactly {@code ln(1 + x) · BYTES} (the tick unit divides by 16, exactly, and this
     * multiplies by 16 · BYTES, exactly a float), so the size column needs no pass of its own.
     */
    private static final float BYTES_PER_TICK_UNIT = 16f * BYTES;

    private final int capacity;
    /** Raw values, row-major as the model reads them: {@code raw[row * WIDTH + c]}. */
    private final float[] raw;

    /** Room for {@code rows} objects per decision (K candidates, plus one for an incoming object). */
    public HistoryFeatures(int rows) {
        if (rows < 1 || rows > 65) {
            throw new IllegalArgumentException("rows must be in [1, 65], got " + rows);
        }
        capacity = rows;
        raw = new float[WIDTH * rows];
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Sets row {@code row} to a resident object: its history at {@code slot}, its size, when it was
     * admitted and its hits since.
     *
     * @throws IllegalArgumentException if the slot has no access recorded, a tick is after {@code now},
     *                                  or the size or hits are negative
     */
    public void resident(int row, AccessHistory history, int slot, long now, long sizeBytes, long admittedTick, int hits) {
        long last = history.lastAccess(slot);
        if (last == AccessHistory.UNKNOWN || last > now || admittedTick > now || admittedTick > last || sizeBytes < 0
                || hits < 0) {
            throw new IllegalArgumentException("row " + row + " (slot " + slot + "): last access " + last
                    + ", admitted " + admittedTick + ", now " + now + ", size " + sizeBytes + ", hits " + hits);
        }
        common(row, history, slot, sizeBytes);
        put(RECENCY, row, now - last);
        put(RESIDENCE, row, now - admittedTick);
        put(HITS, row, hits);
    }

    /**
     * Sets row {@code row} to the incoming object: its history at {@code slot}, which must already
     * hold the current access (at {@code now}), and its size.
     */
    public void incoming(int row, AccessHistory history, int slot, long now, long sizeBytes) {
        if (history.lastAccess(slot) != now || sizeBytes < 0) {
            throw new IllegalArgumentException("incoming row " + row + " (slot " + slot + "): last access "
                    + history.lastAccess(slot) + " is not now (" + now + "), or size " + sizeBytes + " < 0");
        }
        common(row, history, slot, sizeBytes);
        put(RECENCY, row, 0);
        put(RESIDENCE, row, 0);
        put(HITS, row, 0);
    }

    /**
     * Sets row {@code row} from its {@value #WIDTH} raw values in natural units, column {@code c} at
     * {@code values[from + c]}: for a host that keeps the history itself and hands over the columns
     * (the NGINX sidecar receives them over its socket). Each value must be finite and at least 0,
     * except a gap, which may also be {@link AccessHistory#UNKNOWN}; a row set this way encodes
     * exactly as one set by {@link #resident} or {@link #incoming} with the same values (those store
     * their ticks and counts as {@code float} too). Allocation-free.
     *
     * @throws IllegalArgumentException naming the row, the column and the value at fault
     */
    public void row(int row, float[] values, int from) {
        if (row < 0 || row >= capacity) {
            throw new IndexOutOfBoundsException("row " + row + " of " + capacity);
        }
        for (int c = 0; c < WIDTH; c++) {
            float v = values[from + c];
            boolean gap = c >= GAP && c < GAP + AccessHistory.DELTAS;
            if (!(v >= 0f && v < Float.POSITIVE_INFINITY) && !(gap && v == AccessHistory.UNKNOWN)) {
                throw new IllegalArgumentException("row " + row + " column " + c + " = " + v
                        + " (must be finite and >= 0" + (gap ? ", or -1 for an unknown gap)" : ")"));
            }
        }
        System.arraycopy(values, from, raw, row * WIDTH, WIDTH);
    }

    private void common(int row, AccessHistory history, int slot, long sizeBytes) {
        if (row < 0 || row >= capacity) {
            throw new IndexOutOfBoundsException("row " + row + " of " + capacity);
        }
        for (int i = 0; i < AccessHistory.DELTAS; i++) {
            put(GAP + i, row, history.gap(slot, i));
        }
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            raw[row * WIDTH + EDC + i] = history.edc(slot, i);
        }
        put(SIZE, row, sizeBytes);
    }

    private void put(int column, int row, long value) {
        raw[row * WIDTH + column] = value;
    }

    /** The raw value of a column for a row set since the last encoding (for tests and parity checks). */
    public float raw(int row, int column) {
        return raw[row * WIDTH + column];
    }

    /**
     * Writes rows {@code [0, n)} encoded, {@value #WIDTH} floats each, into {@code out} from
     * {@code offset}; rows {@code [n, rows)} up to {@code rows} are written as zeros.
     */
    public void encode(int n, int rows, float[] out, int offset) {
        if (n < 0 || n > rows || rows > capacity) {
            throw new IllegalArgumentException("n " + n + ", rows " + rows + ", capacity " + capacity);
        }
        // One vector pass over the rows in the model's own layout (no transposition), every column in
        // the tick unit; then, per row, the size column into its unit and the unknown gaps to -1.
        EvictionFeatures.log1pScaled(raw, 0, n * WIDTH, TICKS, out, offset);
        for (int r = 0; r < n; r++) {
            int p = offset + r * WIDTH;
            out[p + SIZE] *= BYTES_PER_TICK_UNIT;
            for (int i = 0; i < AccessHistory.DELTAS; i++) {
                if (raw[r * WIDTH + GAP + i] < 0) {
                    out[p + GAP + i] = -1f;
                }
            }
        }
        java.util.Arrays.fill(out, offset + n * WIDTH, offset + rows * WIDTH, 0f);
    }

    /**
     * The training label and the model's output unit for an object next accessed {@code ticks}
     * ticks from now: {@code ln(1 + min(ticks, HORIZON)) / 16}; {@link Long#MAX_VALUE} means never.
     */
    public static float label(long ticks) {
        if (ticks < 0) {
            throw new IllegalArgumentException("ticks to the next access must be >= 0, got " + ticks);
        }
        return (float) (StrictMath.log1p(Math.min(ticks, HORIZON)) * TICKS);
    }
}
