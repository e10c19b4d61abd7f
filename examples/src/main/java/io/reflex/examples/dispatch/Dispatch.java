package io.reflex.examples.dispatch;

import io.reflex.engine.matching.Branch;

/**
 * The outcome of one request, with the running guarantee. Immutable.
 *
 * @param request         the request
 * @param driver          the driver sent, or {@code null} when the request was declined
 * @param value           what the match earns (fare minus pickup cost), 0 when declined
 * @param branch          who decided: the learned scorer ({@link Branch#RL}) or the greedy expert
 * @param reward          the shift's earnings so far
 * @param greedyReward    what greedy dispatch alone would have earned on the same requests so far
 * @param floor           {@code ρ · greedyReward − B}: the guaranteed minimum
 * @param guaranteeMargin LOMAR's invariant slack (never negative): the guarantee holds whatever comes next
 */
public record Dispatch(RideRequest request, Driver driver, double value, Branch branch, double reward,
                       double greedyReward, double floor, double guaranteeMargin) {
}
