package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;

import java.util.SplittableRandom;

/**
 * {@code zipf}: independent requests with Zipf popularity over a fixed set of objects of mixed
 * sizes: the request for rank r has probability proportional to {@code 1 / r^alpha}; ranks map to
 * object ids through a seeded permutation; sizes follow {@link MixedSizes} (70% 1–16 KiB, 25%
 * 16–256 KiB, 5% 256 KiB–2 MiB), fixed per object. Poisson arrivals (exponential gaps), origin
 * RTT = 50 ms + size / (50 MiB/s), no TTL. Defaults: 1,000,000 requests, 100,000 objects,
 * alpha 0.8, mean gap 10 ms.
 *
 * <p>Immutable and thread-safe.
 */
public final class ZipfWorkload implements Workload {

    private final long seed;
    private final int requests;
    private final int objects;
    private final double alpha;
    private final double meanGapSeconds;

    private ZipfWorkload(Builder b) {
        this.seed = b.seed;
        this.requests = b.requests;
        this.objects = b.objects;
        this.alpha = b.alpha;
        this.meanGapSeconds = b.meanGapSeconds;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kind() {
        return "zipf";
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
        double time = 0;
        for (int i = 0; i < requests; i++) {
            int id = idOfRank[zipf.draw(random)];
            time += ZipfSampler.exponential(random, meanGapSeconds);
            sink.request(id, OriginModel.roundMillis(time), size[id], RequestSink.NO_TTL, OriginModel.rttMillis(size[id]));
        }
    }

    /** Builds a {@link ZipfWorkload}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private long seed = 1;
        private int requests = 1_000_000;
        private int objects = 100_000;
        private double alpha = 0.8;
        private double meanGapSeconds = 0.01;

        private Builder() {
        }

        /** Seed of every draw (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Number of requests (default 1,000,000). */
        public Builder requests(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be >= 1, got " + requests);
            }
            this.requests = requests;
            return this;
        }

        /** Number of objects (default 100,000). */
        public Builder objects(int objects) {
            if (objects < 1) {
                throw new IllegalArgumentException("objects must be >= 1, got " + objects);
            }
            this.objects = objects;
            return this;
        }

        /** Zipf exponent, in (0, 3] (default 0.8). */
        public Builder alpha(double alpha) {
            if (!(alpha > 0 && alpha <= 3)) {
                throw new IllegalArgumentException("alpha must be in (0, 3], got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** Mean gap between requests in seconds, > 0 (default 0.01). */
        public Builder meanGapSeconds(double seconds) {
            if (!(seconds > 0 && Double.isFinite(seconds))) {
                throw new IllegalArgumentException("meanGapSeconds must be > 0, got " + seconds);
            }
            this.meanGapSeconds = seconds;
            return this;
        }

        public ZipfWorkload build() {
            return new ZipfWorkload(this);
        }
    }
}
