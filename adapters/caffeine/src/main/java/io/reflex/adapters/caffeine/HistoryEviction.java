package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Policy;
import io.reflex.engine.adapt.SpatialSampler;
import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.BoundedHistory;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.eviction.RecencyList;
import io.reflex.engine.eviction.ResidentIndex;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * The state and decisions of a {@link ReflexCache} serving a {@value HistoryFeatures#SCHEMA} model:
 * what the simulator's {@code NextAccessPolicy} keeps per object, kept by a live cache within a
 * bound, and the same decisions made from it.
 *
 * <h2>State</h2>
 * <ul>
 *   <li>The request clock: one tick per request that reaches an object, a hit ({@link #hit}) or a
 *       write ({@link #store}); a lookup that misses does not tick, so that a miss followed by its
 *       write (or {@code get(key, loader)}) is one request, as it is one request of a trace. A hit
 *       takes its tick when it is replayed from the hit buffer (below), in the buffer's order.</li>
 *   <li>A {@link BoundedHistory} keyed by the key's 64-bit fingerprint: a slot per resident and
 *       the ghosts (evicted or declined objects, recycled least recently seen first), whose
 *       histories it holds. A resident's history is not in its slot while it is resident: it moves
 *       onto its {@link HistoryNode} at admission and back into the slot when the node leaves
 *       ({@link #release}); a decision copies its candidates' histories into a K-slot scratch
 *       history for the features. So a replayed hit updates the node the lookup has just loaded,
 *       not a slot of a table of megabytes whose line missed the cache on nearly every hit.</li>
 *   <li>Per resident slot: its key and node (to evict it); on the node, its history, the tick it
 *       was admitted at, its weight (the size) and its hits since admission (requests that found
 *       it resident, replacements included; all handed on to a replacing node), or
 *       {@link EntryNode#RELEASED} once the node is no longer its slot's resident: a replayed hit
 *       reads the node it already holds, not the slot's arrays.</li>
 *   <li>The candidate source the model was trained on: a {@link ResidentIndex} for {@code sampled}
 *       (seeded with the simulator's seed, {@value ResidentIndex#SAMPLING_SEED}, so a replay draws its samples),
 *       or a {@link RecencyList} for {@code lru}: the adapter's own exact recency order, not
 *       Caffeine's {@code coldest}, whose order is W-TinyLFU's (window, probation and protected
 *       merged by frequency), not the least recently used the model was trained on, and which
 *       allocates a snapshot under Caffeine's eviction lock per call. Every hit is replayed under
 *       this class's lock anyway, so keeping the order exact costs two array writes per hit.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * A write that needs room (the resident weight plus the write over the maximum, or the resident
 * bound reached) asks the model: K candidates, each a row of {@link HistoryFeatures}, plus the
 * incoming object's row in the first decision of the write. When the model answers admission and
 * predicts the incoming object farther than the victim, the value is not cached (the ghost keeps
 * the request in its history) and the decline is counted; otherwise the victim is invalidated and,
 * while room is still needed, further decisions without the incoming row follow (at most
 * {@code maxDecisionsPerWrite}). A decision that falls back (no model, breaker open, deadline,
 * error, non-finite output) leaves the choice to Caffeine: its coldest entries, in its own eviction
 * order, are invalidated until the write fits, and the write is admitted.
 *
 * <h2>Floor</h2>
 * With a {@link PolicyFloor}, every request that reaches an object is reported to it under the
 * lock, with its outcome (a replayed hit, a write's replacement: hit; a write's miss: not), in
 * replay order; whether the floor samples a key is decided at its write and kept on its node, so a
 * replayed hit of an unsampled key is only counted. While it says the learned policy is demoted, a
 * write that needs room evicts as the fallback does, Caffeine's coldest entries in its own order,
 * and admits the write; such writes are counted by the floor, not as fallbacks. A replayed hit
 * whose node was replaced or evicted meanwhile is not reported (it has no slot to name its key
 * by): rare, and only under concurrency.
 *
 * <h2>Threading</h2>
 * The clock and the histories advance under one lock, in one order, for the features to mean what
 * they meant in training. A hit does not take that lock: it appends its node to a bounded ring
 * buffer of {@value #HIT_BUFFER} entries (claims an index by compare-and-set, then publishes the
 * node), and the buffered hits are replayed under the lock, in buffer order, each taking the next
 * tick: first thing by every write, invalidation and state read ({@link #checkInvariants}, a
 * decision), so that a write sees every hit appended before it, and a single thread's requests
 * are replayed exactly in their order, as the simulator replays a trace; and by a hit that finds
 * {@value #HIT_DRAIN_THRESHOLD} hits waiting, if the lock is free. No hit is lost: a hit finding
 * the buffer full waits for the lock and replays the buffer before appending. A hit appended
 * between a write's replay and its tick is replayed after the write, as if it had come later.
 * Concurrent hits contend on the buffer's index, not on the lock; a replay checks that the node is
 * still its slot's resident, as the hit did when it ran under the lock. Caffeine's own removals
 * (expiry, and evictions where Caffeine runs ahead of the adapter's count) reach {@link #evicted}
 * on whatever thread Caffeine runs them, possibly holding Caffeine's eviction lock: that method
 * never takes the lock (the lock's holder may be waiting for Caffeine's), it queues the node in a
 * bounded array under a leaf lock, and the next write or invalidation, after replaying the hits,
 * releases its slot.
 *
 * <h2>Allocation</h2>
 * A decision (candidates, features, inference, victim) allocates nothing; a hit and its replay
 * allocate nothing; a write allocates its node (and what Caffeine allocates for a write and a
 * removal). The fallback allocates Caffeine's {@code coldest} snapshot.
 */
final class HistoryEviction<K, V> implements AutoCloseable {

    /** Caffeine's coldest entries read per round of a fallback. */
    private static final int FALLBACK_BATCH = 16;
    /** Hits the buffer holds (a power of two). */
    static final int HIT_BUFFER = 1024;
    /** Hits waiting at which a hit replays them, when the lock is free. */
    static final int HIT_DRAIN_THRESHOLD = HIT_BUFFER / 4;

    private static final VarHandle HIT_TAIL;
    private static final VarHandle HIT_HEAD;
    private static final VarHandle HIT_SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HIT_TAIL = lookup.findVarHandle(HistoryEviction.class, "hitTail", long.class);
            HIT_HEAD = lookup.findVarHandle(HistoryEviction.class, "hitHead", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentMap<K, EntryNode<V>> map;
    private final Policy.Eviction<K, EntryNode<V>> eviction;
    private final LongAdder residentWeight;
    private final long maximum;
    private final int maxDecisionsPerWrite;
    /** Candidate positions of one decision's victims, in eviction order (its length: victims per decision). */
    private final int[] victims;
    private final ToLongFunction<? super K> fingerprint;

    private final ReentrantLock lock = new ReentrantLock();
    private final BoundedHistory bounded;
    private final AccessHistory history;
    private final ResidentIndex sampled;
    private final RecencyList recency;
    private final Object[] keys;
    private final Object[] nodes;
    /** The candidates' histories, copied off their nodes for a decision's features (row j at slot j). */
    private final AccessHistory scratch;
    private final NextAccessLoop loop;
    private final NextAccessLoop.Decider decider;
    private final HistoryFeatures features;
    private final int[] candidates;
    private long clock;

    /** Hits not yet replayed, at {@code [hitHead, hitTail)} modulo the length; null: claimed, not yet published. */
    private final Object[] hitBuffer = new Object[HIT_BUFFER];
    /** Hits appended (claimed) so far; advanced by compare-and-set. */
    private volatile long hitTail;
    /** Hits replayed so far; written only under the lock. */
    private volatile long hitHead;

    private final ReentrantLock pendingLock = new ReentrantLock();
    private final Object[] pending;
    private final Object[] draining;
    private int pendingCount;

    private final LongAdder decisions;
    private final LongAdder evictions;
    private final LongAdder fallbackWrites;
    private final LongAdder declines = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    /** The floor under the learned policy, or null. */
    private final PolicyFloor floor;
    /** Whether the floor sees every key (then a node's floor key may be any fingerprint). */
    private final boolean floorSamplesAll;
    /** The hit stream's change test, or null. */
    private final OutcomeDrift outcomes;
    /** The model's inputs against its training profile, or null. */
    private final InputWatch inputs;

    HistoryEviction(EvictionModel contract, NextAccessLoop loop, ConcurrentMap<K, EntryNode<V>> map,
                    Policy.Eviction<K, EntryNode<V>> eviction, LongAdder residentWeight, long maximum,
                    int residentBound, int ghostsPerResident, int maxDecisionsPerWrite, int victimsPerDecision,
                    ToLongFunction<? super K> fingerprint, LongAdder decisions, LongAdder evictions,
                    LongAdder fallbackWrites, PolicyFloor floor, OutcomeDrift outcomes, InputWatch inputs) {
        this.loop = loop;
        this.floor = floor;
        this.floorSamplesAll = floor != null && floor.samplesAll();
        this.outcomes = outcomes;
        this.inputs = inputs;
        this.victims = new int[victimsPerDecision];
        this.map = map;
        this.eviction = eviction;
        this.residentWeight = residentWeight;
        this.maximum = maximum;
        this.maxDecisionsPerWrite = maxDecisionsPerWrite;
        this.fingerprint = fingerprint;
        this.decisions = decisions;
        this.evictions = evictions;
        this.fallbackWrites = fallbackWrites;
        this.bounded = new BoundedHistory(residentBound, ghostsPerResident);
        this.history = bounded.history();
        int slots = bounded.capacity();
        boolean lru = contract.candidates() == EvictionModel.Candidates.LRU;
        this.sampled = lru ? null : new ResidentIndex(slots, ResidentIndex.SAMPLING_SEED);
        this.recency = lru ? new RecencyList(slots) : null;
        this.keys = new Object[slots];
        this.nodes = new Object[slots];
        this.decider = loop.newDecider();
        this.features = decider.features();
        this.candidates = new int[contract.k()];
        this.scratch = new AccessHistory(contract.k());
        this.pending = new Object[residentBound + 64];
        this.draining = new Object[pending.length];
    }

    NextAccessLoop loop() {
        return loop;
    }

    /**
     * A request found {@code node} in the cache: appended to the hit buffer, replayed later under
     * the lock (class comment). Takes the lock only to replay: when {@value #HIT_DRAIN_THRESHOLD}
     * hits wait and the lock is free, or, waiting for it, when the buffer is full. Allocation-free.
     */
    void hit(EntryNode<V> node) {
        for (;;) {
            long head = (long) HIT_HEAD.getAcquire(this);
            long tail = (long) HIT_TAIL.getVolatile(this);
            if (tail - head >= HIT_BUFFER) {
                lock.lock();   // full: replay before appending, so that no hit is dropped
                try {
                    drainHits();
                } finally {
                    lock.unlock();
                }
            } else if (HIT_TAIL.compareAndSet(this, tail, tail + 1)) {
                HIT_SLOT.setRelease(hitBuffer, (int) tail & (HIT_BUFFER - 1), (Object) node);   // exact type: no adaptation
                if (tail + 1 - head >= HIT_DRAIN_THRESHOLD && lock.tryLock()) {
                    try {
                        drainHits();
                    } finally {
                        lock.unlock();
                    }
                }
                return;
            }
        }
    }

    /**
     * Replays the buffered hits in buffer order, each taking the next tick; under the lock. Stops
     * at an index claimed but not yet published: that hit, and those after it, wait for the next
     * replay (they are concurrent with this one, so either order is one the requests could have
     * had).
     */
    private void drainHits() {
        long head = hitHead;
        long tail = (long) HIT_TAIL.getAcquire(this);
        long unsampled = 0;   // the floor's unsampled hits since its last sampled one, reported in one call
        for (; head < tail; head++) {
            int i = (int) head & (HIT_BUFFER - 1);
            Object appended = HIT_SLOT.getAcquire(hitBuffer, i);   // exact type: no adaptation
            if (appended == null) {
                break;
            }
            HistoryNode<?> node = (HistoryNode<?>) appended;
            hitBuffer[i] = null;   // published to the next claimer of i by the release of the head below
            long tick = ++clock;
            if (node.hits != EntryNode.RELEASED) {   // still its slot's resident: read off the hot node, not nodes[]
                accessResident(node, tick);
                if (floor != null) {
                    // Sampling was decided at the write: an unsampled hit, nearly all of them at
                    // large sizes, reads neither the fingerprint table nor a hash, and costs a
                    // local count (no call: the loop stays as the JIT compiles it without a floor).
                    long key = node.floorKey;
                    if (key != SpatialSampler.NEVER_SAMPLED || floorSamplesAll) {
                        floor.sampledHit(key, node.weight, unsampled);
                        unsampled = 0;
                    } else {
                        unsampled++;
                    }
                }
                if (outcomes != null) {
                    outcomes.request(true);
                }
            }
        }
        if (unsampled > 0) {
            floor.unsampledHits(unsampled);
        }
        HIT_HEAD.setRelease(this, head);
    }

    private void accessResident(HistoryNode<?> node, long tick) {
        node.record(tick);
        node.hits++;
        if (recency != null) {
            recency.touch(node.slot);
        }
    }

    /**
     * A write: stores the value unless the model declines it, its weight cannot fit at all, or
     * another resident key holds its fingerprint.
     *
     * @return whether the value is cached
     */
    boolean store(K key, V value, int weight, long nowNanos, long ttlNanos, double originRttMillis) {
        long fp = fingerprint.applyAsLong(key);
        lock.lock();
        try {
            drainHits();
            drainPending();
            long tick = ++clock;
            int slot = bounded.find(fp);
            if (slot != BoundedHistory.NO_SLOT && bounded.isResident(slot)) {
                if (!key.equals(keys[slot])) {
                    conflicts.increment();   // two keys, one fingerprint: the resident keeps the slot
                    return false;
                }
                if (map.containsKey(key)) {
                    accessResident((HistoryNode<?>) nodes[slot], tick);
                    long floorKey = floor != null ? floor.request(fp, weight, true) : SpatialSampler.NEVER_SAMPLED;
                    if (outcomes != null) {
                        outcomes.request(true);
                    }
                    HistoryNode<V> node = new HistoryNode<>(value, weight, nowNanos, ttlNanos, originRttMillis, slot);
                    node.floorKey = floorKey;
                    put(key, slot, node);
                    makeRoom(0, 0, BoundedHistory.NO_SLOT);
                    return true;
                }
                // Expired (Caffeine hides such an entry until it sweeps it) or removed with its notice
                // still queued: gone, as the simulator's expired object is, so this write admits
                // anew. The remove sweeps an expired entry now (its notice, queued, corrects the
                // weight), so that Caffeine and the residents agree again.
                EntryNode<V> live = map.remove(key);
                if (live != null) {
                    residentWeight.add(-live.weight);
                }
                release(slot);
            }
            slot = bounded.touch(fp);
            history.record(slot, tick);
            long floorKey = floor != null ? floor.request(fp, weight, false) : SpatialSampler.NEVER_SAMPLED;
            if (outcomes != null) {
                outcomes.request(false);
            }
            if (weight > maximum) {
                return false;   // nothing evicted could make room: Caffeine would refuse it
            }
            if (needsRoom(weight, 1) && !makeRoom(weight, 1, slot)) {
                declines.increment();
                return false;
            }
            if (bounded.residents() == bounded.residentBound()) {
                return false;   // not even Caffeine had an entry to give up (removals in flight): rare
            }
            bounded.admit(slot);
            if (sampled != null) {
                sampled.add(slot);
            } else {
                recency.add(slot);
            }
            keys[slot] = key;
            HistoryNode<V> node = new HistoryNode<>(value, weight, nowNanos, ttlNanos, originRttMillis, slot);
            node.loadFrom(history, slot);
            node.admittedTick = tick;
            node.floorKey = floorKey;
            put(key, slot, node);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores {@code node} as {@code slot}'s resident; a replaced node hands its history, admission
     * and hits since on.
     */
    private void put(K key, int slot, HistoryNode<V> node) {
        HistoryNode<?> replaced = (HistoryNode<?>) nodes[slot];
        if (replaced != null) {
            node.takeOver(replaced);
            replaced.hits = EntryNode.RELEASED;
        }
        nodes[slot] = node;
        EntryNode<V> previous = map.put(key, node);
        residentWeight.add(previous == null ? node.weight : node.weight - previous.weight);
    }

    /**
     * Replays the buffered hits and releases the slots Caffeine freed, then replays the floor's
     * waiting sampled requests: every request made before has then reached the floor.
     */
    void cleanUp() {
        lock.lock();
        try {
            drainHits();
            drainPending();
            if (floor != null) {
                floor.replayWaiting();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code key} if present (not a request: the clock does not tick). */
    void invalidate(K key) {
        lock.lock();
        try {
            drainHits();
            drainPending();
            EntryNode<V> removed = map.remove(key);
            if (removed != null) {
                residentWeight.add(-removed.weight);
                if (nodes[removed.slot] == removed) {
                    release(removed.slot);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Caffeine removed {@code node} on its own (expiry, or an eviction of its own), on any thread,
     * possibly under Caffeine's eviction lock: queued, never blocking on the decision lock.
     */
    void evicted(EntryNode<V> node) {
        pendingLock.lock();
        try {
            // The queue holds a bound's worth of entries, drained by every write: it cannot fill
            // while the residents are bounded. Were it to, the node would stay a candidate until
            // chosen, when its failed removal frees its slot.
            if (pendingCount < pending.length) {
                pending[pendingCount++] = node;
            }
        } finally {
            pendingLock.unlock();
        }
    }

    /** Releases the slots of the nodes Caffeine removed; under the lock. */
    private void drainPending() {
        int n;
        pendingLock.lock();
        try {
            n = pendingCount;
            if (n == 0) {
                return;
            }
            System.arraycopy(pending, 0, draining, 0, n);
            java.util.Arrays.fill(pending, 0, n, null);
            pendingCount = 0;
        } finally {
            pendingLock.unlock();
        }
        for (int i = 0; i < n; i++) {
            EntryNode<?> node = (EntryNode<?>) draining[i];
            draining[i] = null;
            if (nodes[node.slot] == node) {
                release(node.slot);
            }
        }
    }

    /** Whether {@code weight} more, in {@code entries} more entries (0: a replacement), would not fit. */
    private boolean needsRoom(long weight, int entries) {
        return residentWeight.sum() + weight > maximum || bounded.residents() + entries > bounded.residentBound();
    }

    /**
     * Makes room for a write of {@code weight} in {@code entries} new entries, asking the model first whether the incoming object
     * at {@code incoming} (a ghost slot holding this request; {@link BoundedHistory#NO_SLOT} for a
     * replacement) should be cached at all.
     *
     * @return false when the model declined the incoming object
     */
    private boolean makeRoom(long weight, int entries, int incoming) {
        if (floor != null && !floor.learnedServes()) {
            if (needsRoom(weight, entries)) {
                floor.countWrite();
                byCaffeine(weight, entries);
            }
            return true;
        }
        boolean ask = incoming != BoundedHistory.NO_SLOT;
        for (int round = 0; needsRoom(weight, entries); round++) {
            drainPending();
            if (!needsRoom(weight, entries)) {
                break;
            }
            if (round >= maxDecisionsPerWrite) {
                byCaffeine(weight, entries);
                return true;
            }
            int victim = decide(ask ? incoming : BoundedHistory.NO_SLOT, weight);
            if (victim == BoundedHistory.NO_SLOT) {
                fallbackWrites.increment();
                byCaffeine(weight, entries);
                return true;
            }
            decisions.increment();
            if (ask && !decider.admit()) {
                return false;
            }
            ask = false;
            evict(victim);
            // Further victims of the same decision free room for the next writes without a decision
            // of their own: the simulator's NextAccessPolicy with the same victims per decision.
            int count = victims.length == 1 ? 1 : decider.victims(victims.length, victims);
            for (int j = 1; j < count; j++) {
                evict(candidates[victims[j]]);
            }
        }
        return true;
    }

    /**
     * One decision over freshly gathered candidates, the incoming object's row last when
     * {@code incoming} is a slot; under the lock. Allocation-free.
     *
     * @return the victim's slot, or {@link BoundedHistory#NO_SLOT} when the decision fell back or
     *         there was no candidate
     */
    private int decide(int incoming, long incomingWeight) {
        int n = sampled != null ? sampled.sample(candidates.length, candidates)
                : recency.oldest(candidates.length, candidates);
        if (n == 0) {
            return BoundedHistory.NO_SLOT;
        }
        long now = clock;
        for (int j = 0; j < n; j++) {
            int s = candidates[j];
            HistoryNode<?> node = (HistoryNode<?>) nodes[s];
            node.storeTo(scratch, j);
            features.resident(j, scratch, j, now, node.weight, node.admittedTick, node.hits);
        }
        boolean withIncoming = incoming != BoundedHistory.NO_SLOT;
        if (withIncoming) {
            features.incoming(n, history, incoming, now, incomingWeight);
        }
        int victim = decider.decide(n, withIncoming);
        if (decider.lastCause() != null) {
            return BoundedHistory.NO_SLOT;
        }
        if (inputs != null) {
            inputs.decided(decider, now);
        }
        return candidates[victim];
    }

    /** Invalidates the resident at {@code slot}, unless Caffeine removed it already; frees its slot either way. */
    private void evict(int slot) {
        @SuppressWarnings("unchecked")
        K key = (K) keys[slot];
        @SuppressWarnings("unchecked")
        EntryNode<V> node = (EntryNode<V>) nodes[slot];
        release(slot);
        if (map.remove(key, node)) {
            residentWeight.add(-node.weight);
            evictions.increment();
        }
    }

    /** The fallback: Caffeine's coldest entries, in its own order, until the write fits. */
    private void byCaffeine(long weight, int entries) {
        while (needsRoom(weight, entries)) {
            Map<K, EntryNode<V>> coldest = eviction.coldest(FALLBACK_BATCH);
            boolean removed = false;
            for (Map.Entry<K, EntryNode<V>> e : coldest.entrySet()) {
                if (!needsRoom(weight, entries)) {
                    return;
                }
                EntryNode<V> node = e.getValue();
                if (map.remove(e.getKey(), node)) {
                    removed = true;
                    residentWeight.add(-node.weight);
                    if (nodes[node.slot] == node) {
                        release(node.slot);
                    }
                }
            }
            drainPending();
            if (!removed) {
                return;   // Caffeine holds nothing removable: it bounds the cache itself
            }
        }
    }

    /** The resident at {@code slot} left: its slot becomes a ghost, keeping its history (handed back by its node). */
    private void release(int slot) {
        HistoryNode<?> node = (HistoryNode<?>) nodes[slot];
        node.storeTo(history, slot);
        bounded.release(slot);
        if (sampled != null) {
            sampled.remove(slot);
        } else {
            recency.remove(slot);
        }
        node.hits = EntryNode.RELEASED;
        keys[slot] = null;
        nodes[slot] = null;
    }

    /**
     * A decision over the current residents with no incoming object, without evicting (for tests:
     * the allocation and the victim of the decision path itself).
     *
     * @return the victim's slot, or {@link BoundedHistory#NO_SLOT}
     */
    int dryRunDecision() {
        lock.lock();
        try {
            drainHits();
            return decide(BoundedHistory.NO_SLOT, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks that the adapter's state and Caffeine's agree (for tests): every entry Caffeine shows
     * is the resident of its slot, Caffeine counts as many entries as there are residents (expired
     * entries it has not swept yet included: its views hide them), the candidate source holds
     * exactly the residents, and the resident weight is theirs. Call with no write in flight, after
     * Caffeine's maintenance. O(slots).
     */
    void checkInvariants() {
        lock.lock();
        try {
            drainHits();
            drainPending();
            for (Map.Entry<K, EntryNode<V>> e : map.entrySet()) {
                EntryNode<V> node = e.getValue();
                if (!bounded.isResident(node.slot) || nodes[node.slot] != node || !e.getKey().equals(keys[node.slot])) {
                    throw new AssertionError("entry " + e.getKey() + " is not the resident of its slot " + node.slot);
                }
            }
            int residents = 0;
            long weight = 0;
            for (int s = 0; s < nodes.length; s++) {
                boolean resident = bounded.isResident(s);
                boolean listed = sampled != null ? sampled.contains(s) : recency.contains(s);
                if (resident != listed || resident != (nodes[s] != null) || resident != (keys[s] != null)) {
                    throw new AssertionError("slot " + s + ": resident " + resident + ", listed " + listed);
                }
                if (resident) {
                    residents++;
                    HistoryNode<?> node = (HistoryNode<?>) nodes[s];
                    weight += node.weight;
                    if (node.admittedTick > node.lastTick() || node.lastTick() > clock || node.hits < 0) {
                        throw new AssertionError("slot " + s + " admitted at " + node.admittedTick + ", last access "
                                + node.lastTick() + ", clock " + clock + ", hits " + node.hits);
                    }
                }
            }
            int size = sampled != null ? sampled.size() : recency.size();
            if (residents != map.size() || residents != bounded.residents() || size != residents
                    || residents > bounded.residentBound() || weight != residentWeight.sum()) {
                throw new AssertionError("entries " + map.size() + ", residents " + residents + "/" + bounded.residents()
                        + ", listed " + size + ", bound " + bounded.residentBound() + ", weight " + weight + "/"
                        + residentWeight.sum());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The request clock once the buffered hits are replayed (for tests: one tick per hit and write). */
    long requests() {
        lock.lock();
        try {
            drainHits();
            return clock;
        } finally {
            lock.unlock();
        }
    }

    /** The hits of {@code key}'s resident since its admission, once the buffered hits are replayed; -1 when absent (for tests). */
    int hitsSinceAdmission(K key) {
        lock.lock();
        try {
            drainHits();
            EntryNode<V> node = map.get(key);
            return node == null || nodes[node.slot] != node ? -1 : node.hits;
        } finally {
            lock.unlock();
        }
    }

    /** The lock the state advances under (for tests that hold it to make hits wait). */
    ReentrantLock lockForTests() {
        return lock;
    }

    /** Hits appended and not yet replayed (for tests). */
    long bufferedHits() {
        return hitTail - hitHead;
    }

    long declines() {
        return declines.sum();
    }

    long conflicts() {
        return conflicts.sum();
    }

    LongAdder declinesAdder() {
        return declines;
    }

    LongAdder conflictsAdder() {
        return conflicts;
    }

    /** The live decisions' decider (tests read its last rows). */
    NextAccessLoop.Decider decider() {
        return decider;
    }

    /** Hands a challenger to the floor, under the lock its requests are fed under. */
    void challenge(NextAccessLoop challengerLoop, EvictionModel model, String label, AutoCloseable resources,
                   Runnable onWin) {
        lock.lock();
        try {
            floor.challenge(challengerLoop, model, label, resources, onWin);
        } finally {
            lock.unlock();
        }
    }

    /** The challenger under evaluation, or null. */
    String challengerLabel() {
        lock.lock();
        try {
            return floor == null ? null : floor.challengerLabel();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (floor != null) {
                floor.close();   // its miniature's decider is the loop's
            }
            decider.close();
            loop.close();
        } finally {
            lock.unlock();
        }
    }
}
