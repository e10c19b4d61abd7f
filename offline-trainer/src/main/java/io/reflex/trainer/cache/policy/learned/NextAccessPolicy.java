package io.reflex.trainer.cache.policy.learned;

import io.reflex.engine.adapt.ChallengerSwitch;
import io.reflex.engine.adapt.LruFloor;
import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.eviction.ResidentIndex;
import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.SampledCandidates;


/**
 * Eviction by predicted time to next access ({@value HistoryFeatures#SCHEMA} models), as a cache
 * embedding Reflex serves it: the policy keeps every object's {@link AccessHistory} (ticks are
 * request positions), gathers K candidates (sampled from the whole resident set, or the K least
 * recently used), fills the engine's {@link HistoryFeatures} rows in natural units, and the engine's
 * {@link NextAccessLoop} decider picks the victim and, for a model that answers admission, whether
 * the incoming object is cached at all. No scoring happens here.
 *
 * <p>Without a decider it is the behaviour the trainer replays first: the least recently accessed
 * of the candidates is the victim (LRU over a sample) and everything is admitted. An
 * {@link Observer} sees each decision's rows, which is how the trainer records its data from the
 * very replay a served model would make.
 *
 * <p>The admission question is asked in {@link #admit} when the incoming object needs room: that
 * decision's victim is then the first evicted; further room (byte capacities) is made by decisions
 * without an incoming row.
 *
 * <p>With an LRU floor ({@link LruFloor}), a sampled LRU shadow beside the cache demotes the model
 * to LRU while it loses with confidence, and the model's own miniature promotes it again when it
 * wins.
 *
 * <p>One instance per replay, one thread. Allocates only when the first callback sizes its arrays.
 */
public final class NextAccessPolicy implements LearnedEvictionPolicy {

    /** Sees every decision of a replay (the trainer's recorder). */
    public interface Observer {
        /**
         * A decision at request {@code tick} over {@code objects[0..n)} whose rows are in
         * {@code features} (the incoming object, when {@code incoming}, at row {@code n}, with id
         * {@code incomingObject}), with the histories they were read from; called before any eviction.
         */
        void decided(int tick, int[] objects, int n, boolean incoming, int incomingObject, HistoryFeatures features,
                     AccessHistory history);
    }

    private final EvictionModel model;
    private final NextAccessLoop loop;
    private final NextAccessLoop.Decider decider;
    private final HistoryFeatures features;
    private final Observer observer;
    private final int k;
    private final int[] objects;
    private final DecisionStats stats;
    private AccessHistory history;
    private SampledCandidates sampler;
    private int[] admittedAt;
    private final int victimsPerDecision;
    private final boolean lruFloor;
    private LruFloor floor;
    private final int[] positions;
    private int pendingVictim = -1;
    private long declined;

    /**
     * @param model          the contract (K, candidates, admission) the policy serves
     * @param loop           the engine loop serving the model; null: the LRU-over-candidates behaviour
     * @param observer       sees each decision (null: none)
     * @param latencySamples decision latencies to keep
     */
    public NextAccessPolicy(EvictionModel model, NextAccessLoop loop, Observer observer, int latencySamples) {
        this(model, loop, observer, latencySamples, 1);
    }

    /**
     * As above, evicting up to {@code victimsPerDecision} candidates per decision, in the decider's
     * eviction order ({@link NextAccessLoop.Decider#victims}), as a host that frees room for several
     * writes with one decision does (the Caffeine adapter's {@code victimsPerDecision}); without a
     * decider, one.
     *
     * @throws IllegalArgumentException if {@code victimsPerDecision} is not in [1, K]
     */
    public NextAccessPolicy(EvictionModel model, NextAccessLoop loop, Observer observer, int latencySamples,
                            int victimsPerDecision) {
        this(model, loop, observer, latencySamples, victimsPerDecision, false);
    }

