package io.reflex.trainer.rl;

import io.reflex.engine.eviction.EvictionCandidates;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.VictimMask;
import io.reflex.engine.explore.ActionSelector;
import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.CandidateFeatures;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.cache.LearnedCandidates;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.SampledCandidates;
import io.reflex.trainer.cache.Trace;

import java.util.Arrays;

/**
 * The behaviour policy whose replay produces training transitions: LRU (or an earlier learned
 * model, served by the engine) with logged exploration.
 * At each eviction it takes the K least recently used candidates from the simulator's candidate
 * view, encodes them with the engine's {@link EvictionFeatures} (so training sees exactly what the
 * engine will serve on), scores them the LRU way ({@link VictimMask#lruScores}: the oldest 1, the
 * others −1), lets an {@link ActionSelector} (the engine's ε-greedy) pick the victim, logs the
 * choice with its probability, and evicts that one candidate.
 *
 * <p>After the replay, {@link #transitions()} computes the rewards, which need the future:
 * <ul>
 *   <li><b>Cold-RL reward</b> of decision t: the number of candidates <i>retained</i> at t (not the
 *       victim) whose next request is a hit, i.e. comes while they are still resident and before
 *       their TTL runs out. A retained candidate that is evicted later, or expires, before its next
 *       request earns 0; one never requested again earns 0; the victim earns 0.</li>
 *   <li><b>Training reward</b> of evicting candidate j at decision t: the action-dependent part of
 *       that, as a cost: −γ_c^k / span_j^β if j's next request comes before j would have expired,
 *       {@code k} decisions after t (the eviction then turns that request into a miss), and 0
 *       otherwise (never requested again, or only after expiry). span_j is j's charge over the mean
 *       resident charge: a miss bought with more freed space costs less (β = 0.5 by default).
 *       The simulator knows every candidate's future, so this is recorded for <i>every</i>
 *       candidate, not only the victim the behaviour chose (hindsight labels, as LRB relabels
 *       from Belady); the trainer may use all of them or only the logged action's. Summed over the candidate set, the Cold-RL
 *       reward of keeping everything minus this cost ranks actions the same way; the cost form keeps
 *       every Q-value at or below 0, so the engine's {@link VictimMask} (victims are scores above 0,
 *       else the best one) evicts the single best candidate unless the network is confident that
 *       evicting several is free. γ_c discounts misses that come many evictions later, which the
 *       object would likely not have survived anyway.</li>
 * </ul>
 *
 * <p>One instance per replay, one thread. Allocates per eviction only to grow its logs (amortised).
 */
public final class TransitionRecorder implements EvictionPolicy {

    private final Trace trace;
    private final int k;
    private final ActionSelector selector;
    private final double costDiscount;
    private final double sizeExponent;
    private final EvictionLoop.Decider behaviour;
    private final EvictionCandidates candidates;
    private final EvictionFeatures encoder;
    private final int[] objects;
    private final float[] raw;
    private final float[] scores;
    private final int width;
    private final boolean[] hitAt;
    private final int[] decisionsBefore;
    private final int[] lastRequest;
    private final LearnedCandidates gatherer;
    /** A fixed cost of every eviction, added to every candidate's training cost (0: none). */
    private final double evictionCost;
    // decision logs, grown as needed
    private float[] states = new float[0];
    private int[] actions = new int[0];
    private float[] propensities = new float[0];
    private int[] counts = new int[0];
    private int[] candidateLastRequests = new int[0];   // [decision][K], -1 padding
    private double[] candidateExpiry = new double[0];   // [decision][K]
    private float[] candidateSpans = new float[0];      // [decision][K], charge over mean resident charge
    private int decisions;

    /**
     * @param trace        the trace being replayed (its future gives the rewards)
     * @param k            candidates per decision
     * @param selector     exploration over the LRU scores (e.g. {@code new EpsilonGreedy(0.2, seed)})
     * @param costDiscount γ_c in (0, 1]
     * @param sizeExponent β in [0, 2]: a miss caused by evicting a candidate costs {@code span^−β}
     *                     (0: every miss costs the same, whatever the space the eviction freed)
     */
    public TransitionRecorder(Trace trace, int k, ActionSelector selector, double costDiscount, double sizeExponent) {
        this(trace, k, selector, costDiscount, sizeExponent, null, HitHistory.OFF);
    }

