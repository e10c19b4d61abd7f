package io.reflex.trainer.ope;

/**
 * One estimator's estimate of a target policy's value with its bootstrap confidence interval.
 *
 * @param name   the estimator's name ({@code ips}, {@code snips}, {@code dr}, ...)
 * @param value  the point estimate on the full data
 * @param ciLow  the interval's lower bound
 * @param ciHigh the interval's upper bound
 */
public record Estimate(String name, double value, double ciLow, double ciHigh) {

    /** Whether the interval contains {@code truth}. */
    public boolean covers(double truth) {
        return ciLow <= truth && truth <= ciHigh;
    }
}
