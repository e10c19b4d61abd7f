package io.reflex.engine.matching;

import java.util.Objects;

/**
 * An online matcher that follows a learned scorer while the {@link RobustnessSwitch} allows it and
 * the expert otherwise (LOMAR). Each {@link #decide} call matches one arriving item to an offline
 * node or skips it, irrevocably, and records which {@link Branch} decided. On every sequence whose
 * weights respect the nodes' bounds the final reward is at least {@code ρ · expertReward − B}, where
 * the expert reward is what {@link #expert()} alone would have collected on the same sequence (it
 * runs on its own shadow matching here).
 *
 * <pre>{@code
 * OfflineNodes drivers = OfflineNodes.builder(100).uniformWeightBound(25.0).build();
 * try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(Path.of("dispatch.onnx"))) {
 *     LomarMatcher matcher = LomarMatcher.builder(drivers)
 *             .expert(ExpertRule.greedy()).scorer(scorer)
 *             .rho(0.8).slack(0).horizon(500)
 *             .build();
 *     int driver = matcher.decide(weights);      // a node, or MatchingState.SKIP
 *     Branch by = matcher.lastBranch();          // RL or EXPERT
 * }
 * }</pre>
 *
 * <p>A decision: validate the weights (finite, {@code >= 0}; {@code > 0} is an edge) and count
 * edges heavier than their bound; let the expert decide on the shadow matching; write one feature
 * row per eligible candidate plus skip ({@link CandidateFeatures}); score them and propose the best
 * (a NaN never wins; ties go to the earlier row); follow the proposal iff the switch's margin is
 * {@code >= 0}, else the expert's node if it has room, else skip. A scorer that throws (or scores
 * everything NaN) is counted and the expert decides.
 *
 * <p><b>Threading.</b> Not thread-safe: one matcher per deciding thread (and per scorer). Episodes
 * run one after another: {@link #reset()} starts the next on the same offline nodes.
 *
 * <p><b>Allocation.</b> None per decision: every buffer is sized at construction (the scorer must
 * not allocate either; {@link OnnxCandidateScorer} does not).
 */
public final class LomarMatcher {

    private final OfflineNodes nodes;
    private final ExpertRule expert;
    private final CandidateScorer scorer;
    private final RobustnessSwitch robustness;
    private final CandidateFeatures features;
    private final MatchingState own;
    private final MatchingState shadow;
    private final ArrivalHistory history;
    private final int[] candidates;
    private final float[] rows;
    private final float[] scores;

    private int lastChoice = MatchingState.SKIP;
    private int lastProposal = MatchingState.SKIP;
    private int lastExpertChoice = MatchingState.SKIP;
    private double lastMargin = Double.NaN;
    private Branch lastBranch;
    private long rlDecisions;
    private long expertDecisions;
    private long boundViolations;
    private long scorerFailures;

    private LomarMatcher(Builder b) {
        this.nodes = b.nodes;
        this.expert = b.expert;
        this.scorer = b.scorer;
        this.robustness = new RobustnessSwitch(b.rho, b.slack);
        this.features = new CandidateFeatures(nodes, b.horizon, b.candidateLimit == 0 ? nodes.count() : b.candidateLimit);
        this.own = new MatchingState(nodes);
        this.shadow = new MatchingState(nodes);
        this.history = new ArrivalHistory(nodes.count());
        this.candidates = new int[features.maxRows()];
        this.rows = new float[features.maxRows() * CandidateFeatures.COUNT];
        this.scores = new float[features.maxRows()];
    }

    /** Starts a matcher over {@code nodes}. */
    public static Builder builder(OfflineNodes nodes) {
        return new Builder(nodes);
    }

    /**
     * Decides the arriving item.
     *
     * @param weights one weight per offline node: {@code > 0} is an edge, {@code 0} none
     * @return the node the item is matched to, or {@link MatchingState#SKIP}
     * @throws IllegalArgumentException if {@code weights} has the wrong length or a negative,
     *                                  NaN or infinite value (nothing is recorded then)
     */
    public int decide(double[] weights) {
        checkWeights(weights);
        int expertChoice = expert.choose(weights, shadow);
        shadow.record(expertChoice, weights);

        int count = features.write(weights, own, history, candidates, rows);
        int proposal = MatchingState.SKIP;
        boolean proposed;
        try {
            scorer.score(count, candidates, rows, scores);
            int best = bestRow(count);
            proposed = best >= 0;
            if (proposed) {
                proposal = candidates[best];
            }
        } catch (RuntimeException e) {
            proposed = false;
        }

        int choice;
        if (proposed) {
            lastMargin = robustness.margin(own, shadow, proposal,
                    proposal == MatchingState.SKIP ? 0 : weights[proposal]);
        } else {
            scorerFailures++;
            lastMargin = Double.NaN;
        }
        if (proposed && lastMargin >= 0) {
            choice = proposal;
            lastBranch = Branch.RL;
            rlDecisions++;
        } else {
            choice = expertChoice != MatchingState.SKIP && own.hasRoom(expertChoice) ? expertChoice : MatchingState.SKIP;
            lastBranch = Branch.EXPERT;
            expertDecisions++;
        }
        own.record(choice, weights);
        history.observe(weights);
        lastChoice = choice;
        lastProposal = proposal;
        lastExpertChoice = expertChoice;
        return choice;
    }