    /**
     * As the LRU-behaviour constructor, with a learned behaviour: {@code behaviour}, an engine
     * decider of an earlier model (same K), scores the candidates and the selector explores over its
     * scores instead of LRU's (null: LRU). Replaying under the policy being improved shows the
     * trainer the caches that policy makes, not only LRU's. The hit-count feature comes from a
     * {@link HitHistory} of halving period {@code hitHistory} requests (0: never halved;
     * {@link HitHistory#OFF}: the simulator's hits since admission, the default).
     */
    public TransitionRecorder(Trace trace, int k, ActionSelector selector, double costDiscount, double sizeExponent,
                              EvictionLoop.Decider behaviour, int hitHistory) {
        this(trace, k, selector, costDiscount, sizeExponent, behaviour, hitHistory, null, 0);
    }

    /**
     * As above, with the candidates drawn by {@code sampler} from the whole resident set (least
     * recently requested first, so LRU scoring still makes the oldest-accessed of the sample the
     * behaviour's default; null: the K least recently used; the recorder keeps it in step with the
     * cache), and a fixed cost {@code evictionCost} ≥ 0 of every eviction added to each
     * candidate's training cost: every Q-value is then below 0, so the engine's mask evicts one
     * candidate per decision, and the semi-Markov bootstrap (a victim of more mean resident sizes
     * defers the next decision's costs) makes freeing more space worth something even among
     * candidates that are not requested again soon.
     */
    public TransitionRecorder(Trace trace, int k, ActionSelector selector, double costDiscount, double sizeExponent,
                              EvictionLoop.Decider behaviour, int hitHistory, SampledCandidates sampler,
                              double evictionCost) {
        if (!(evictionCost >= 0)) {
            throw new IllegalArgumentException("eviction cost must be >= 0, got " + evictionCost);
        }
        this.evictionCost = evictionCost;
        if (behaviour != null && behaviour.candidates().capacity() != k) {
            throw new IllegalArgumentException("the behaviour decider takes K = " + behaviour.candidates().capacity()
                    + ", the recorder K = " + k);
        }
        this.behaviour = behaviour;
        if (!(costDiscount > 0 && costDiscount <= 1)) {
            throw new IllegalArgumentException("cost discount must be in (0, 1], got " + costDiscount);
        }
        if (!(sizeExponent >= 0 && sizeExponent <= 2)) {
            throw new IllegalArgumentException("size exponent must be in [0, 2], got " + sizeExponent);
        }
        this.sizeExponent = sizeExponent;
        this.trace = trace;
        this.k = k;
        this.selector = selector;
        this.costDiscount = costDiscount;
        this.candidates = new EvictionCandidates(k);
        this.encoder = new EvictionFeatures(k);
        this.objects = new int[k];
        this.raw = new float[k * CandidateFeatures.COUNT];
        this.scores = new float[k];
        this.width = k * EvictionFeatures.PER_CANDIDATE;
        this.hitAt = new boolean[trace.length()];
        this.decisionsBefore = new int[trace.length()];
        this.lastRequest = new int[trace.objectCount()];
        Arrays.fill(lastRequest, -1);
        this.gatherer = new LearnedCandidates(HitHistory.orNull(trace.objectCount(), hitHistory), sampler);
    }

    @Override
    public String name() {
        return behaviour == null ? "lru-explore" : "learned-explore";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        int i = cache.requestIndex();
        hitAt[i] = true;
        decisionsBefore[i] = decisions;
        lastRequest[object] = i;
        gatherer.onRequest(object, i);
    }

    @Override
    public void onMiss(int object, CacheView cache) {
        int i = cache.requestIndex();
        decisionsBefore[i] = decisions;
        lastRequest[object] = i;
        gatherer.onRequest(object, i);
    }

