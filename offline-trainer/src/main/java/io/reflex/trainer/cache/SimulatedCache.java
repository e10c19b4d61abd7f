package io.reflex.trainer.cache;

import java.util.Arrays;

/**
 * The cache the simulator owns while it replays a trace through an {@link EvictionPolicy}: resident
 * set, capacity accounting, TTLs, per-object statistics and a recency list, all in arrays indexed by
 * dense object id (about 70 bytes per distinct object), so a replay allocates nothing per request.
 * One instance per replay; not thread-safe.
 */
final class SimulatedCache implements EvictionContext {

    private final Trace trace;
    private final Capacity capacity;
    private final long limit;
    private final boolean bytes;
    private final EvictionPolicy policy;

    private final boolean[] resident;
    private final long[] charge;
    private final long[] size;
    private final double[] admittedAt;
    private final double[] lastAccess;
    private final double[] previousAccess;
    private final int[] hitCount;
    private final double[] expiresAt;
    private final float[] originRtt;
    /** Recency list: {@code older[o]} is toward the least recently used end, {@code newer[o]} toward the most. */
    private final int[] older;
    private final int[] newer;
    private int mostRecent = -1;
    private int leastRecent = -1;

    private long used;
    private int residentCount;
    private int index;
    private double now;
    private int incoming = -1;
    private long incomingCharge;
    private long incomingSize;

    private long evictions;
    private long expirations;
    private long rejected;

    SimulatedCache(Trace trace, Capacity capacity, EvictionPolicy policy) {
        this.trace = trace;
        this.capacity = capacity;
        this.limit = capacity.value();
        this.bytes = capacity.isBytes();
        this.policy = policy;
        int n = trace.objectCount();
        resident = new boolean[n];
        charge = new long[n];
        size = new long[n];
        admittedAt = new double[n];
        lastAccess = new double[n];
        previousAccess = new double[n];
        Arrays.fill(lastAccess, Double.NaN);
        Arrays.fill(previousAccess, Double.NaN);
        hitCount = new int[n];
        expiresAt = trace.hasTtls() ? new double[n] : null;
        originRtt = new float[n];
        older = new int[n];
        newer = new int[n];
    }

    SimulationResult replay(SimulationOptions options) {
        final int[] objects = trace.objects;
        final double[] times = trace.times;
        final long[] sizes = trace.sizes;
        final float[] ttls = trace.ttls;
        final float[] rtts = trace.rtts;
        final int length = objects.length;
        final int window = options.windowRequests();
        final RequestObserver observer = options.observer();
        final HitTally tally = new HitTally(length, window);

        long start = System.nanoTime();
        for (int i = 0; i < length; i++) {
            final int o = objects[i];
            final double t = times == null ? i : times[i];
            final long sz = sizes == null ? 1 : sizes[i];
            index = i;
            now = t;
            previousAccess[o] = lastAccess[o];
            lastAccess[o] = t;
            boolean hit = false;
            if (resident[o]) {
                if (expiresAt != null && expiresAt[o] <= t) {
                    unlink(o);
                    expirations++;
                    policy.onRemove(o, RemovalCause.EXPIRED, this);
                } else {
                    hit = true;
                    hitCount[o]++;
                    moveToMostRecent(o);
                    policy.onHit(o, this);
                }
            }
            if (!hit) {
                miss(o, sz, t, ttls == null ? 0 : ttls[i], rtts == null ? Float.NaN : rtts[i]);
            }
            tally.record(hit, sz);
            if (observer != null) {
                observer.afterRequest(i, o, hit, used);
            }
        }
        long elapsed = System.nanoTime() - start;
        return new SimulationResult(policy.name(), capacity, length, tally.hits(), tally.bytesRequested(),
                tally.bytesHit(), evictions, expirations, rejected, window, tally.windows(), elapsed);
    }

    private void miss(int o, long sz, double t, float ttl, float rtt) {
        final long c = bytes ? Math.max(1, sz) : 1;
        incoming = o;
        incomingCharge = c;
        incomingSize = sz;
        policy.onMiss(o, this);
        if (c > limit || !policy.admit(o, this)) {
            rejected++;
            incoming = -1;
            return;
        }
        while (used + c > limit) {
            long before = evictions;
            policy.evict(this);
            if (evictions == before) {
                throw new IllegalStateException("policy " + policy.name() + " was asked to make room at request "
                        + index + " and evicted nothing");
            }
        }
        resident[o] = true;
        charge[o] = c;
        size[o] = sz;
        admittedAt[o] = t;
        hitCount[o] = 0;
        if (expiresAt != null) {
            expiresAt[o] = ttl > 0 ? t + ttl : Double.POSITIVE_INFINITY;
        }
        if (!Float.isNaN(rtt)) {
            originRtt[o] = rtt;
        }
        linkMostRecent(o);
        used += c;
        residentCount++;
        policy.onInsert(o, this);
        incoming = -1;
    }

