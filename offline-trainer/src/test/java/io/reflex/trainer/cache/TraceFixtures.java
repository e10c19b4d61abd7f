package io.reflex.trainer.cache;

import java.util.ArrayList;
import java.util.List;

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
