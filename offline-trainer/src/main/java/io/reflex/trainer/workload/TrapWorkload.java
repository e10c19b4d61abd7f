package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;

import java.util.SplittableRandom;

/**
 * {@code trap}: the Cold-RL adversarial workload, as the Cold-RL paper's generator specifies it
 * (Cold-RL's generator with its ordering defect fixed: time advances by cumulative exponential
 * gaps, so requests stay in order).
 * <ul>
 *   <li>N requests (default 30,000) over 2,000 objects. Each object: TTL uniform in 2–24 h, discovery
 *       point d uniform in [0, 0.3·N], burst intensity b uniform in [1.5, 4].</li>
 *   <li>TTLs are drawn in whole seconds. Objects 0–59% (by id) are small, 1–25 KiB: base popularity Exp(mean 0.3), except "good" ones
 *       (each with probability 5%) with base 8.0. Objects 60–84% are medium, 25–150 KiB, base
 *       Exp(mean 2.0). Objects 85–100% are large, 150–800 KiB: "gems" (each with probability 70%)
 *       with base uniform in [15, 50], the rest junk with base 0.5.</li>
 *   <li>Weight of an object at request i: gem: 0.1·base before d; from d on,
 *       base·(1 + min((i − d)/(0.2·N), 1)·b), times 2.5 whenever sin(2π·i/1000 + id) &gt; 0.6;
 *       small junk: 2·base before d, then base·max(0.1, 1 − (i − d)/(0.5·N)); small good: 1.2·base;
 *       medium and large junk: base. Floor 0.01. The object is drawn with probability proportional
 *       to its weight.</li>
 *   <li>Time advances by Exp(mean 2 s) per request; each request's size is the object's size times
 *       U(0.98, 1.02); origin RTT = 50 ms + size / (50 MiB/s); TTL = the object's.</li>
 * </ul>
 * Sizes use KiB (1024 bytes), matching the MiB cache sizes (25, 100, 400 MB) it is meant for. Per
 * object, draws happen in this order: size, class flag and base, TTL, d, b; per request: the object,
 * the size jitter, the time gap. Cost: O(objects) per request (about 0.3 s for the default size).
 *
 * <p>Immutable and thread-safe.
 */
public final class TrapWorkload implements Workload {

    private static final int SMALL_GOOD = 0;
    private static final int SMALL_JUNK = 1;
    private static final int MEDIUM = 2;
    private static final int LARGE_GEM = 3;
    private static final int LARGE_JUNK = 4;

    private final long seed;
    private final int requests;
    private final int objects;

    private TrapWorkload(Builder b) {
        this.seed = b.seed;
        this.requests = b.requests;
        this.objects = b.objects;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kind() {
        return "trap";
    }

    @Override
    public int requests() {
        return requests;
    }

    /** Number of objects requests are drawn from. */
    public int objects() {
        return objects;
    }

    @Override
    public void generate(RequestSink sink) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] size = new long[objects];
        int[] kind = new int[objects];
        double[] base = new double[objects];
        double[] ttl = new double[objects];
        double[] discovery = new double[objects];
        double[] burst = new double[objects];
        int smallEnd = (int) (0.60 * objects);
        int mediumEnd = (int) (0.85 * objects);
        for (int id = 0; id < objects; id++) {
            if (id < smallEnd) {
                size[id] = random.nextLong(OriginModel.KIB, 25 * OriginModel.KIB + 1);
                if (random.nextDouble() < 0.05) {
                    kind[id] = SMALL_GOOD;
                    base[id] = 8.0;
                } else {
                    kind[id] = SMALL_JUNK;
                    base[id] = ZipfSampler.exponential(random, 0.3);
                }
            } else if (id < mediumEnd) {
                size[id] = random.nextLong(25 * OriginModel.KIB, 150 * OriginModel.KIB + 1);
                kind[id] = MEDIUM;
                base[id] = ZipfSampler.exponential(random, 2.0);
            } else {
                size[id] = random.nextLong(150 * OriginModel.KIB, 800 * OriginModel.KIB + 1);
                if (random.nextDouble() < 0.70) {
                    kind[id] = LARGE_GEM;
                    base[id] = 15 + 35 * random.nextDouble();
                } else {
                    kind[id] = LARGE_JUNK;
                    base[id] = 0.5;
                }
            }
            ttl[id] = Math.round(2 * 3600 + 22 * 3600 * random.nextDouble());
            discovery[id] = 0.3 * requests * random.nextDouble();
            burst[id] = 1.5 + 2.5 * random.nextDouble();
        }

        double[] weight = new double[objects];
        double time = 0;
        for (int i = 0; i < requests; i++) {
            double total = 0;
            for (int id = 0; id < objects; id++) {
                double w = weight(kind[id], base[id], discovery[id], burst[id], id, i);
                weight[id] = w;
                total += w;
            }
            double u = random.nextDouble() * total;
            int chosen = objects - 1;
            double cumulative = 0;
            for (int id = 0; id < objects; id++) {
                cumulative += weight[id];
                if (u < cumulative) {
                    chosen = id;
                    break;
                }
            }
            long requestSize = Math.max(1, Math.round(size[chosen] * (0.98 + 0.04 * random.nextDouble())));
            time += ZipfSampler.exponential(random, 2.0);
            sink.request(chosen, OriginModel.roundMillis(time), requestSize, ttl[chosen],
                    OriginModel.rttMillis(requestSize));
        }
    }

    private double weight(int kind, double base, double d, double b, int id, int i) {
        double w = switch (kind) {
            case LARGE_GEM -> {
                if (i < d) {
                    yield 0.1 * base;
                }
                double ramp = Math.min((i - d) / (0.2 * requests), 1.0);
                double v = base * (1 + ramp * b);
                yield StrictMath.sin(2 * Math.PI * i / 1000.0 + id) > 0.6 ? v * 2.5 : v;
            }
            case SMALL_JUNK -> i < d ? 2 * base : base * Math.max(0.1, 1 - (i - d) / (0.5 * requests));
            case SMALL_GOOD -> 1.2 * base;
            default -> base;
        };
        return Math.max(0.01, w);
    }

    /** Builds a {@link TrapWorkload}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private long seed = 1;
        private int requests = 30_000;
        private int objects = 2_000;

        private Builder() {
        }

        /** Seed of every draw (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Number of requests N (default 30,000, the reference's). */
        public Builder requests(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be >= 1, got " + requests);
            }
            this.requests = requests;
            return this;
        }

        /** Number of objects (default 2,000, the reference's). */
        public Builder objects(int objects) {
            if (objects < 20) {
                throw new IllegalArgumentException("objects must be >= 20 (so every class has members), got " + objects);
            }
            this.objects = objects;
            return this;
        }

        public TrapWorkload build() {
            return new TrapWorkload(this);
        }
    }
}