    /**
     * As above, with {@code lruFloor}: an {@link LruFloor} beside the cache (a sampled LRU shadow,
     * {@value LruFloor#DEFAULT_SHADOW_ENTRIES} entries or the whole cache if smaller) demotes the model to LRU
     * while it loses to LRU with confidence, and promotes it again when its miniature wins. Ignored
     * without a decider.
     */
    public NextAccessPolicy(EvictionModel model, NextAccessLoop loop, Observer observer, int latencySamples,
                            int victimsPerDecision, boolean lruFloor) {
        this.lruFloor = lruFloor && loop != null;
        if (victimsPerDecision < 1 || victimsPerDecision > model.k()) {
            throw new IllegalArgumentException("victims per decision must be in [1, " + model.k() + "], got "
                    + victimsPerDecision);
        }
        this.victimsPerDecision = victimsPerDecision;
        this.positions = new int[victimsPerDecision];
        if (!model.readsHistory()) {
            throw new IllegalArgumentException("a next-access policy serves " + HistoryFeatures.SCHEMA + " models, not "
                    + model.schema());
        }
        this.model = model;
        this.loop = loop;
        this.decider = loop == null ? null : loop.newDecider();
        this.features = decider == null ? new HistoryFeatures(model.k() + 1) : decider.features();
        this.observer = observer;
        this.k = model.k();
        this.objects = new int[k];
        this.stats = new DecisionStats(latencySamples);
    }

    @Override
    public String name() {
        return ReflexEvictionPolicy.NAME;
    }

    private void init(CacheView cache) {
        if (history == null) {
            int n = cache.objectCount();
            if (lruFloor) {
                floor = newFloor(cache.capacity(), n, loop, model.candidates());
            }
            history = new AccessHistory(Math.max(1, n));
            admittedAt = new int[n];
            if (model.candidates() == EvictionModel.Candidates.SAMPLED) {
                sampler = new SampledCandidates(n, ResidentIndex.SAMPLING_SEED);
            }
        }
    }

    @Override
    public void onHit(int object, CacheView cache) {
        request(object, cache);
        if (floor != null) {
            floor.request(object, cache.capacity().isBytes() ? cache.charge(object) : 1, true);
        }
    }

    @Override
    public void onMiss(int object, CacheView cache) {
        request(object, cache);
        pendingVictim = -1;
        if (floor != null) {
            floor.request(object, cache.capacity().isBytes() ? Math.max(1, cache.incomingCharge()) : 1, false);
        }
    }

    /**
     * The floor for a cache of {@code capacity} over {@code objects} objects, with the engine's
     * defaults: the shadows sample {@value LruFloor#DEFAULT_SHADOW_ENTRIES} / entries of the keys
     * (all of them for a smaller cache), the switch at z = {@value LruFloor#DEFAULT_Z} with its
     * default window (16 blocks of 1,024 sampled requests), and a demoted model promoted again when
     * its miniature, with {@value LruFloor#DEFAULT_GHOSTS_PER_RESIDENT} ghost histories per
     * resident, beats the live LRU with confidence.
     */
    private static LruFloor newFloor(Capacity capacity, int objects, NextAccessLoop loop,
                                     EvictionModel.Candidates candidates) {
        long entries = capacity.isBytes() ? objects : Math.min(capacity.value(), objects);
        return LruFloor.withLearnedShadow(LruFloor.defaultRate(entries), capacity.value(), Math.max(1, entries),
                ChallengerSwitch.builder().z(LruFloor.DEFAULT_Z).build(), loop, candidates,
                LruFloor.DEFAULT_GHOSTS_PER_RESIDENT);
    }

    @Override
    public long floorPromotions() {
        return floor == null ? 0 : floor.promotions();
    }

    @Override
    public long floorDemotions() {
        return floor == null ? 0 : floor.demotions();
    }

