package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;

import java.util.SplittableRandom;

/**
 * A scan-heavy workload: a fixed set of objects read over and over in the same order (a loop, as a
 * batch job or a crawler re-reading its data), interleaved with a Zipf-popular hot set. When the loop
 * is a little larger than the cache, recency is the wrong signal: LRU evicts each loop object just
 * before it comes back, while a policy that keeps part of the loop resident hits it every pass.
 *
 * <p>Each request is a loop request with probability {@code loopShare} (the next object of the
 * loop), else a draw from the hot set (Zipf with {@code alpha}). Unit sizes; one request per
 * 10 ms. Keys: the loop's objects are {@code 0 … loop − 1}, the hot set's
 * {@code loop … loop + hot − 1} (permuted by the seed). Immutable and thread-safe; the same
 * settings give the same requests.
 */
public final class LoopWorkload implements Workload {

    private final long seed;
    private final int requests;
    private final int loop;
    private final int hot;
    private final double alpha;
    private final double loopShare;
    private final long keyBase;

    private LoopWorkload(Builder b) {
        this.seed = b.seed;
        this.requests = b.requests;
        this.loop = b.loop;
        this.hot = b.hot;
        this.alpha = b.alpha;
        this.loopShare = b.loopShare;
        this.keyBase = b.keyBase;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kind() {
        return "loop";
    }

    @Override
    public int requests() {
        return requests;
    }

    @Override
    public void generate(RequestSink sink) {
        SplittableRandom random = new SplittableRandom(seed);
        ZipfSampler zipf = new ZipfSampler(hot, alpha);
        int[] ids = ZipfSampler.permutation(hot, random);
        long next = 0;
        for (int i = 0; i < requests; i++) {
            long key = random.nextDouble() < loopShare ? next++ % loop : loop + ids[zipf.draw(random)];
            sink.request(keyBase + key, i * 0.01, RequestSink.NO_SIZE, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
    }

    /** Validating builder; defaults: seed 1, 76,000 requests, a loop of 2,600, 2,000 hot objects at alpha 1, half loop. */
    public static final class Builder {
        private long seed = 1;
        private int requests = 76_000;
        private int loop = 2_600;
        private int hot = 2_000;
        private double alpha = 1.0;
        private double loopShare = 0.5;
        private long keyBase;

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder requests(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be >= 1, got " + requests);
            }
            this.requests = requests;
            return this;
        }

        /** Objects in the loop, read in order, again and again. */
        public Builder loop(int objects) {
            if (objects < 1) {
                throw new IllegalArgumentException("loop objects must be >= 1, got " + objects);
            }
            this.loop = objects;
            return this;
        }

        /** Objects in the Zipf-popular hot set. */
        public Builder hot(int objects) {
            if (objects < 1) {
                throw new IllegalArgumentException("hot objects must be >= 1, got " + objects);
            }
            this.hot = objects;
            return this;
        }

        public Builder alpha(double alpha) {
            if (!(alpha > 0 && alpha < 10)) {
                throw new IllegalArgumentException("alpha must be in (0, 10), got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** The share of requests that read the loop, in [0, 1]. */
        public Builder loopShare(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("loop share must be in [0, 1], got " + share);
            }
            this.loopShare = share;
            return this;
        }

        /** Added to every key, so that the workload's keys can be kept apart from another's. */
        public Builder keyBase(long base) {
            if (base < 0) {
                throw new IllegalArgumentException("key base must be >= 0, got " + base);
            }
            this.keyBase = base;
            return this;
        }

        public LoopWorkload build() {
            return new LoopWorkload(this);
        }
    }
}