    @Override
    public void evict(EvictionContext cache) {
        int n = gatherer.gather(k, cache, objects, raw);
        fill(candidates, raw, n);
        grow();
        encoder.encode(candidates, states, decisions * width);
        if (behaviour == null) {
            VictimMask.lruScores(scores, 0, n);
        } else {
            fill(behaviour.candidates(), raw, n);
            behaviour.decide();
            for (int j = 0; j < n; j++) {
                scores[j] = behaviour.score(j);
            }
        }
        int action = selector.choose(scores, 0, n);
        actions[decisions] = action;
        propensities[decisions] = (float) selector.probability();
        counts[decisions] = n;
        double meanCharge = Math.max(1e-9, (double) cache.usedCharge() / Math.max(1, cache.residentCount()));
        for (int j = 0; j < k; j++) {
            int at = decisions * k + j;
            candidateLastRequests[at] = j < n ? lastRequest[objects[j]] : -1;
            candidateExpiry[at] = j < n ? cache.expiresAt(objects[j]) : 0;
            candidateSpans[at] = j < n ? (float) (cache.charge(objects[j]) / meanCharge) : 0f;
        }
        decisions++;
        cache.evict(objects[action]);
    }

    /**
     * Copies a candidate view ({@link CandidateFeatures} layout, natural units) into the engine's
     * candidate buffer; the key of each candidate is its position.
     */
    public static void fill(EvictionCandidates into, float[] raw, int n) {
        into.clear();
        for (int j = 0; j < n; j++) {
            int p = j * CandidateFeatures.COUNT;
            into.next().ageSeconds(Math.max(0f, raw[p + CandidateFeatures.AGE]))
                    .sizeBytes(raw[p + CandidateFeatures.SIZE]).hits(raw[p + CandidateFeatures.HIT_COUNT])
                    .interArrivalSeconds(Math.max(0f, raw[p + CandidateFeatures.INTER_ARRIVAL]))
                    .ttlSeconds(raw[p + CandidateFeatures.REMAINING_TTL])
                    .rttMillis(Math.max(0f, raw[p + CandidateFeatures.ORIGIN_RTT]));
        }
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        gatherer.onInsert(object);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        gatherer.onRemove(object);
    }

    /** Decisions logged so far. */
    public int decisions() {
        return decisions;
    }

    /** The logged decisions with their rewards; call after the replay. */
    public TransitionSet transitions() {
        int n = decisions;
        float[] costs = new float[n * k];
        float[] cold = new float[n];
        float[] spans = new float[n];
        boolean[] done = new boolean[n];
        for (int t = 0; t < n; t++) {
            int earned = 0;
            for (int j = 0; j < counts[t]; j++) {
                int at = t * k + j;
                int last = candidateLastRequests[at];
                int next = last < 0 ? Trace.NEVER : trace.nextAccess(last);
                if (next != Trace.NEVER && trace.time(next) < candidateExpiry[at]) {
                    // Evicting j turns its next request into a miss, k decisions from now.
                    int later = Math.max(0, decisionsBefore[next] - (t + 1));
                    costs[at] = (float) (-Math.pow(costDiscount, later) / Math.pow(candidateSpans[at], sizeExponent));
                }
                if (evictionCost != 0) {
                    costs[at] -= (float) evictionCost;
                }
                if (j != actions[t] && next != Trace.NEVER && hitAt[next]) {
                    earned++;
                }
            }
            cold[t] = earned;
            spans[t] = candidateSpans[t * k + actions[t]];
            done[t] = t == n - 1;
        }
        return new TransitionSet(k, Arrays.copyOf(states, n * width), Arrays.copyOf(actions, n),
                Arrays.copyOf(propensities, n), costs, cold, Arrays.copyOf(counts, n), done, spans,
                Arrays.copyOf(candidateSpans, n * k));
    }

    private void grow() {
        if (decisions < actions.length) {
            return;
        }
        int cap = Math.max(1024, actions.length * 2);
        states = Arrays.copyOf(states, cap * width);
        actions = Arrays.copyOf(actions, cap);
        propensities = Arrays.copyOf(propensities, cap);
        counts = Arrays.copyOf(counts, cap);
        candidateLastRequests = Arrays.copyOf(candidateLastRequests, cap * k);
        candidateExpiry = Arrays.copyOf(candidateExpiry, cap * k);
        candidateSpans = Arrays.copyOf(candidateSpans, cap * k);
    }
}