    @Override
    public void evict(int object) {
        if (object < 0 || object >= resident.length || !resident[object]) {
            throw new IllegalArgumentException("policy " + policy.name() + " evicted object " + object
                    + ", which is not resident");
        }
        unlink(object);
        evictions++;
        policy.onRemove(object, RemovalCause.EVICTED, this);
    }

    private void unlink(int o) {
        resident[o] = false;
        used -= charge[o];
        residentCount--;
        int a = older[o];
        int b = newer[o];
        if (a >= 0) {
            newer[a] = b;
        } else {
            leastRecent = b;
        }
        if (b >= 0) {
            older[b] = a;
        } else {
            mostRecent = a;
        }
    }

    private void linkMostRecent(int o) {
        older[o] = mostRecent;
        newer[o] = -1;
        if (mostRecent >= 0) {
            newer[mostRecent] = o;
        } else {
            leastRecent = o;
        }
        mostRecent = o;
    }

    private void moveToMostRecent(int o) {
        if (o == mostRecent) {
            return;
        }
        int a = older[o];
        int b = newer[o];
        if (a >= 0) {
            newer[a] = b;
        } else {
            leastRecent = b;
        }
        older[b] = a;
        older[o] = mostRecent;
        newer[o] = -1;
        newer[mostRecent] = o;
        mostRecent = o;
    }

    @Override
    public int objectCount() {
        return resident.length;
    }

    @Override
    public Capacity capacity() {
        return capacity;
    }

    @Override
    public long usedCharge() {
        return used;
    }

    @Override
    public int residentCount() {
        return residentCount;
    }

    @Override
    public int requestIndex() {
        return index;
    }

    @Override
    public double now() {
        return now;
    }

    @Override
    public int incoming() {
        return incoming;
    }

    @Override
    public long incomingCharge() {
        return incomingCharge;
    }

    @Override
    public long incomingSize() {
        return incomingSize;
    }

    @Override
    public boolean isResident(int object) {
        return resident[object];
    }

    @Override
    public long charge(int object) {
        return charge[object];
    }

    @Override
    public long size(int object) {
        return size[object];
    }

    @Override
    public int hitCount(int object) {
        return hitCount[object];
    }

    @Override
    public double admittedAt(int object) {
        return admittedAt[object];
    }

    @Override
    public double lastAccessAt(int object) {
        return lastAccess[object];
    }

    @Override
    public double expiresAt(int object) {
        return expiresAt == null ? Double.POSITIVE_INFINITY : expiresAt[object];
    }

    @Override
    public float originRttMillis(int object) {
        return originRtt[object];
    }

    @Override
    public int leastRecentlyUsed() {
        return leastRecent;
    }

    @Override
    public int moreRecentlyUsed(int object) {
        return resident[object] ? newer[object] : -1;
    }

    @Override
    public int candidates(int k, int[] objects, float[] features) {
        if (k < 0 || objects.length < k || features.length < k * CandidateFeatures.COUNT) {
            throw new IllegalArgumentException("candidate arrays too small for k=" + k + ": objects " + objects.length
                    + ", features " + features.length + " (need " + k * CandidateFeatures.COUNT + ")");
        }
        int n = 0;
        for (int o = leastRecent; o >= 0 && n < k; o = newer[o], n++) {
            objects[n] = o;
            writeFeatures(o, features, n * CandidateFeatures.COUNT);
        }
        return n;
    }

    @Override
    public void candidateFeatures(int[] objects, int n, float[] features) {
        if (n < 0 || objects.length < n || features.length < n * CandidateFeatures.COUNT) {
            throw new IllegalArgumentException("candidate arrays too small for n=" + n + ": objects " + objects.length
                    + ", features " + features.length + " (need " + n * CandidateFeatures.COUNT + ")");
        }
        for (int j = 0; j < n; j++) {
            int o = objects[j];
            if (!resident[o]) {
                throw new IllegalArgumentException("candidate " + o + " is not resident");
            }
            writeFeatures(o, features, j * CandidateFeatures.COUNT);
        }
    }

    private void writeFeatures(int o, float[] features, int f) {
        features[f + CandidateFeatures.AGE] = (float) (now - admittedAt[o]);
        features[f + CandidateFeatures.SIZE] = size[o];
        features[f + CandidateFeatures.HIT_COUNT] = hitCount[o];
        double previous = previousAccess[o];
        features[f + CandidateFeatures.INTER_ARRIVAL] = (float) (Double.isNaN(previous)
                ? now - lastAccess[o] : lastAccess[o] - previous);
        double expiry = expiresAt == null ? Double.POSITIVE_INFINITY : expiresAt[o];
        features[f + CandidateFeatures.REMAINING_TTL] = expiry == Double.POSITIVE_INFINITY
                ? CandidateFeatures.NO_TTL : (float) (expiry - now);
        features[f + CandidateFeatures.ORIGIN_RTT] = originRtt[o];
    }
}