    private void checkWeights(double[] weights) {
        int n = nodes.count();
        if (weights.length != n) {
            throw new IllegalArgumentException("expected " + n + " weights (one per offline node), got " + weights.length);
        }
        long violations = 0;
        for (int u = 0; u < n; u++) {
            double w = weights[u];
            if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("weight at node " + u + " is " + w + "; weights must be finite and >= 0");
            }
            if (w > nodes.weightBound(u)) {
                violations++;
            }
        }
        boundViolations += violations;
    }

    /** The first row with the highest non-NaN score, or -1 if every score is NaN. */
    private int bestRow(int count) {
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < count; r++) {
            float s = scores[r];
            if (s == s && (best < 0 || s > bestScore)) {
                best = r;
                bestScore = s;
            }
        }
        return best;
    }

    /** Starts a new episode on the same offline nodes: empty matchings and history. Counters keep counting. */
    public void reset() {
        own.reset();
        shadow.reset();
        history.reset();
        lastChoice = MatchingState.SKIP;
        lastProposal = MatchingState.SKIP;
        lastExpertChoice = MatchingState.SKIP;
        lastMargin = Double.NaN;
        lastBranch = null;
    }

    /** Which branch made the last decision ({@code null} before the first decision of an episode). */
    public Branch lastBranch() {
        return lastBranch;
    }

    /** The last decision: a node or {@link MatchingState#SKIP}. */
    public int lastChoice() {
        return lastChoice;
    }

    /** What the scorer proposed for the last item (whether or not it was followed). */
    public int lastProposal() {
        return lastProposal;
    }

    /** What the expert chose for the last item on its shadow matching. */
    public int lastExpertChoice() {
        return lastExpertChoice;
    }

    /** The switch's margin Δ for the last proposal (NaN when the scorer failed). */
    public double lastMargin() {
        return lastMargin;
    }

    /** This episode's reward. */
    public double reward() {
        return own.reward();
    }

    /** The expert's reward on this episode so far (its shadow matching). */
    public double expertReward() {
        return shadow.reward();
    }

    /**
     * The running guarantee: {@code R_t + B − ρ · (R^π_t + reserve_t) ≥ 0}, which implies
     * {@code R_t ≥ ρ · R^π_t − B} now and {@code R ≥ ρ · R^π − B} at the end whatever comes next.
     */
    public double guaranteeMargin() {
        return robustness.invariantMargin(own, shadow);
    }

    /** Items decided this episode. */
    public int arrivals() {
        return own.arrivals();
    }

    /** Capacity used at node {@code u} by this matcher in this episode. */
    public int used(int u) {
        return own.used(u);
    }

    /** Decisions made by the learned branch since construction. */
    public long rlDecisions() {
        return rlDecisions;
    }

    /** Decisions made by the expert branch since construction. */
    public long expertDecisions() {
        return expertDecisions;
    }

    /** Edges seen heavier than their node's bound since construction (each voids the guarantee for its episode). */
    public long boundViolations() {
        return boundViolations;
    }

    /** Decisions where the scorer threw or scored every candidate NaN, since construction. */
    public long scorerFailures() {
        return scorerFailures;
    }

    public OfflineNodes nodes() {
        return nodes;
    }

    public ExpertRule expert() {
        return expert;
    }

    public RobustnessSwitch robustness() {
        return robustness;
    }

    /** The feature layout and candidate limit this matcher scores with. */
    public CandidateFeatures features() {
        return features;
    }

    /** Validated settings for a {@link LomarMatcher}. Not thread-safe. */
    public static final class Builder {
        private final OfflineNodes nodes;
        private ExpertRule expert = ExpertRule.greedy();
        private CandidateScorer scorer;
        private double rho = Double.NaN;
        private double slack;
        private int horizon;
        private int candidateLimit;

        private Builder(OfflineNodes nodes) {
            this.nodes = Objects.requireNonNull(nodes, "nodes");
        }

        /** The expert held to (default {@link ExpertRule#greedy()}). */
        public Builder expert(ExpertRule expert) {
            this.expert = Objects.requireNonNull(expert, "expert");
            return this;
        }

        /** The learned scorer (required). */
        public Builder scorer(CandidateScorer scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        /** The robustness level ρ in [0, 1] (required): 0 follows the scorer always, 1 never falls below the expert. */
        public Builder rho(double rho) {
            if (!(rho >= 0 && rho <= 1)) {
                throw new IllegalArgumentException("rho must be in [0, 1], got " + rho);
            }
            this.rho = rho;
            return this;
        }

        /** The slack B, finite and {@code >= 0}, in the weights' unit (default 0). */
        public Builder slack(double slack) {
            if (!(slack >= 0) || Double.isInfinite(slack)) {
                throw new IllegalArgumentException("slack B must be finite and >= 0, got " + slack);
            }
            this.slack = slack;
            return this;
        }

        /** Items an episode is expected to have, for the progress feature (required, >= 1). */
        public Builder horizon(int items) {
            if (items < 1) {
                throw new IllegalArgumentException("horizon must be >= 1, got " + items);
            }
            this.horizon = items;
            return this;
        }

        /**
         * Scores at most the {@code k} heaviest eligible nodes per decision (plus skip); default all.
         * Bounds the decision's cost when items have many edges; the model must be trained with the
         * same limit.
         */
        public Builder candidateLimit(int k) {
            if (k < 1 || k > nodes.count()) {
                throw new IllegalArgumentException("candidate limit must be in [1, " + nodes.count() + "], got " + k);
            }
            this.candidateLimit = k;
            return this;
        }

        public LomarMatcher build() {
            if (scorer == null) {
                throw new IllegalStateException("a scorer is required");
            }
            if (Double.isNaN(rho)) {
                throw new IllegalStateException("rho is required");
            }
            if (horizon == 0) {
                throw new IllegalStateException("horizon is required");
            }
            return new LomarMatcher(this);
        }
    }
}
