package io.reflex.engine.matching;

/**
 * LOMAR's switching condition: whether a matcher may follow its learned proposal for the current
 * item and still be sure to end with {@code R ≥ ρ · R^π − B}, whatever the rest of the sequence.
 *
 * <p><b>The rule.</b> Let {@code R_{t−1}} be the matcher's reward before item {@code t}, {@code R^π_t}
 * the expert's shadow reward including its decision on item {@code t}, {@code n_u} and
 * {@code n^π_u} the capacity used at {@code u} by the matcher and by the shadow, and
 * <pre>
 *   reserve(x) = Σ_u w_max(u) · max(0, n_u + [u = x] − n^π_u)
 * </pre>
 * the most the expert could still gain from capacity the matcher has used (or, with the proposal
 * {@code x̃}, would use) ahead of it. The matcher follows {@code x̃} iff
 * <pre>
 *   Δ = R_{t−1} + w(x̃, v_t) − (ρ · (R^π_t + reserve(x̃)) − B) ≥ 0,
 * </pre>
 * and otherwise takes the expert's node if it still has room in its own matching, else skips. With
 * unit capacities and a global bound this is the reference's {@code D_t}-term exactly; per-node
 * bounds and capacities generalise it.
 *
 * <p><b>Why it holds.</b> The invariant {@code I_t: R_t ≥ ρ · (R^π_t + reserve_t) − B} (reserve of
 * the state after item {@code t}) holds at {@code t = 0} (all zero, {@code B ≥ 0}). Following the
 * proposal is allowed only when it establishes {@code I_t}. Following the expert's node {@code u}
 * (weight {@code w}) adds {@code w} to both rewards and one unit to both {@code n_u} and
 * {@code n^π_u}, so the reserve does not grow and {@code I_t} follows from {@code I_{t−1}} as
 * {@code ρ ≤ 1}. Skipping because {@code u} is full in the matcher's own matching means the matcher
 * used {@code u} ahead of the expert, so the expert's new unit cancels one reserved unit: the reserve
 * falls by {@code w_max(u) ≥ w} while {@code R^π} rises by {@code w}, and {@code I_t} follows again
 * — which is where the bound {@code w ≤ w_max(u)} is needed. An expert skip changes nothing. At the
 * end, {@code reserve ≥ 0} gives {@code R ≥ ρ · R^π − B} on every sequence that respects the bounds,
 * for any scorer (in exact arithmetic; in doubles up to rounding of order {@code 1e-12} relative).
 *
 * <p>{@code ρ = 0, B = 0} never blocks a proposal (pure learned policy); {@code ρ = 1, B = 0} keeps
 * the matcher at or above the expert on every instance.
 *
 * <p>Immutable and thread-safe; allocates nothing.
 */
public final class RobustnessSwitch {

    private final double rho;
    private final double slack;

    /**
     * @param rho   the robustness level ρ, in [0, 1]
     * @param slack the slack B, finite and {@code >= 0}, in the weights' unit
     */
    public RobustnessSwitch(double rho, double slack) {
        if (!(rho >= 0 && rho <= 1)) {
            throw new IllegalArgumentException("rho must be in [0, 1], got " + rho);
        }
        if (!(slack >= 0) || Double.isInfinite(slack)) {
            throw new IllegalArgumentException("slack B must be finite and >= 0, got " + slack);
        }
        this.rho = rho;
        this.slack = slack;
    }

    /** ρ. */
    public double rho() {
        return rho;
    }

    /** B. */
    public double slack() {
        return slack;
    }

    /**
     * {@code Δ} for a proposal: the matcher may follow it iff the result is {@code >= 0}.
     *
     * @param own            the matcher's state before the item
     * @param shadow         the expert's shadow state after its decision on the item
     * @param proposal       the proposed node or {@link MatchingState#SKIP}
     * @param proposalWeight {@code w(proposal, v_t)}, 0 for a skip
     */
    public double margin(MatchingState own, MatchingState shadow, int proposal, double proposalWeight) {
        double hypothetical = own.reward() + proposalWeight;
        return hypothetical - (rho * (shadow.reward() + reserve(own, shadow, proposal)) - slack);
    }

    /**
     * How far the invariant holds after a decision: {@code R_t + B − ρ · (R^π_t + reserve_t)}, never
     * negative on sequences that respect the bounds (up to rounding).
     */
    public double invariantMargin(MatchingState own, MatchingState shadow) {
        return margin(own, shadow, MatchingState.SKIP, 0);
    }

    /**
     * {@code Σ_u w_max(u) · max(0, n_u + [u = extra] − n^π_u)}: the bound on what the expert could
     * still collect from capacity {@code own} used ahead of it ({@code extra}: one more unit at that
     * node, or {@link MatchingState#SKIP}).
     */
    public static double reserve(MatchingState own, MatchingState shadow, int extra) {
        OfflineNodes nodes = own.nodes();
        double reserve = 0;
        for (int u = 0, n = nodes.count(); u < n; u++) {
            int ahead = own.used(u) + (u == extra ? 1 : 0) - shadow.used(u);
            if (ahead > 0) {
                reserve += ahead * nodes.weightBound(u);
            }
        }
        return reserve;
    }

    @Override
    public String toString() {
        return "RobustnessSwitch[rho=" + rho + ", B=" + slack + "]";
    }
}