    private void request(int object, CacheView cache) {
        init(cache);
        int tick = cache.requestIndex();
        history.record(object, tick);
        if (sampler != null) {
            sampler.touch(object, tick);
        }
    }

    @Override
    public boolean admit(int object, CacheView cache) {
        if (floor != null && !floor.learnedServes()) {
            return true;   // LRU admits everything
        }
        if (cache.usedCharge() + cache.incomingCharge() <= cache.capacity().value() || cache.residentCount() == 0) {
            return true;
        }
        int victim = decide(cache, true, object);
        boolean admit = decider == null || decider.admit();
        if (!admit) {
            declined++;
            return false;
        }
        pendingVictim = victim;
        return true;
    }

    @Override
    public void evict(EvictionContext cache) {
        if (floor != null && !floor.learnedServes()) {
            pendingVictim = -1;
            cache.evict(cache.leastRecentlyUsed());
            return;
        }
        int victim = pendingVictim;
        pendingVictim = -1;
        if (victim < 0 || !cache.isResident(victim)) {
            victim = decide(cache, false, -1);
        }
        if (decider == null || victimsPerDecision == 1) {
            cache.evict(victim);
            return;
        }
        int count = decider.victims(victimsPerDecision, positions);
        for (int j = 0; j < count; j++) {
            cache.evict(objects[positions[j]]);
        }
    }

    /**
     * One decision over freshly gathered candidates; returns the victim's object id. The size column
     * is each object's charge against the capacity (its bytes under a byte capacity, 1 under a
     * capacity in entries), as a host feeds its weight: size-aware ranking then counts what the
     * capacity counts.
     */
    private int decide(CacheView cache, boolean incoming, int incomingObject) {
        init(cache);
        int n = gather(cache);
        long now = cache.requestIndex();
        for (int j = 0; j < n; j++) {
            int o = objects[j];
            features.resident(j, history, o, now, cache.charge(o), admittedAt[o], cache.hitCount(o));
        }
        if (incoming) {
            features.incoming(n, history, incomingObject, now, cache.incomingCharge());
        }
        if (observer != null) {
            observer.decided(cache.requestIndex(), objects, n, incoming, incomingObject, features, history);
        }
        if (decider == null) {
            return leastRecentlyAccessed(n);
        }
        long t0 = System.nanoTime();
        int victim = decider.decide(n, incoming);
        stats.record(System.nanoTime() - t0, decider.lastCause());
        return objects[victim];
    }

    /** The candidate accessed longest ago (the behaviour before any model: LRU over the candidates). */
    private int leastRecentlyAccessed(int n) {
        int oldest = objects[0];
        for (int j = 1; j < n; j++) {
            if (history.lastAccess(objects[j]) < history.lastAccess(oldest)) {
                oldest = objects[j];
            }
        }
        return oldest;
    }

    /**
     * Candidates into {@code objects}: sampled ones in the order drawn, or the K least recently used
     * oldest first; returns how many.
     */
    private int gather(CacheView cache) {
        if (sampler != null) {
            return sampler.draw(k, objects);
        }
        int n = 0;
        for (int o = cache.leastRecentlyUsed(); o >= 0 && n < k; o = cache.moreRecentlyUsed(o)) {
            objects[n++] = o;
        }
        return n;
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        admittedAt[object] = cache.requestIndex();
        if (sampler != null) {
            sampler.inserted(object);
        }
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        if (sampler != null) {
            sampler.removed(object);
        }
    }

    @Override
    public long decisions() {
        return stats.decisions();
    }

    @Override
    public long fallbacks() {
        return stats.fallbacks();
    }

    /** Incoming objects the model declined. */
    public long declined() {
        return declined;
    }

    @Override
    public long[] latencies() {
        return stats.latencies();
    }

    @Override
    public void close() {
        if (floor != null) {
            floor.close();
        }
        if (decider != null) {
            decider.close();
        }
        if (loop != null) {
            loop.close();
        }
    }
}
