package io.reflex.trainer.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Builds small traces for tests from plain arrays and lists. */
public final class TraceFixtures {

    private TraceFixtures() {
    }

    /** Unit-size requests for the given keys, one second apart. */
    public static Trace keys(int... keys) {
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < keys.length; i++) {
            b.request(keys[i], i, RequestSink.NO_SIZE, RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        return b.build("keys");
    }

    /** Unit-size requests for the given keys. */
    public static Trace keys(List<Integer> keys) {
        return keys(keys.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Requests with sizes (bytes), one second apart. */
    public static Trace sized(List<Integer> keys, List<Integer> sizes) {
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < keys.size(); i++) {
            b.request(keys.get(i), i, sizes.get(i % sizes.size()), RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        return b.build("sized");
    }

    /**
     * Zipf(0.9) over 2,000 objects with a scan of 300 fresh objects (each requested once) every
     * 4,000 requests; unit sizes, no times.
     */
    public static Trace zipfWithScans(int requests, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int objects = 2_000;
        double[] cumulative = new double[objects];
        double total = 0;
        for (int i = 0; i < objects; i++) {
            total += 1 / Math.pow(i + 1, 0.9);
            cumulative[i] = total;
        }
        TraceBuilder b = new TraceBuilder(requests);
        long fresh = 1_000_000;
        for (int i = 0; i < requests; i++) {
            long key;
            if (i % 4_000 >= 3_700) {
                key = fresh++;
            } else {
                int rank = Arrays.binarySearch(cumulative, r.nextDouble() * total);
                key = rank >= 0 ? rank : -rank - 1;
            }
            b.request(key, Double.NaN, TraceBuilder.NO_SIZE, Double.NaN, Double.NaN);
        }
        return b.build("zipf-with-scans");
    }

    /** Replays and returns, per request, whether it hit. */
    public static boolean[] hits(Trace trace, Capacity capacity, CachePolicy policy) {
        boolean[] hits = new boolean[trace.length()];
        CacheSimulator.replay(trace, capacity, policy,
                SimulationOptions.builder().observer((i, o, hit, used) -> hits[i] = hit).build());
        return hits;
    }

    /** The request indexes that hit, for readable assertion messages. */
    public static List<Integer> hitIndexes(boolean[] hits) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < hits.length; i++) {
            if (hits[i]) {
                out.add(i);
            }
        }
        return out;
    }
}
