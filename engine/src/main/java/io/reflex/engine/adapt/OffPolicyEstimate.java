package io.reflex.engine.adapt;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A target policy's expected reward per decision, estimated online from decisions another policy
 * made and logged with their propensities (the contextual-bandit setting), one decision at a time,
 * with its confidence interval. For decision {@code i} with importance weight
 * {@code w = π(a|x) / μ(a|x)} (target over logged probability of the logged action), reward
 * {@code r}, and, where a reward model is at hand, its prediction {@code q̂ = q̂(x, a)} and the
 * target's direct value {@code d = Σ_b π(b|x) q̂(x, b)}:
 * <ul>
 *   <li>IPS: {@code mean(w·r)}, unbiased, high variance;</li>
 *   <li>SNIPS: {@code Σ w·r / Σ w}, self-normalised, slightly biased, steadier;</li>
 *   <li>DR: {@code mean(d + w·(r − q̂))}, unbiased when the propensities are right, low variance when
 *       the model is good (without a model, {@code q̂ = d = 0} and DR is IPS).</li>
 * </ul>
 * The intervals are normal approximations from running (Welford) variances: IPS's and DR's from
 * their terms, SNIPS's by the delta method ({@code Var(w·(r − ŝ)) / mean(w)²}). The offline
 * trainer's estimators compute the same point estimates from a whole log and resample for their
 * intervals.
 *
 * <p>Deterministic; not thread-safe (one recorder, off the decision's critical path: where the
 * outcome arrives); allocation-free.
 */
public final class OffPolicyEstimate {

    private long n;
    private double sumW;
    private double sumWr;
    private double sumWw;
    private double sumWwr;
    private double sumWwrr;
    private final Welford ips = new Welford();
    private final Welford dr = new Welford();

    /** Forgets every decision recorded, as if new; allocation-free. */
    public void reset() {
        n = 0;
        sumW = 0;
        sumWr = 0;
        sumWw = 0;
        sumWwr = 0;
        sumWwrr = 0;
        ips.reset();
        dr.reset();
    }

    /** One logged decision, without a reward model. */
    public void record(double weight, double reward) {
        record(weight, reward, 0, 0);
    }

    /**
     * One logged decision.
     *
     * @param weight    the target's probability of the logged action over the logged propensity, {@code >= 0}
     * @param reward    the logged reward
     * @param predicted the reward model's prediction for the logged action
     * @param direct    the reward model's value of the target's action distribution
     * @throws IllegalArgumentException on a negative or non-finite weight, or a non-finite value
     */
    public void record(double weight, double reward, double predicted, double direct) {
        if (!(weight >= 0) || !Double.isFinite(weight) || !Double.isFinite(reward) || !Double.isFinite(predicted)
                || !Double.isFinite(direct)) {
            throw new IllegalArgumentException("weight must be finite and >= 0, values finite: w=" + weight + " r=" + reward
                    + " q=" + predicted + " d=" + direct);
        }
        n++;
        sumW += weight;
        sumWr += weight * reward;
        sumWw += weight * weight;
        sumWwr += weight * weight * reward;
        sumWwrr += weight * weight * reward * reward;
        ips.add(weight * reward);
        dr.add(direct + weight * (reward - predicted));
    }

    /** Decisions recorded. */
    public long count() {
        return n;
    }

    /** The IPS estimate (NaN before any decision). */
    public double ips() {
        return ips.mean();
    }

    /** The SNIPS estimate (NaN before any decision with a positive weight). */
    public double snips() {
        return sumW > 0 ? sumWr / sumW : Double.NaN;
    }

    /** The DR estimate (NaN before any decision). */
    public double dr() {
        return dr.mean();
    }

    /** Half the width of IPS's interval at {@code z} standard errors (NaN below two decisions). */
    public double ipsHalfWidth(double z) {
        return ips.halfWidth(z);
    }

    /** Half the width of DR's interval at {@code z} standard errors (NaN below two decisions). */
    public double drHalfWidth(double z) {
        return dr.halfWidth(z);
    }

    /** Half the width of SNIPS's interval at {@code z} standard errors, by the delta method (NaN below two decisions). */
    public double snipsHalfWidth(double z) {
        if (n < 2 || sumW <= 0) {
            return Double.NaN;
        }
        double s = snips();
        // Σ (w (r − s))² = Σ w²r² − 2 s Σ w²r + s² Σ w², its mean over n, over mean(w)²
        double meanSquare = (sumWwrr - 2 * s * sumWwr + s * s * sumWw) / n;
        double meanW = sumW / n;
        return z * Math.sqrt(Math.max(0, meanSquare) / (n - 1)) / meanW;
    }

    /** Writes the running sums, for a host that resumes an estimate across restarts ({@link #readFrom}). */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(n);
        out.writeDouble(sumW);
        out.writeDouble(sumWr);
        out.writeDouble(sumWw);
        out.writeDouble(sumWwr);
        out.writeDouble(sumWwrr);
        ips.writeTo(out);
        dr.writeTo(out);
    }

    /** Replaces the running sums with those {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException {
        n = in.readLong();
        sumW = in.readDouble();
        sumWr = in.readDouble();
        sumWw = in.readDouble();
        sumWwr = in.readDouble();
        sumWwrr = in.readDouble();
        ips.readFrom(in);
        dr.readFrom(in);
        if (n < 0 || ips.count() != n || dr.count() != n) {
            throw new IOException("inconsistent off-policy estimate: " + n + " decisions, " + ips.count() + " and "
                    + dr.count() + " terms");
        }
    }

    /** A running mean and variance (Welford's), allocation-free. */
    static final class Welford {
        private long count;
        private double mean;
        private double m2;

        void reset() {
            count = 0;
            mean = 0;
            m2 = 0;
        }

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
        }

        long count() {
            return count;
        }

        double mean() {
            return count == 0 ? Double.NaN : mean;
        }

        double variance() {
            return count < 2 ? Double.NaN : m2 / (count - 1);
        }

        double halfWidth(double z) {
            return count < 2 ? Double.NaN : z * Math.sqrt(variance() / count);
        }

        void writeTo(DataOutput out) throws IOException {
            out.writeLong(count);
            out.writeDouble(mean);
            out.writeDouble(m2);
        }

        void readFrom(DataInput in) throws IOException {
            count = in.readLong();
            mean = in.readDouble();
            m2 = in.readDouble();
            if (count < 0 || !Double.isFinite(mean) || !(m2 >= 0) || !Double.isFinite(m2)) {
                throw new IOException("inconsistent running variance: count " + count + ", mean " + mean + ", m2 " + m2);
            }
        }
    }
}
