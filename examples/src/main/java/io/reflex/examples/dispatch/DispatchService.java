package io.reflex.examples.dispatch;

import io.reflex.engine.matching.CandidateScorer;
import io.reflex.engine.matching.ExpertRule;
import io.reflex.engine.matching.LomarMatcher;
import io.reflex.engine.matching.MatchingState;
import io.reflex.engine.matching.OfflineNodes;

import java.util.List;
import java.util.Objects;

/**
 * A ride dispatcher that embeds Reflex's LOMAR matcher: drivers are the offline nodes (capacity =
 * rides per shift), each ride request is an online item whose edge to a driver is worth
 * {@code fare − pickupCost · distance} when the driver is within reach. A learned scorer picks the
 * driver (or declines, keeping drivers for better rides later); the switch overrides it with greedy
 * dispatch whenever following it could leave the shift below {@code ρ ×} what greedy would earn,
 * less {@code B}.
 *
 * <p><b>Weight bound.</b> A match is worth at most its fare, and fares are capped, so the fare cap is
 * a supplied bound {@code w_max} for every driver: the guarantee holds on every shift.
 *
 * <p>Not thread-safe: one dispatcher per dispatching thread (it owns its matcher and weight buffer).
 * The matcher allocates nothing per decision; this class allocates the returned {@link Dispatch}.
 */
public final class DispatchService {

    private final List<Driver> drivers;
    private final double pickupCostPerKm;
    private final double reachKm;
    private final double rho;
    private final double slack;
    private final LomarMatcher matcher;
    private final double[] weights;

    /**
     * @param drivers         the shift's drivers
     * @param scorer          the learned scorer (an {@code OnnxCandidateScorer} in production)
     * @param fareCap         the largest fare a ride can pay (the weight bound)
     * @param pickupCostPerKm what driving to the pickup costs per km
     * @param reachKm         the farthest a driver is sent for a pickup
     * @param rho             robustness level ρ in [0, 1]
     * @param slack           slack B, in fare units
     * @param expectedRides   requests per shift (the scorer's progress feature)
     */
    public DispatchService(List<Driver> drivers, CandidateScorer scorer, double fareCap, double pickupCostPerKm,
                           double reachKm, double rho, double slack, int expectedRides) {
        this.drivers = List.copyOf(drivers);
        if (this.drivers.isEmpty()) {
            throw new IllegalArgumentException("a dispatcher needs at least one driver");
        }
        if (!(pickupCostPerKm >= 0) || !(reachKm > 0)) {
            throw new IllegalArgumentException("pickup cost must be >= 0 and reach > 0, got " + pickupCostPerKm + ", " + reachKm);
        }
        this.pickupCostPerKm = pickupCostPerKm;
        this.reachKm = reachKm;
        this.rho = rho;
        this.slack = slack;
        OfflineNodes nodes = OfflineNodes.builder(this.drivers.size())
                .capacities(this.drivers.stream().mapToInt(Driver::rides).toArray())
                .uniformWeightBound(fareCap)
                .build();
        this.matcher = LomarMatcher.builder(nodes)
                .expert(ExpertRule.greedy())
                .scorer(Objects.requireNonNull(scorer, "scorer"))
                .rho(rho)
                .slack(slack)
                .horizon(expectedRides)
                .build();
        this.weights = new double[this.drivers.size()];
    }

    /** Starts a new shift: every driver free again, earnings back to zero. */
    public void startShift() {
        matcher.reset();
    }

    /** Decides one request, irrevocably. */
    public Dispatch dispatch(RideRequest request) {
        for (int u = 0; u < weights.length; u++) {
            Driver d = drivers.get(u);
            double km = Math.hypot(d.x() - request.x(), d.y() - request.y());
            double value = request.fare() - pickupCostPerKm * km;
            weights[u] = km <= reachKm && value > 0 ? value : 0;
        }
        int choice = matcher.decide(weights);
        Driver driver = choice == MatchingState.SKIP ? null : drivers.get(choice);
        double greedy = matcher.expertReward();
        return new Dispatch(request, driver, driver == null ? 0 : weights[choice], matcher.lastBranch(),
                matcher.reward(), greedy, rho * greedy - slack, matcher.guaranteeMargin());
    }

    /** Decisions the learned scorer made since the service started. */
    public long learnedDecisions() {
        return matcher.rlDecisions();
    }

    /** Decisions the greedy expert made since the service started. */
    public long expertDecisions() {
        return matcher.expertDecisions();
    }
}
