package io.reflex.trainer.rl;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.learned.NextAccessPolicy;

import java.util.SplittableRandom;

/**
 * The training rows of a next-access model, taken from the decisions of a replay
 * ({@link NextAccessPolicy.Observer}): every row a decision encodes (each candidate, and the
 * incoming object where there is one), labelled from the trace's future with
 * {@link HistoryFeatures#label} of the ticks until that object's next request (relaxed Belady).
 * The simulator knows every candidate's future, so every row is labelled, not only the victim's.
 *
 * <p>A replay makes far more decisions than a model needs, so a uniform reservoir of
 * {@code capacity} decisions is kept (Vitter's algorithm R, seeded: the same replay keeps the same
 * decisions). Decisions in the trace's last {@value #TAIL_PERCENT}% are skipped: an object not
 * requested again before the end would be labelled "never" although the trace merely stops.
 *
 * <p>One replay, one thread. Allocates its reservoir at construction.
 */
public final class NextAccessSamples implements NextAccessPolicy.Observer {

    /** The trace's final stretch, in percent, whose decisions are not recorded. */
    public static final int TAIL_PERCENT = 5;

    private final Trace trace;
    private final int rowsPerDecision;
    private final int capacity;
    private final int lastTick;
    private final SplittableRandom random;
    private final float[] rows;
    private final float[] labels;
    private final int[] counts;
    private final float[] scratch;
    private long offered;

    /**
     * @param trace    the trace replayed (its future labels the rows)
     * @param k        candidates per decision
     * @param capacity decisions kept
     * @param seed     seed of the reservoir
     */
    public NextAccessSamples(Trace trace, int k, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.trace = trace;
        this.rowsPerDecision = k + 1;
        this.capacity = capacity;
        this.lastTick = (int) ((long) trace.length() * (100 - TAIL_PERCENT) / 100);
        this.random = new SplittableRandom(seed);
        this.rows = new float[capacity * rowsPerDecision * HistoryFeatures.WIDTH];
        this.labels = new float[capacity * rowsPerDecision];
        this.counts = new int[capacity];
        this.scratch = new float[rowsPerDecision * HistoryFeatures.WIDTH];
    }

    @Override
    public void decided(int tick, int[] objects, int n, boolean incoming, int incomingObject, HistoryFeatures features,
                        AccessHistory history) {
        if (tick >= lastTick) {
            return;
        }
        long d = offered++;
        int slot;
        if (d < capacity) {
            slot = (int) d;
        } else {
            long j = random.nextLong(d + 1);
            if (j >= capacity) {
                return;
            }
            slot = (int) j;
        }
        int total = incoming ? n + 1 : n;
        features.encode(total, rowsPerDecision, scratch, 0);
        System.arraycopy(scratch, 0, rows, slot * rowsPerDecision * HistoryFeatures.WIDTH, total * HistoryFeatures.WIDTH);
        int at = slot * rowsPerDecision;
        for (int j = 0; j < n; j++) {
            // ticks are request positions in the replayed trace, so the last access indexes its future
            labels[at + j] = labelAfter((int) history.lastAccess(objects[j]), tick);
        }
        if (incoming) {
            labels[at + n] = labelAfter(tick, tick);
        }
        counts[slot] = total;
    }

    private float labelAfter(int request, int now) {
        int next = trace.nextAccess(request);
        return HistoryFeatures.label(next == Trace.NEVER ? Long.MAX_VALUE : next - now);
    }

    /** Decisions kept. */
    public int decisions() {
        return (int) Math.min(offered, capacity);
    }

    /** Rows kept (every row of every decision kept). */
    public int rowCount() {
        int total = 0;
        for (int d = 0; d < decisions(); d++) {
            total += counts[d];
        }
        return total;
    }

    /**
     * Appends every kept row ({@value HistoryFeatures#WIDTH} floats) and its label to the given
     * arrays from row {@code from}; returns the row after the last written.
     */
    public int copyTo(float[] allRows, float[] allLabels, int from) {
        int r = from;
        for (int d = 0; d < decisions(); d++) {
            int w = HistoryFeatures.WIDTH;
            System.arraycopy(rows, d * rowsPerDecision * w, allRows, r * w, counts[d] * w);
            System.arraycopy(labels, d * rowsPerDecision, allLabels, r, counts[d]);
            r += counts[d];
        }
        return r;
    }

    @Override
    public String toString() {
        return "NextAccessSamples[" + decisions() + " decisions of " + offered + ", " + rowCount() + " rows]";
    }
}
