package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.reflex.engine.eviction.EvictionCandidates;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.runtime.CircuitBreaker;
import io.reflex.engine.runtime.DecisionDeadline;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A bounded Caffeine cache whose victims are chosen by a Reflex eviction model, with Caffeine's own
 * choice as the fallback. Two kinds of model, told apart by the file's {@code reflex.schema}
 * metadata ({@link EvictionModel}): a Cold-RL model ({@code cold-rl-6}, the default) chooses among
 * Caffeine's K coldest entries from six features (this comment's sections up to "History-1
 * models"); a next-access model ({@code history-1}) ranks K candidates by their predicted time to
 * the next request from a bounded access history, and may decline to cache an incoming value
 * (section "History-1 models").
 *
 * <pre>{@code
 * try (ReflexCache<String, byte[]> cache = ReflexCache.<String, byte[]>builder()
 *         .maximumWeight(256L << 20).weigher((k, v) -> v.length)   // bytes; or maximumSize(entries)
 *         .maximumEntries(1 << 20)                                  // history-1 over bytes only
 *         .model(Path.of("eviction.onnx"))                          // or policyStore(store)
 *         .name("pages").meterRegistry(registry)
 *         .build()) {
 *     byte[] page = cache.get(url, this::fetch);                    // the load time is the origin RTT
 * }
 * }</pre>
 *
 * <h2>How it works (Cold-RL models)</h2>
 * The values of an inner bounded Caffeine cache are small {@code EntryNode}s holding the value and
 * the per-entry state behind the six features (write time, the two latest access times, hits,
 * weight, TTL, origin RTT). Reads go straight to Caffeine and bump the node's counters. A write that
 * would take the resident weight over the maximum first asks the policy: the K coldest entries in
 * Caffeine's eviction order ({@link Policy.Eviction#coldest(Function)}: probation and window merged
 * by TinyLFU frequency, then protected) become the {@link EvictionCandidates}, the
 * {@link EvictionLoop} scores them, and every candidate in the victim mask is invalidated. The
 * decision then tops the free space up to the <em>headroom</em> ({@link Builder#headroom}, default
 * 1/128 of the maximum, beyond the write itself) by evicting further candidates in the policy's order
 * (highest score first), at most three quarters of the K in all, so that the next writes fit without
 * a decision: one decision serves several evicting writes (up to 48 for K = 64; the policy still
 * chooses the quarter that stays). This repeats (at most
 * {@code maxDecisionsPerWrite} times) until the new entry fits, then the entry is put. When the
 * decision falls back (no model, breaker open, deadline passed, an error or a non-finite score)
 * nothing is pre-evicted and Caffeine evicts by its own policy when the write lands: that is the
 * fallback, and each such write is counted ({@link #fallbackWrites()}).
 *
 * <h2>Capacity</h2>
 * Caffeine enforces the capacity, always: the inner cache is built with {@code maximumWeight} (a
 * weigher reading the node's weight) or {@code maximumSize}. The policy only evicts earlier and
 * chooses whom; it can never let the cache grow past what Caffeine allows. As with Caffeine, the
 * bound holds after maintenance: between a write and the maintenance that follows it (same thread
 * with {@code executor(Runnable::run)}, else on the executor), the weighted size may briefly exceed
 * the maximum by the writes in flight. When the policy has made room, Caffeine has nothing to evict,
 * so its TinyLFU admission filter does not run either: the policy decides admission by choosing
 * victims. Whether room is needed is judged on the adapter's own count of resident weight (added on
 * write, subtracted on invalidation, replacement and Caffeine's evictions and expirations), which can
 * lag Caffeine's by the writes in flight; a replaced key counts its new weight in full when judging.
 * The headroom costs at most its fraction of the capacity standing empty between decisions.
 *
 * <h2>Threading</h2>
 * Thread-safe, with Caffeine's concurrency for reads and writes. Eviction decisions are serialised
 * by one lock and one decider: Caffeine itself serialises eviction under its eviction lock (which
 * {@code coldest} takes anyway), and deciders on several threads would read the same coldest
 * entries at the same moment and evict them twice over. A writer that needs room waits for the
 * decision in progress, then checks again whether room is still needed (the other writer, or its
 * headroom, may have made it). Writes that do not need room never take the lock. Concurrent writes:
 * victims are removed with a conditional {@code remove(key, node)}, so an entry rewritten meanwhile
 * by another thread (between the coldest-K snapshot and the eviction) is never evicted in its
 * place, and writes landing during a decision are bounded by Caffeine as above. Per-entry access
 * statistics are updated without synchronisation (see {@code EntryNode}); losing an increment under
 * a race is accepted. Like {@link Cache#put}, {@link #get} does not coalesce concurrent loads of one
 * key: two threads missing at once both load.
 *
 * <h2>Allocation</h2>
 * A hit allocates nothing beyond what Caffeine does. A write allocates one node. A decision
 * allocates only what Caffeine's {@code coldest} API forces (its stream, a snapshot entry per
 * candidate) and the stream's iterator; the decider, the features, the policy's order and the
 * candidate buffers are preallocated and reused.
 *
 * <h2>History-1 models</h2>
 * A {@code history-1} model is served by {@link NextAccessLoop} with the K, candidate set and
 * admission its metadata states; the state behind its features lives in {@code HistoryEviction}:
 * <ul>
 *   <li><b>Clock.</b> One tick per request that reaches an object: a hit ({@link #getIfPresent},
 *       {@link #get}) or a write ({@link #put}, the store of {@link #get}). A lookup that misses
 *       does not tick, so that a miss and the write that follows it count once, as one request of
 *       a trace does in training.</li>
 *   <li><b>History.</b> An {@link io.reflex.engine.eviction.BoundedHistory} keyed by a 64-bit
 *       fingerprint of the key ({@link Builder#keyFingerprint}): every resident plus
 *       {@link Builder#ghostsPerResident} (default {@value #DEFAULT_GHOSTS_PER_RESIDENT}) evicted or
 *       declined objects per resident, the least recently seen forgotten first. Entries are bounded
 *       by {@code maximumSize}, or by {@link Builder#maximumEntries} over {@code maximumWeight}. Per
 *       resident, on its node: its history (moved there from its slot while it is resident), the
 *       admission tick and the hits since; the weight is the size.</li>
 *   <li><b>Candidates.</b> {@code sampled}: K residents drawn uniformly by an
 *       {@link io.reflex.engine.eviction.ResidentIndex} seeded as the simulator's, least recently
 *       used first. {@code lru}: the K least recently used by the adapter's own
 *       {@link io.reflex.engine.eviction.RecencyList}, not Caffeine's {@code coldest}, whose order
 *       is W-TinyLFU's (frequency-merged segments), not the recency order the model was trained
 *       on.</li>
 *   <li><b>Decisions.</b> A write that would exceed the maximum (or the entry bound) asks the model
 *       over the candidates and, in the write's first decision, the incoming object: the victim is
 *       invalidated, one decision per victim. A model answering admission that predicts the
 *       incoming object farther than the victim declines it: the value is not stored (a
 *       {@code get} still returns it), nothing is evicted, the ghost keeps the request, and
 *       {@link #admissionDeclines()} counts it. A decision that falls back (no model, breaker open,
 *       deadline, error) leaves the choice to Caffeine: its coldest entries, in its own eviction
 *       order, are invalidated until the write fits ({@link #fallbackWrites()}). The
 *       {@link Builder#headroom} does not apply: each decision takes one victim, as in training.</li>
 *   <li><b>Collisions.</b> A write whose key's fingerprint a different resident key holds is not
 *       cached ({@link #fingerprintConflicts()}); at the ghost stage two such keys share one
 *       history.</li>
 *   <li><b>Threading.</b> The clock and the histories advance in one order, under one lock. A
 *       hit does not take it: it appends the entry to a bounded buffer (one compare-and-set),
 *       replayed under the lock in order by the next write or invalidation, or by a hit once a
 *       batch waits and the lock is free; a hit finding the buffer full waits for the lock rather
 *       than drop the hit. One thread's requests are replayed exactly in their order, as in
 *       training. Writes serialise. Caffeine's own removals (expiry) are queued without that lock
 *       and applied by the next write or invalidation.</li>
 *   <li><b>Floor</b> ({@link Builder#floor}, on by default). Caffeine's W-TinyLFU and the learned
 *       policy run in miniature beside the cache over sampled keys; a learned policy that loses to
 *       W-TinyLFU with confidence is demoted (Caffeine's own order evicts, every write admitted),
 *       and promoted when its miniature beats the cache. Each switch is logged, counted
 *       ({@link #floorDemotions()}, {@link #floorPromotions()}) and heard by a
 *       {@link FloorListener}. The miniatures run on the executor, off the callers' threads:
 *       a request costs its caller a counter, and one whose key is sampled three stores into a
 *       queue the executor replays in order ({@code FloorFeed}).</li>
 *   <li><b>Allocation.</b> A hit and a decision allocate nothing; a write allocates its node; a
 *       fallback allocates Caffeine's {@code coldest} snapshot. With the floor, the request that
 *       schedules a replay of the floor's queue (at most one in 256 sampled requests) allocates
 *       nothing with a {@code ForkJoinPool} (the common pool, the default: one task, reused) and
 *       what the executor makes of a {@code Runnable} with another. Memory: about 100 bytes
 *       per history slot, {@code 1 + ghostsPerResident} slots per entry of the bound, 56 bytes of
 *       history on each resident's node, and with the floor under 3.5 MiB.</li>
 * </ul>
 *
 * <h2>What of Caffeine's API it offers</h2>
 * A subset of {@link Cache}, on purpose: {@link #getIfPresent}, {@link #get(Object, Function)},
 * {@link #put}, {@link #invalidate}, {@link #invalidateAll()}, {@link #estimatedSize},
 * {@link #stats}, {@link #cleanUp}, plus {@link #coldestKeys}, {@link #containsKey} and
 * {@link #weightedSize}. It does not implement {@link Cache} and offers no {@code asMap()},
 * {@code policy()}, {@code getAll}, {@code putAll} or compute methods: writes through a map view
 * or Caffeine's policy would bypass the decision (and the resident-weight count), and Caffeine's
 * {@code Policy} would let a caller change the maximum or evict behind the policy's back. Such
 * writes would stay within the capacity (Caffeine would evict for them) but would not be the
 * policy's choice.
 *
 * <p>Closing the cache closes the eviction loop and with it the policy store (the cache owns it).
 */
public final class ReflexCache<K, V> implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /**
     * The default {@link Builder#headroom}: 1/128 of the maximum. With K = 64 a decision then frees
     * 48 entries of a large cache, and an evicting write measured 1.7–2.4× plain Caffeine's CPU with
     * a trained policy (1/256 and half the K: 3.6–3.7×), the adapter's trap and Zipf hit ratios
     * within 0.003 of before ({@code ./reflex bench caffeine}, docs/measurements.md).
     */
    public static final double DEFAULT_HEADROOM = 1.0 / 128;

    /**
     * The default {@link Builder#ghostsPerResident}: the bounded history of a history-1 cache keeps
     * this many evicted objects' histories per resident entry.
     */
    public static final int DEFAULT_GHOSTS_PER_RESIDENT = 2;

    /** The contract assumed for a store serving nothing at build time: Cold-RL, as before any model. */
    private static final EvictionModel COLD_RL_DEFAULT = new EvictionModel(EvictionModel.COLD_RL_SCHEMA,
            EvictionModel.Candidates.LRU, EvictionModel.DEFAULT_K, false);

    private final String name;
    private final Cache<K, EntryNode<V>> cache;
    private final ConcurrentMap<K, EntryNode<V>> map;
    private final Policy.Eviction<K, EntryNode<V>> eviction;
    private final Weigher<? super K, ? super V> weigher;
    private final boolean weighted;
    private final boolean perEntryTtl;
    private final Ticker ticker;
    private final CoarseClock clock;
    private final int maxDecisionsPerWrite;
    private final long maximum;
    private final long headroom;
    private final int victimsPerDecision;
    private final LongAdder residentWeight = new LongAdder();

    private final ReentrantLock decisionLock = new ReentrantLock();
    /** The history-1 path's state and decisions; null on the Cold-RL path. */
    private final HistoryEviction<K, V> history;
    /** The floor under a history-1 model, or null. */
    private final PolicyFloor floor;
    /** The hit stream's change test under a history-1 model, or null. */
    private final OutcomeDrift outcomes;
    /** The model's inputs against its training profile, or null. */
    private final InputWatch inputs;
    private final EvictionModel model;
    /** The store serving the model: a winning challenger is offered to it. */
    private final PolicyStore store;
    private final Duration deadline;
    /**
     * The builder's executor, or the common pool (Caffeine's default): where the floor's shadows
     * run and a winning challenger's file is offered to the store (its load and warm-up stay off
     * the lock).
     */
    private final Executor maintenance;
    private final EvictionLoop loop;
    private final EvictionLoop.Decider decider;
    private final Object[] candidateKeys;
    private final Object[] candidateNodes;
    private final Function<Stream<Policy.CacheEntry<K, EntryNode<V>>>, Integer> candidateFiller;
    private final IntToDoubleFunction scores;
    private long decisionNanos;

    private final LongAdder policyDecisions = new LongAdder();
    private final LongAdder policyEvictions = new LongAdder();
    private final LongAdder fallbackWrites = new LongAdder();

    private ReflexCache(Builder<K, V> b) {
        this.name = b.name;
        this.weighted = b.weigher != null;
        this.weigher = b.weigher;
        this.perEntryTtl = b.perEntryTtl;
        this.ticker = b.ticker;
        this.clock = CoarseClock.forTicker(b.ticker);
        this.maxDecisionsPerWrite = b.maxDecisionsPerWrite;
        this.maximum = b.maximum;
        this.headroom = (long) Math.floor(b.maximum * b.headroom);
        this.victimsPerDecision = Math.max(1, (3 * b.k + 3) / 4);

        Caffeine<Object, Object> builder = Caffeine.newBuilder().ticker(b.ticker);
        if (b.executor != null) {
            builder.executor(b.executor);
        }
        if (b.recordStats || b.registry != null) {
            builder.recordStats();
        }
        Caffeine<K, EntryNode<V>> typed = weighted
                ? builder.maximumWeight(b.maximum).weigher((K key, EntryNode<V> node) -> node.weight)
                : typed(builder.maximumSize(b.maximum));
        typed = typed.evictionListener((K key, EntryNode<V> node, RemovalCause cause) -> {
            if (node != null) {
                evictedByCaffeine(node);
            }
        });
        if (perEntryTtl) {
            typed = typed.expireAfter(new NodeExpiry<>());
        }
        this.cache = typed.build();
        this.map = cache.asMap();
        this.eviction = cache.policy().eviction().orElseThrow();
        this.model = b.model;
        this.store = b.store;
        this.deadline = b.deadline;
        this.maintenance = b.executor != null ? b.executor : java.util.concurrent.ForkJoinPool.commonPool();

        if (b.model.readsHistory()) {
            NextAccessLoop.Builder nb = NextAccessLoop.builder().k(b.model.k()).admission(b.model.admission())
                    .store(b.store).deadline(b.deadline).breaker(b.breaker).loopName("caffeine-" + name);
            if (b.registry != null) {
                nb.meterRegistry(b.registry);
            }
            ToLongFunction<? super K> fingerprint = b.fingerprint != null ? b.fingerprint : KeyFingerprint::of;
            NextAccessLoop nextAccess = nb.build();
            this.floor = b.floorOn() ? new PolicyFloor(name, nextAccess, b.model, b.maximum, b.residentBound(), weighted,
                    b.floorListener, maintenance) : null;
            this.outcomes = b.outcomeDrift ? new OutcomeDrift(name) : null;
            this.inputs = b.inputDrift ? new InputWatch(name, b.trainingProfile(), b.residentBound()) : null;
            this.history = new HistoryEviction<>(b.model, nextAccess, map, eviction, residentWeight, b.maximum,
                    b.residentBound(), b.ghostsPerResident, b.maxDecisionsPerWrite, b.victimsPerDecision, fingerprint,
                    policyDecisions,
                    policyEvictions, fallbackWrites, floor, outcomes, inputs);
            this.loop = null;
            this.decider = null;
            this.candidateKeys = null;
            this.candidateNodes = null;
            this.candidateFiller = null;
            this.scores = null;
        } else {
            this.history = null;
            this.floor = null;
            this.outcomes = null;
            this.inputs = null;
            EvictionLoop.Builder lb = EvictionLoop.builder().k(b.k).store(b.store).deadline(b.deadline).breaker(b.breaker)
                    .mode(DecisionRuntime.Mode.INLINE).loopName("caffeine-" + name);
            if (b.registry != null) {
                lb.meterRegistry(b.registry);
            }
            this.loop = lb.build();
            this.decider = loop.newDecider();
            this.candidateKeys = new Object[b.k];
            this.candidateNodes = new Object[b.k];
            this.candidateFiller = this::fillCandidates;
            this.scores = decider::score;
        }

        if (b.registry != null) {
            CaffeineCacheMetrics.monitor(b.registry, cache, name);
            FunctionCounter.builder("reflex.caffeine.policy.evictions", policyEvictions, LongAdder::sum)
                    .description("entries the Reflex policy evicted").tag("cache", name).register(b.registry);
            FunctionCounter.builder("reflex.caffeine.fallback.writes", fallbackWrites, LongAdder::sum)
                    .description("writes needing room whose decision fell back to Caffeine's own eviction")
                    .tag("cache", name).register(b.registry);
            if (history != null) {
                FunctionCounter.builder("reflex.caffeine.admission.declines", history.declinesAdder(), LongAdder::sum)
                        .description("writes the history-1 model declined to cache").tag("cache", name)
                        .register(b.registry);
                FunctionCounter.builder("reflex.caffeine.fingerprint.conflicts", history.conflictsAdder(), LongAdder::sum)
                        .description("writes not cached because another resident key has the same fingerprint")
                        .tag("cache", name).register(b.registry);
            }
            if (floor != null) {
                floor.register(b.registry, name);
            }
            if (inputs != null) {
                inputs.register(b.registry, name);
            }
            if (outcomes != null) {
                outcomes.register(b.registry, name);
            }
        }
    }

    /** Caffeine evicted or expired {@code node} on its own (any thread, maybe under its eviction lock). */
    private void evictedByCaffeine(EntryNode<V> node) {
        residentWeight.add(-node.weight);
        if (history != null) {
            history.evicted(node);
        }
    }

    // Caffeine's builder starts as <Object, Object>; maximumSize does not narrow it.
    @SuppressWarnings("unchecked")
    private static <K, V> Caffeine<K, EntryNode<V>> typed(Caffeine<Object, Object> builder) {
        return (Caffeine<K, EntryNode<V>>) (Caffeine<?, ?>) builder;
    }

    /** A builder; the capacity and the policy (store or model) are required. */
    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * A store this adapter can serve {@code history-1} models from, for {@link Builder#policyStore}:
     * offer it a model file before building, and offer newer ones to the running cache's store to
     * swap them in (the next decision uses the new version). Offered models must keep the first
     * one's K, candidate set and admission. The caller owns it until the builder takes it.
     */
    public static PolicyStore historyModelStore() {
        return PolicyStore.create(ServedModel.historyLoader(), List.of());
    }

    /** The name given at build time (the {@code cache} tag and the loop {@code caffeine-<name>}). */
    public String name() {
        return name;
    }

    /**
     * The value for {@code key}, or null when absent or expired. Records the hit for the features
     * (with a history-1 model: a tick of the request clock; a miss does not tick, the write that
     * follows it does).
     */
    public V getIfPresent(K key) {
        EntryNode<V> node = cache.getIfPresent(key);
        if (node == null) {
            return null;
        }
        if (history != null) {
            history.hit(node);
        } else {
            node.recordHit(clock.approximateNanos());
        }
        return node.value;
    }

    /**
     * The value for {@code key}, loading it with {@code loader} on a miss and storing it; the load's
     * duration is the entry's origin RTT. Concurrent misses on one key each load (no coalescing).
     * A null from the loader is returned and not stored. With a history-1 model that declines the
     * loaded value ({@link #admissionDeclines()}), it is returned and not stored.
     */
    public V get(K key, Function<? super K, ? extends V> loader) {
        V hit = getIfPresent(key);
        if (hit != null) {
            return hit;
        }
        long start = ticker.read();
        V loaded = loader.apply(key);
        if (loaded != null) {
            put(key, loaded, (ticker.read() - start) / 1e6, null);
        }
        return loaded;
    }

    /** Stores {@code value} with no origin RTT and no TTL. */
    public void put(K key, V value) {
        put(key, value, 0, null);
    }

    /**
     * Stores {@code value}, first letting the policy make room when the write would exceed the
     * capacity. A history-1 model that answers admission may decline the value instead: it is then
     * not stored ({@link #admissionDeclines()}); nor is a value whose key's fingerprint another
     * resident key holds ({@link #fingerprintConflicts()}).
     *
     * @param originRttMillis what fetching it from the origin took, in milliseconds (a feature)
     * @param ttl             its time to live, or null for none; requires {@code perEntryTtl()}
     * @throws IllegalArgumentException on a negative or NaN RTT, a non-positive TTL, a negative weight
     * @throws IllegalStateException    on a TTL when the cache was built without per-entry TTLs
     */
    public void put(K key, V value, double originRttMillis, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!(originRttMillis >= 0) || Double.isInfinite(originRttMillis)) {
            throw new IllegalArgumentException("origin RTT must be finite and >= 0 ms, got " + originRttMillis);
        }
        long ttlNanos = EntryNode.NO_TTL;
        if (ttl != null) {
            if (!perEntryTtl) {
                throw new IllegalStateException("cache '" + name + "' was built without perEntryTtl(); cannot store a TTL");
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("TTL must be positive, got " + ttl);
            }
            ttlNanos = ttl.toNanos();
        }
        int weight = 1;
        if (weighted) {
            weight = weigher.weigh(key, value);
            if (weight < 0) {
                throw new IllegalArgumentException("weigher returned a negative weight " + weight + " for key " + key);
            }
        }
        long now = clock.approximateNanos();
        if (history != null) {
            history.store(key, value, weight, now, ttlNanos, originRttMillis);
            return;
        }
        makeRoomFor(weight, now);
        EntryNode<V> previous = map.put(key, new EntryNode<>(value, weight, now, ttlNanos, originRttMillis));
        residentWeight.add(previous == null ? weight : weight - previous.weight);
    }

    /** Removes {@code key} if present. */
    public void invalidate(K key) {
        if (history != null) {
            history.invalidate(key);
            return;
        }
        EntryNode<V> removed = map.remove(key);
        if (removed != null) {
            residentWeight.add(-removed.weight);
        }
    }

    /** Removes every entry. */
    public void invalidateAll() {
        for (K key : map.keySet()) {
            invalidate(key);
        }
    }

    /** Caffeine's estimate of the entry count. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /**
     * What the cache holds in the capacity's unit (bytes with a weigher, else entries), as Caffeine
     * reports it after running its pending maintenance.
     */
    public long weightedSize() {
        cache.cleanUp();
        return weighted ? eviction.weightedSize().orElseThrow() : cache.estimatedSize();
    }

    /**
     * The adapter's own count of resident weight (added on write, subtracted on invalidation,
     * replacement and Caffeine's removals), on which it judges whether a write needs room; equal to
     * {@link #weightedSize()} once writes and maintenance have settled. For tests.
     */
    long accountedWeight() {
        cache.cleanUp();
        return residentWeight.sum();
    }

    /** The capacity in its unit (bytes with a weigher, else entries). */
    public long maximum() {
        return eviction.getMaximum();
    }

    /**
     * Runs Caffeine's pending maintenance (evictions, expirations) now and, with a history-1
     * model, replays the buffered hits and the floor's waiting sampled requests on the calling
     * thread, so that the counters and switches read next include every request made before.
     */
    public void cleanUp() {
        cache.cleanUp();
        if (history != null) {
            history.cleanUp();
        }
    }

    /** Caffeine's statistics (all zero unless built with {@code recordStats()} or a registry). */
    public CacheStats stats() {
        return cache.stats();
    }

    /** Decisions the policy made (not counting fallbacks). */
    public long policyDecisions() {
        return policyDecisions.sum();
    }

    /** Entries the policy evicted. */
    public long policyEvictions() {
        return policyEvictions.sum();
    }

    /** Writes that needed room but whose decision fell back, leaving the eviction to Caffeine. */
    public long fallbackWrites() {
        return fallbackWrites.sum();
    }

    /** Lasting changes of the hit ratio signalled ({@link Builder#outcomeDrift}); 0 without the test. */
    public long hitRatioChanges() {
        return outcomes == null ? 0 : outcomes.changes();
    }

    /** Windows of the model's inputs that drifted from its training profile ({@link Builder#inputDrift}); 0 without the watch. */
    public long inputDrifts() {
        return inputs == null ? 0 : inputs.alarms();
    }

    /** The input watch, or null (tests). */
    InputWatch inputWatch() {
        return inputs;
    }

    /** Of {@link #hitRatioChanges()}, the falls. */
    public long hitRatioFalls() {
        return outcomes == null ? 0 : outcomes.falls();
    }

    /** Times the floor ({@link Builder#floor}) demoted the learned policy; 0 without a floor. */
    public long floorDemotions() {
        return floor == null ? 0 : floor.demotions();
    }

    /** Times the floor promoted a demoted learned policy back; 0 without a floor. */
    public long floorPromotions() {
        return floor == null ? 0 : floor.promotions();
    }

    /** Writes that needed room while the learned policy was demoted, evicted in Caffeine's order. */
    public long floorWrites() {
        return floor == null ? 0 : floor.writes();
    }

    /**
     * Sampled requests the floor's shadows took on a caller's thread, its queue being full because
     * the executor fell behind (a busy machine, a saturated pool); 0 without a floor. While it
     * stays near 0 the floor costs callers a counter and a few stores per request.
     */
    public long floorCallerReplays() {
        return floor == null ? 0 : floor.replayedByCaller();
    }

    /**
     * Shadow-evaluates {@code model} as a challenger: its miniature runs on the floor's sampled keys
     * beside the live cache, never acting, and its outcome on each sampled request is paired with
     * the live cache's; when it leads with confidence (the floor's switch, z =
     * {@value io.reflex.engine.adapt.LruFloor#DEFAULT_Z}), the file is offered to the cache's store
     * on the maintenance executor and, once the store accepts it, serves
     * ({@link #challengerWins()}, {@code reflex.caffeine.challenger.wins}, a log line). A challenger
     * that never leads is never swapped in. A second call replaces the challenger under evaluation.
     * Needs a {@code history-1} model with its floor (on unless {@link Builder#floor}{@code (false)}); the challenger must
     * have the served model's schema, K, candidate set and admission. Cost: the challenger's model
     * decisions in its miniature, about the sampling rate of the live cache's, and its miniature's
     * memory (as the floor's learned miniature). Thread-safe; returns at once.
     *
     * @throws IllegalStateException    without a history-1 model and a floor
     * @throws IllegalArgumentException naming the file when it does not load, or its contract differs
     */
    public void challenge(Path model) {
        Objects.requireNonNull(model, "model");
        if (history == null || floor == null) {
            throw new IllegalStateException("challenge(" + model + ") needs a history-1 model and its floor (not floor(false)): the "
                    + "challenger is paired with the live cache on the floor's sampled keys");
        }
        EvictionModel contract = ServedModel.check(model);
        if (!contract.equals(this.model)) {
            throw new IllegalArgumentException(model + ": a challenger must keep the served model's contract " + this.model
                    + ", it has " + contract);
        }
        PolicyStore challengerStore = historyModelStore();
        SwapResult r = challengerStore.offer(model);
        if (!r.accepted()) {
            challengerStore.close();
            throw new IllegalArgumentException("the engine refused challenger " + model + ": " + r.reason());
        }
        NextAccessLoop challengerLoop = NextAccessLoop.builder().k(contract.k()).admission(contract.admission())
                .store(challengerStore).deadline(deadline).loopName("caffeine-" + name + "-challenger").build();
        history.challenge(challengerLoop, contract, model.toString(), () -> {
            challengerLoop.close();
            challengerStore.close();
        }, () -> maintenance.execute(() -> {
            SwapResult swap = store.offer(model);
            System.getLogger(ReflexCache.class.getName()).log(swap.accepted() ? System.Logger.Level.INFO
                    : System.Logger.Level.WARNING, "cache '" + name + "': challenger " + model + (swap.accepted()
                    ? " swapped in" : " won but the store refused it: " + swap.reason()));
        }));
    }

    /** Challengers that won their shadow evaluation ({@link #challenge}) and were offered to the store. */
    public long challengerWins() {
        return floor == null ? 0 : floor.challengerWins();
    }

    /** The challenger under shadow evaluation (its file), if any. */
    public java.util.Optional<String> challenger() {
        return history == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(history.challengerLabel());
    }

    /** Whether the learned policy makes the evictions (true without a floor), as of the latest switch. */
    public boolean learnedPolicyServes() {
        return floor == null || floor.learnedServes();
    }

    /**
     * Writes a history-1 model declined to cache (the value was returned to the caller, not stored);
     * 0 for other models.
     */
    public long admissionDeclines() {
        return history == null ? 0 : history.declines();
    }

    /**
     * Writes not cached because a different resident key had the same 64-bit fingerprint
     * ({@link Builder#keyFingerprint}); 0 on the Cold-RL path.
     */
    public long fingerprintConflicts() {
        return history == null ? 0 : history.conflicts();
    }

    /**
     * The contract of the model served: its schema, candidate set, K and admission (a store with no
     * model at build time: Cold-RL's defaults).
     */
    public EvictionModel evictionModel() {
        return model;
    }

    /** Candidates per decision. */
    public int k() {
        return history != null ? history.loop().k() : loop.k();
    }

    /**
     * The Cold-RL eviction loop (its runtime, store, breaker and counters by fallback cause).
     *
     * @throws IllegalStateException when the cache serves a history-1 model ({@link #nextAccessLoop()})
     */
    public EvictionLoop evictionLoop() {
        if (loop == null) {
            throw new IllegalStateException("cache '" + name + "' serves a " + model.schema()
                    + " model through nextAccessLoop(), not a Cold-RL eviction loop");
        }
        return loop;
    }

    /**
     * The history-1 loop (its runtime, store, breaker and counters by fallback cause).
     *
     * @throws IllegalStateException when the cache serves a Cold-RL model ({@link #evictionLoop()})
     */
    public NextAccessLoop nextAccessLoop() {
        if (history == null) {
            throw new IllegalStateException("cache '" + name + "' serves a Cold-RL model through evictionLoop()");
        }
        return history.loop();
    }

    /** The history-1 path, for this package's tests; null on the Cold-RL path. */
    HistoryEviction<K, V> historyEviction() {
        return history;
    }

    /**
     * A read-only snapshot of the keys Caffeine would evict first, coldest first (what a Cold-RL
     * policy's candidates are drawn from, and what a history-1 cache's fallback evicts).
     */
    public List<K> coldestKeys(int limit) {
        return List.copyOf(eviction.coldest(limit).keySet());
    }

    /** Whether {@code key} is present, without recording an access. */
    public boolean containsKey(K key) {
        return map.containsKey(key);
    }

    @Override
    public void close() {
        if (history != null) {
            history.close();
            return;
        }
        decisionLock.lock();
        try {
            decider.close();
            loop.close();
        } finally {
            decisionLock.unlock();
        }
    }

    private boolean needsRoom(long weight) {
        return residentWeight.sum() + weight > maximum;
    }

    /**
     * Makes room for a write of {@code weight}, amortising decisions: each decision evicts its
     * victim mask, then tops the free space up to {@link #headroom} beyond this write by evicting
     * further candidates in the policy's order, at most {@link #victimsPerDecision} in all (the
     * policy still chooses which quarter of the coldest K stays). Writes that then fit need no decision.
     */
    private void makeRoomFor(int weight, long now) {
        if (!needsRoom(weight) || weight > maximum) {
            return;   // it fits, or Caffeine will refuse it whatever is evicted
        }
        decisionLock.lock();
        try {
            decisionNanos = now;
            long target = Math.max(0, maximum - headroom - weight);   // resident weight after topping up
            for (int round = 0; round < maxDecisionsPerWrite && needsRoom(weight); round++) {
                int n = eviction.coldest(candidateFiller);
                if (n == 0) {
                    return;
                }
                long mask = decider.decide();
                FallbackCause cause = decider.lastCause();
                if (cause != null) {
                    fallbackWrites.increment();
                    return;   // Caffeine evicts by its own choice when the write lands
                }
                policyDecisions.increment();
                // The counters are updated once per decision, not per victim: each update is an
                // atomic instruction, a measurable part of an evicting write.
                int evicted = 0;
                long freed = 0;
                for (long m = mask; m != 0; m &= m - 1) {
                    long w = evict(Long.numberOfTrailingZeros(m));
                    if (w >= 0) {
                        evicted++;
                        freed += w;
                    }
                }
                long taken = mask;
                long resident = residentWeight.sum();
                while (evicted < victimsPerDecision && resident - freed > target) {
                    int next = PolicyOrder.nextBest(scores, n, taken);
                    if (next < 0) {
                        break;
                    }
                    taken |= 1L << next;
                    long w = evict(next);
                    if (w >= 0) {
                        evicted++;
                        freed += w;
                    }
                }
                residentWeight.add(-freed);
                policyEvictions.add(evicted);
            }
        } finally {
            java.util.Arrays.fill(candidateKeys, null);
            java.util.Arrays.fill(candidateNodes, null);
            decisionLock.unlock();
        }
    }

    /**
     * Evicts candidate {@code position} unless its key was rewritten (or removed) since the snapshot:
     * the conditional remove never takes a newer entry in the old one's place. Returns the weight
     * freed, or -1 when nothing was evicted; the caller updates the counters.
     */
    private long evict(int position) {
        @SuppressWarnings("unchecked")
        K key = (K) candidateKeys[position];
        @SuppressWarnings("unchecked")
        EntryNode<V> node = (EntryNode<V>) candidateNodes[position];
        return map.remove(key, node) ? node.weight : -1;
    }

    /** Fills the decider's candidates from Caffeine's coldest entries; runs under the decision lock. */
    private Integer fillCandidates(Stream<Policy.CacheEntry<K, EntryNode<V>>> coldest) {
        EvictionCandidates c = decider.candidates();
        c.clear();
        long now = decisionNanos;
        int k = c.capacity();
        Iterator<Policy.CacheEntry<K, EntryNode<V>>> it = coldest.iterator();
        while (c.count() < k && it.hasNext()) {
            Policy.CacheEntry<K, EntryNode<V>> e = it.next();
            EntryNode<V> node = e.getValue();
            int i = c.count();
            candidateKeys[i] = e.getKey();
            candidateNodes[i] = node;
            c.next().ageSeconds(Math.max(0, now - node.insertedNanos) * 1e-9).sizeBytes(weighted ? node.weight : 1)
                    .hits(node.hits).interArrivalSeconds(node.interArrivalSeconds(now))
                    .ttlSeconds(node.remainingTtlSeconds(now)).rttMillis(node.originRttMillis);
        }
        return c.count();
    }

    /** Per-entry TTLs from the node, measured from the write; reads do not extend them. */
    private static final class NodeExpiry<K, V> implements Expiry<K, EntryNode<V>> {
        @Override
        public long expireAfterCreate(K key, EntryNode<V> node, long currentTime) {
            return node.ttlNanos == EntryNode.NO_TTL ? Long.MAX_VALUE >> 2 : node.ttlNanos;
        }

        @Override
        public long expireAfterUpdate(K key, EntryNode<V> node, long currentTime, long currentDuration) {
            return expireAfterCreate(key, node, currentTime);
        }

        @Override
        public long expireAfterRead(K key, EntryNode<V> node, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * Validated settings of a {@link ReflexCache}. Required: a capacity ({@link #maximumWeight} with
     * a {@link #weigher}, or {@link #maximumSize}) and a policy ({@link #policyStore} or
     * {@link #model}). Each setter refuses a bad value at once with a message naming it. Not
     * thread-safe; one builder per cache.
     */
    public static final class Builder<K, V> {
        private long maximum = -1;
        private boolean maximumIsWeight;
        private Weigher<? super K, ? super V> weigher;
        private int k = 16;
        private PolicyStore store;
        private Duration deadline = DecisionDeadline.DEFAULT;
        private CircuitBreaker breaker;
        private MeterRegistry registry;
        private String name = "reflex";
        private Ticker ticker = Ticker.systemTicker();
        private Executor executor;
        private boolean perEntryTtl;
        private boolean recordStats;
        private int maxDecisionsPerWrite = 8;
        private double headroom = DEFAULT_HEADROOM;
        private boolean kSet;
        private OptionalInt trainedK = OptionalInt.empty();
        private EvictionModel model = COLD_RL_DEFAULT;
        private long maximumEntries = -1;
        private int ghostsPerResident = DEFAULT_GHOSTS_PER_RESIDENT;
        private int victimsPerDecision = 1;
        private ToLongFunction<? super K> fingerprint;
        /** Null: the default, on with a history-1 model. */
        private Boolean floor;
        private FloorListener floorListener;
        private boolean outcomeDrift;
        private boolean inputDrift;

        private Builder() {
        }

        /** Byte (or other unit) capacity; needs a {@link #weigher}. */
        public Builder<K, V> maximumWeight(long maximumWeight) {
            if (maximum >= 0) {
                throw new IllegalStateException("capacity already set to " + maximum);
            }
            if (maximumWeight < 1) {
                throw new IllegalArgumentException("maximumWeight must be >= 1, got " + maximumWeight);
            }
            this.maximum = maximumWeight;
            this.maximumIsWeight = true;
            return this;
        }

        /** Entry capacity. */
        public Builder<K, V> maximumSize(long maximumSize) {
            if (maximum >= 0) {
                throw new IllegalStateException("capacity already set to " + maximum);
            }
            if (maximumSize < 1) {
                throw new IllegalArgumentException("maximumSize must be >= 1, got " + maximumSize);
            }
            this.maximum = maximumSize;
            return this;
        }

        /** The weight (size in bytes, typically) of each entry, with {@link #maximumWeight}. */
        public Builder<K, V> weigher(Weigher<? super K, ? super V> weigher) {
            this.weigher = Objects.requireNonNull(weigher, "weigher");
            return this;
        }

        /**
         * Candidates per decision, Caffeine's K coldest (1 to 64). Default: the K the model was built
         * for (a joint model's output width, a candidate-rows model's {@code reflex.k} metadata),
         * else 16. {@link #build()} refuses a K that disagrees with the model's.
         */
        public Builder<K, V> k(int k) {
            if (k < 1 || k > 64) {
                throw new IllegalArgumentException("K must be in [1, 64], got " + k);
            }
            this.k = k;
            this.kSet = true;
            return this;
        }

        /**
         * The free space a decision tops up beyond the write it serves, as a fraction of the maximum
         * (default 1/128; 0 to 0.25; 0: a decision frees just its mask's victims). Each decision then
         * evicts, after its victim mask, further candidates in the policy's order until that much is
         * free or three quarters of the candidates are gone, so the writes that follow need no
         * decision. The cost: up to this fraction of the capacity stands empty between decisions.
         */
        public Builder<K, V> headroom(double fractionOfMaximum) {
            if (!(fractionOfMaximum >= 0 && fractionOfMaximum <= 0.25)) {
                throw new IllegalArgumentException("headroom must be a fraction in [0, 0.25], got " + fractionOfMaximum);
            }
            this.headroom = fractionOfMaximum;
            return this;
        }

        /**
         * The store serving the policy; the cache takes ownership. The model it serves now is checked
         * as {@link #model} checks a file (its metadata and shape, read from the version's file), and
         * decides the path: a {@code history-1} model is served by its next-access loop, anything
         * else (or no model yet) by the Cold-RL loop.
         *
         * @throws IllegalArgumentException naming the file and what it needs that the adapter does
         *                                  not feed, as {@link #model} would; the store is then not
         *                                  taken (the caller still owns it)
         */
        public Builder<K, V> policyStore(PolicyStore store) {
            Objects.requireNonNull(store, "store");
            java.util.Optional<EvictionModel> served = ServedModel.ofStore(store);
            Path file = store.version().map(io.reflex.engine.runtime.ModelVersion::file).orElse(null);
            if (served.isPresent() && served.get().readsHistory()) {
                this.trainedK = OptionalInt.of(served.get().k());
            } else {
                this.trainedK = TrainedK.of(store, file);
            }
            this.model = served.orElse(COLD_RL_DEFAULT);
            replaceStore(store);
            return this;
        }

        /** A second policyStore(..) or model(..) replaces the first, whose store the builder owned. */
        private void replaceStore(PolicyStore next) {
            if (store != null && store != next) {
                store.close();
            }
            store = next;
        }

        /**
         * Loads {@code model} into a new store, as its metadata says to serve it
         * ({@link EvictionModel}). A Cold-RL model loads with {@link EvictionLoop#hostLoader()}: the
         * default checks, and it is refused when trained on a hit history that survives eviction
         * ({@link EvictionFeatures#HIT_HISTORY_METADATA}: this path keeps hits since admission) or
         * on candidates other than the K coldest ({@link EvictionLoop#CANDIDATES_METADATA}). A
         * {@code history-1} model must be the schema's one-row network ({@code [1, 11] -> [1, 1]});
         * its K, candidate set and admission come from its metadata.
         *
         * @throws IllegalArgumentException naming the file and what it needs that the adapter does
         *                                  not feed, or why the engine refused it
         */
        public Builder<K, V> model(Path model) {
            Objects.requireNonNull(model, "model");
            EvictionModel contract = ServedModel.check(model);
            PolicyStore s = PolicyStore.create(contract.readsHistory() ? ServedModel.historyLoader()
                    : ServedModel.coldRlLoader().build(), List.of());
            SwapResult r = s.offer(model);
            if (!r.accepted()) {
                s.close();
                throw new IllegalArgumentException("the engine refused " + model + ": " + r.reason());
            }
            try {
                this.trainedK = contract.readsHistory() ? OptionalInt.of(contract.k()) : TrainedK.of(s, model);
            } catch (IllegalArgumentException e) {
                s.close();
                throw e;
            }
            this.model = contract;
            replaceStore(s);
            return this;
        }

        /**
         * With {@link #maximumWeight} and a {@code history-1} model: the most entries resident at
         * once, which sizes the bounded history (a write beyond it makes room as a write beyond
         * the weight does). Required there; refused with {@link #maximumSize}, which bounds the
         * entries already; ignored by a Cold-RL model.
         */
        public Builder<K, V> maximumEntries(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maximumEntries must be >= 1, got " + entries);
            }
            this.maximumEntries = entries;
            return this;
        }

        /**
         * With a {@code history-1} model: evicted (or declined) objects whose history is kept, per
         * resident entry (1 to 64; default {@value ReflexCache#DEFAULT_GHOSTS_PER_RESIDENT}); the
         * least recently seen is forgotten first. Each slot, resident or ghost, costs about
         * {@value io.reflex.engine.eviction.BoundedHistory#BYTES_PER_SLOT} bytes of history plus about
         * 20 of the adapter's; a resident's node carries 56 more (its history and admission). Ignored by a
         * Cold-RL model.
         */
        public Builder<K, V> ghostsPerResident(int ghosts) {
            if (ghosts < 1 || ghosts > 64) {
                throw new IllegalArgumentException("ghostsPerResident must be in [1, 64], got " + ghosts);
            }
            this.ghostsPerResident = ghosts;
            return this;
        }

        /**
         * With a {@code history-1} model: up to {@code n} candidates evicted per decision, the model's
         * choice first and then the next farthest predicted (1 to the model's K; default 1, one
         * decision per victim, as the development suite measures). More amortises a decision (about
         * 6 µs at K = 64) over several writes, at the price of running up to {@code n − 1} entries
         * below the maximum and of later victims chosen from an older sample. Ignored by a Cold-RL
         * model.
         */
        public Builder<K, V> victimsPerDecision(int n) {
            if (n < 1 || n > EvictionModel.MAX_K) {
                throw new IllegalArgumentException("victimsPerDecision must be in [1, " + EvictionModel.MAX_K + "], got " + n);
            }
            this.victimsPerDecision = n;
            return this;
        }

        /**
         * With a {@code history-1} model: a floor under the learned policy (default on). Caffeine's
         * own policy, W-TinyLFU, runs in miniature beside the cache over a sample of the keys
         * (4,096 / entries of them), and so does the learned policy; when the cache loses to the
         * miniature W-TinyLFU with confidence, the learned policy is demoted and Caffeine's own
         * order evicts (every write admitted), until the learned policy's miniature beats the
         * cache with confidence. Costs a sampled request's shadow accesses, under 3 MiB, and
         * about 1 in {@code 1 / rate} writes a model decision in the miniature, all on the cache's
         * executor. {@code floor(false)} serves the learned policy whatever it loses (for a
         * measurement of the policy alone, or a host that keeps its own floor). {@code floor(true)}
         * is refused with a Cold-RL model, which has no floor. See
         * {@code docs/caffeine-history-models.md}, "The floor".
         */
        public Builder<K, V> floor(boolean on) {
            this.floor = on;
            return this;
        }

        /**
         * With a {@code history-1} model: watch the hit ratio for lasting changes (default off), a
         * Page-Hinkley test on the hit stream; each change is logged, counted
         * ({@code reflex.caffeine.hit.ratio.changes}, tagged {@code change=rose|fell}) and shown by
         * {@link ReflexCache#hitRatioChanges()}. Costs a few arithmetic operations per request,
         * under the lock that replays hits. Refused with a Cold-RL model.
         */
        public Builder<K, V> outcomeDrift(boolean on) {
            this.outcomeDrift = on;
            return this;
        }

        /**
         * With a {@code history-1} model: watch the model's inputs against the profile of the rows it
         * met in training, its {@code reflex.profile} metadata (default off): the population
         * stability index of each column over windows of 10,000 rows from one decision in eight,
         * after a warm-up of {@code max(4 × entries, 16,384)} requests; a window above 0.25 is logged
         * ({@code WARNING}), counted ({@code reflex.caffeine.input.drift}) and shown by
         * {@link ReflexCache#inputDrifts()}. The profile is the model's served at build time. Costs
         * a copy and a bin search per column of the observed rows, under the decision's lock.
         * Refused (at build) with a model that has no profile, naming the file.
         */
        public Builder<K, V> inputDrift(boolean on) {
            this.inputDrift = on;
            return this;
        }

        /** The profile in the served model's metadata; refused naming the file when it has none. */
        io.reflex.engine.adapt.FeatureProfile trainingProfile() {
            Path file = store.version().map(io.reflex.engine.runtime.ModelVersion::file).orElseThrow(
                    () -> new IllegalStateException("inputDrift(true) needs a model served from the start"));
            return io.reflex.engine.adapt.FeatureProfile.fromMetadata(io.reflex.engine.onnx.OnnxModel.read(file).metadata(),
                    file).orElseThrow(() -> new IllegalArgumentException(file + " has no " + io.reflex.engine.adapt.FeatureProfile.METADATA
                    + " metadata (a model trained before profiles were recorded): retrain it, or leave inputDrift off"));
        }

        /** Hears each switch of the {@link #floor}; needs the floor on. */
        public Builder<K, V> floorListener(FloorListener listener) {
            this.floorListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * With a {@code history-1} model: the 64-bit fingerprint by which the bounded history knows a
         * key after its entry is gone (default: exact for {@code Long}, {@code Integer} and the other
         * integral boxes, a 64-bit FNV-1a hash for {@code String}, the spread {@code hashCode()}
         * otherwise). Two keys with one fingerprint share a history; the second is not cached while
         * the first is resident ({@link ReflexCache#fingerprintConflicts()}). Ignored by a Cold-RL
         * model.
         */
        public Builder<K, V> keyFingerprint(ToLongFunction<? super K> fingerprint) {
            this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
            return this;
        }

        /** Whether the model given so far ({@link #model} or {@link #policyStore}) is a history-1 model. */
        public boolean servesHistory() {
            return model.readsHistory();
        }

        /** Whether the cache gets a floor: asked for, or by default with a history-1 model. */
        boolean floorOn() {
            return floor != null ? floor : model.readsHistory();
        }

        /** The resident bound of a history-1 cache: the entry capacity, or maximumEntries. */
        int residentBound() {
            return (int) (maximumIsWeight ? maximumEntries : maximum);
        }

        /** The decision deadline ({@link DecisionDeadline#DEFAULT}, validated by {@link DecisionDeadline#require}); later decisions fall back to Caffeine. */
        public Builder<K, V> deadline(Duration deadline) {
            this.deadline = DecisionDeadline.require(deadline);
            return this;
        }

        /** The circuit breaker (default: the engine's defaults). */
        public Builder<K, V> breaker(CircuitBreaker breaker) {
            this.breaker = Objects.requireNonNull(breaker, "breaker");
            return this;
        }

        /** Binds Caffeine's statistics and Reflex's meters (loop {@code caffeine-<name>}) here. */
        public Builder<K, V> meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The cache's name: 1–64 of {@code [A-Za-z0-9_.-]} (default {@code reflex}). */
        public Builder<K, V> name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("cache name must be 1-64 of [A-Za-z0-9_.-], got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** The clock for Caffeine and for the features (default the system ticker). */
        public Builder<K, V> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Caffeine's maintenance executor, which also runs the floor's shadows and a challenger's
         * swap (default Caffeine's, the common pool). {@code Runnable::run} runs them all on the
         * callers' threads, at fixed points of the request stream: deterministic, for tests and
         * simulations.
         */
        public Builder<K, V> executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Enables TTLs per entry ({@code put(key, value, rtt, ttl)}), expired by Caffeine itself. */
        public Builder<K, V> perEntryTtl() {
            this.perEntryTtl = true;
            return this;
        }

        /** Records Caffeine's statistics even without a registry. */
        public Builder<K, V> recordStats() {
            this.recordStats = true;
            return this;
        }

        /** The most decisions one write may take to make room (default 8); the rest is Caffeine's. */
        public Builder<K, V> maxDecisionsPerWrite(int decisions) {
            if (decisions < 1 || decisions > 1024) {
                throw new IllegalArgumentException("maxDecisionsPerWrite must be in [1, 1024], got " + decisions);
            }
            this.maxDecisionsPerWrite = decisions;
            return this;
        }

        /**
         * Validates the settings and builds the cache. When it throws, the store given to
         * {@link #policyStore} or created by {@link #model} is closed: the cache owned it.
         *
         * @throws IllegalStateException when the capacity or the policy is missing, the weigher and
         *                               the capacity kind disagree, {@code k} disagrees with the
         *                               model's K, or a history-1 model lacks its entry bound
         *                               ({@link #maximumEntries}) or would need more than 2^28
         *                               history slots
         */
        public ReflexCache<K, V> build() {
            try {
                return validatedBuild();
            } catch (RuntimeException e) {
                if (store != null) {
                    store.close();
                    store = null;
                }
                throw e;
            }
        }

        private ReflexCache<K, V> validatedBuild() {
            if (maximum < 0) {
                throw new IllegalStateException("a ReflexCache needs a capacity: maximumWeight(..) with weigher(..), or maximumSize(..)");
            }
            if (maximumIsWeight && weigher == null) {
                throw new IllegalStateException("maximumWeight(" + maximum + ") needs a weigher");
            }
            if (!maximumIsWeight && weigher != null) {
                throw new IllegalStateException("a weigher needs maximumWeight, not maximumSize(" + maximum + ")");
            }
            if (store == null) {
                throw new IllegalStateException("a ReflexCache needs a policy: policyStore(..) or model(..)");
            }
            if (model.readsHistory()) {
                validateHistory();
            } else if (Boolean.TRUE.equals(floor)) {
                throw new IllegalStateException("floor(true) needs a history-1 model: the floor compares it with "
                        + "Caffeine's own eviction on sampled keys; this cache serves " + model.schema());
            } else if (outcomeDrift) {
                throw new IllegalStateException("outcomeDrift(true) needs a history-1 model, whose adapter sees every "
                        + "request in order; this cache serves " + model.schema());
            } else if (inputDrift) {
                throw new IllegalStateException("inputDrift(true) needs a history-1 model, whose profile it checks; "
                        + "this cache serves " + model.schema());
            }
            if (inputDrift) {
                trainingProfile();   // refused here, naming the file, rather than half-way through construction
            }
            if (floorListener != null && !floorOn()) {
                throw new IllegalStateException("floorListener(..) needs the floor: a history-1 model, and not floor(false)");
            }
            if (trainedK.isPresent()) {
                if (kSet && k != trainedK.getAsInt()) {
                    throw new IllegalStateException("k(" + k + ") does not match the model's K = " + trainedK.getAsInt()
                            + " (a joint model's output width, or a candidate-rows or history-1 model's "
                            + TrainedK.METADATA_KEY + " metadata); leave k unset to use the model's");
                }
                k = trainedK.getAsInt();
            }
            if (breaker == null) {
                breaker = CircuitBreaker.builder().build();
            }
            return new ReflexCache<>(this);
        }

        private void validateHistory() {
            if (maximumIsWeight && maximumEntries < 0) {
                throw new IllegalStateException("a history-1 model over maximumWeight(" + maximum + ") needs "
                        + "maximumEntries(n), the most entries resident at once: it sizes the bounded history");
            }
            if (!maximumIsWeight && maximumEntries >= 0) {
                throw new IllegalStateException("maximumEntries(" + maximumEntries + ") is for maximumWeight; "
                        + "maximumSize(" + maximum + ") bounds the entries already");
            }
            if (victimsPerDecision > model.k()) {
                throw new IllegalStateException("victimsPerDecision(" + victimsPerDecision + ") exceeds the model's K = "
                        + model.k() + ": a decision has no more candidates");
            }
            long bound = maximumIsWeight ? maximumEntries : maximum;
            if (bound * (1L + ghostsPerResident) > 1 << 28) {
                throw new IllegalStateException("a history-1 cache of " + bound + " entries with " + ghostsPerResident
                        + " ghosts each needs " + bound * (1L + ghostsPerResident) + " history slots, more than 2^28");
            }
        }
    }
}
