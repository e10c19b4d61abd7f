package io.reflex.engine.adapt;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The reward model behind a shadow challenger's doubly robust estimate: the mean logged reward of
 * each action so far (an action not yet seen predicts the mean over all actions, and 0 before any
 * reward). A decision is predicted from the rewards before it only, and its own reward is added
 * after it was scored, so each DR term's correction has mean zero given the past: the estimate
 * stays unbiased however poor the model, which only sets how much it narrows the interval.
 *
 * <p>Deterministic; not thread-safe (one recorder); allocation-free after construction.
 */
public final class ActionRewardMeans {

    private final long[] counts;
    private final double[] sums;
    private long total;
    private double totalSum;

    /** @param actions the loop's actions, at least 1 */
    public ActionRewardMeans(int actions) {
        if (actions < 1) {
            throw new IllegalArgumentException("need at least one action, got " + actions);
        }
        this.counts = new long[actions];
        this.sums = new double[actions];
    }

    /** The predicted reward of {@code action}. */
    public double predict(int action) {
        long n = counts[action];
        if (n > 0) {
            return sums[action] / n;
        }
        return total > 0 ? totalSum / total : 0;
    }

    /** Adds a logged reward of {@code action}. */
    public void add(int action, double reward) {
        counts[action]++;
        sums[action] += reward;
        total++;
        totalSum += reward;
    }

    /** Forgets every reward, as if new; allocation-free. */
    public void reset() {
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(sums, 0);
        total = 0;
        totalSum = 0;
    }

    /** Actions modelled. */
    public int actions() {
        return counts.length;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(counts.length);
        for (int a = 0; a < counts.length; a++) {
            out.writeLong(counts[a]);
            out.writeDouble(sums[a]);
        }
    }

    void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n != counts.length) {
            throw new IOException("reward means of " + n + " actions, the challenger scores " + counts.length);
        }
        long t = 0;
        double s = 0;
        for (int a = 0; a < n; a++) {
            counts[a] = in.readLong();
            sums[a] = in.readDouble();
            if (counts[a] < 0 || !Double.isFinite(sums[a])) {
                throw new IOException("inconsistent reward mean of action " + a + ": " + counts[a] + " rewards, sum " + sums[a]);
            }
            t += counts[a];
            s += sums[a];
        }
        total = t;
        totalSum = s;
    }
}
