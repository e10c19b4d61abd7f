package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;

import java.util.SplittableRandom;

/**
 * {@code bursts}: a Zipf background (as {@link ZipfWorkload}) disturbed by two periodic patterns
 * that punish recency-only and frequency-only policies:
 * <ul>
 *   <li><b>bursts</b>: every {@code burstEvery} requests, a window of {@code burstLength} requests in
 *       which each request, with probability {@code burstShare}, goes to one of {@code burstObjects}
 *       fresh objects (a new set each time, uniform among them) instead of the background;</li>
 *   <li><b>scans</b>: every {@code scanEvery} requests (offset by half a period), {@code scanLength}
 *       consecutive requests for fresh objects, each requested exactly once.</li>
 * </ul>
 * Fresh objects get ids after the background's and sizes from the same mix. Defaults: 1,000,000
 * requests, 100,000 background objects, alpha 0.8, a burst of 10,000 requests (half of them over 200
 * objects) every 100,000, a scan of 20,000 every 250,000; mean gap 10 ms; no TTL; RTT as the other
 * generators.
 *
 * <p>Immutable and thread-safe.
 */
public final class BurstWorkload implements Workload {

    private final long seed;
    private final int requests;
    private final int objects;
    private final double alpha;
    private final int burstEvery;
    private final int burstLength;
    private final int burstObjects;
    private final double burstShare;
    private final int scanEvery;
    private final int scanLength;

    private BurstWorkload(Builder b) {
        this.seed = b.seed;
        this.requests = b.requests;
        this.objects = b.objects;
        this.alpha = b.alpha;
        this.burstEvery = b.burstEvery;
        this.burstLength = b.burstLength;
        this.burstObjects = b.burstObjects;
        this.burstShare = b.burstShare;
        this.scanEvery = b.scanEvery;
        this.scanLength = b.scanLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kind() {
        return "bursts";
    }

    @Override
    public int requests() {
        return requests;
    }

    @Override
    public void generate(RequestSink sink) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] size = new long[objects];
        for (int id = 0; id < objects; id++) {
            size[id] = MixedSizes.draw(random);
        }
        int[] idOfRank = ZipfSampler.permutation(objects, random);
        ZipfSampler zipf = new ZipfSampler(objects, alpha);
        long nextFresh = objects;
        long burstBase = -1;
        long[] burstSize = new long[burstObjects];
        double time = 0;
        for (int i = 0; i < requests; i++) {
            long key;
            long objectSize;
            int scanPhase = (i + scanEvery / 2) % scanEvery;
            int burstPhase = i % burstEvery;
            if (scanPhase < scanLength) {
                key = nextFresh++;
                objectSize = MixedSizes.draw(random);
            } else if (burstPhase < burstLength) {
                if (burstPhase == 0 || burstBase < 0) {
                    burstBase = nextFresh;
                    nextFresh += burstObjects;
                    for (int j = 0; j < burstObjects; j++) {
                        burstSize[j] = MixedSizes.draw(random);
                    }
                }
                if (random.nextDouble() < burstShare) {
                    int j = random.nextInt(burstObjects);
                    key = burstBase + j;
                    objectSize = burstSize[j];
                } else {
                    int id = idOfRank[zipf.draw(random)];
                    key = id;
                    objectSize = size[id];
                }
            } else {
                burstBase = -1;
                int id = idOfRank[zipf.draw(random)];
                key = id;
                objectSize = size[id];
            }
            time += ZipfSampler.exponential(random, 0.01);
            sink.request(key, OriginModel.roundMillis(time), objectSize, RequestSink.NO_TTL,
                    OriginModel.rttMillis(objectSize));
        }
    }

    /** Builds a {@link BurstWorkload}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private long seed = 1;
        private int requests = 1_000_000;
        private int objects = 100_000;
        private double alpha = 0.8;
        private int burstEvery = 100_000;
        private int burstLength = 10_000;
        private int burstObjects = 200;
        private double burstShare = 0.5;
        private int scanEvery = 250_000;
        private int scanLength = 20_000;

        private Builder() {
        }

        /** Seed of every draw (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Number of requests (default 1,000,000). */
        public Builder requests(int requests) {
            this.requests = positive("requests", requests);
            return this;
        }

        /** Number of background objects (default 100,000). */
        public Builder objects(int objects) {
            this.objects = positive("objects", objects);
            return this;
        }

        /** Zipf exponent of the background, in (0, 3] (default 0.8). */
        public Builder alpha(double alpha) {
            if (!(alpha > 0 && alpha <= 3)) {
                throw new IllegalArgumentException("alpha must be in (0, 3], got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /**
         * A burst of {@code length} requests every {@code every}, in which a share {@code share} of
         * requests go to {@code objects} fresh objects.
         */
        public Builder bursts(int every, int length, int objects, double share) {
            positive("burst period", every);
            if (length < 0 || length > every) {
                throw new IllegalArgumentException("burst length must be in [0, period " + every + "], got " + length);
            }
            positive("burst objects", objects);
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("burst share must be in [0, 1], got " + share);
            }
            this.burstEvery = every;
            this.burstLength = length;
            this.burstObjects = objects;
            this.burstShare = share;
            return this;
        }

        /** A scan of {@code length} one-time objects every {@code every} requests. */
        public Builder scans(int every, int length) {
            positive("scan period", every);
            if (length < 0 || length > every) {
                throw new IllegalArgumentException("scan length must be in [0, period " + every + "], got " + length);
            }
            this.scanEvery = every;
            this.scanLength = length;
            return this;
        }

        private static int positive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + value);
            }
            return value;
        }

        public BurstWorkload build() {
            return new BurstWorkload(this);
        }
    }
}
