package io.reflex.trainer.adapt;

import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The trailing requests of a followed log, at most {@link #capacity()} of them, oldest dropped
 * first: what {@code adapt} retrains on and checks against.
 *
 * <p>A string key is kept as a 64-bit hash of its UTF-8 bytes (FNV-1a, then a finaliser that spreads
 * it): the simulator needs object identity only, and at a window of 10^6 objects two keys share a
 * hash with probability about 3·10^-8. Numeric keys are kept as they are. A request takes 32 bytes.
 *
 * <p>Not thread-safe. {@link #request} allocates nothing but a string key's bytes.
 */
public final class RequestWindow implements RequestSink {

    /** Bytes a request takes in memory and in the state file. */
    public static final int RECORD_BYTES = 32;

    private final long[] keys;
    private final double[] times;
    private final long[] sizes;
    private final float[] ttls;
    private final float[] rtts;
    /** Requests ever added; the window holds the last {@code min(added, capacity)}. */
    private long added;

    /** An empty window of at most {@code capacity} requests. */
    public RequestWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be >= 1, got " + capacity);
        }
        keys = new long[capacity];
        times = new double[capacity];
        sizes = new long[capacity];
        ttls = new float[capacity];
        rtts = new float[capacity];
    }

    public int capacity() {
        return keys.length;
    }

    /** Requests held now. */
    public int size() {
        return (int) Math.min(added, keys.length);
    }

    /** Requests ever added (the held ones are the last {@link #size()} of them). */
    public long added() {
        return added;
    }

    @Override
    public void request(long key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        int slot = (int) (added % keys.length);
        keys[slot] = key;
        times[slot] = timeSeconds;
        sizes[slot] = sizeBytes;
        ttls[slot] = (float) ttlSeconds;
        rtts[slot] = (float) rttMillis;
        added++;
    }

    @Override
    public void request(String key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        request(hash(key), timeSeconds, sizeBytes, ttlSeconds, rttMillis);
    }

    /**
     * The held requests {@code [from, to)}, counted from the oldest held (0), as a trace named
     * {@code name}.
     */
    public Trace trace(String name, int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a window of " + size());
        }
        TraceBuilder builder = new TraceBuilder(to - from);
        long first = added - size();
        for (int i = from; i < to; i++) {
            int slot = (int) ((first + i) % keys.length);
            builder.request(keys[slot], times[slot], sizes[slot], ttls[slot], rtts[slot]);
        }
        return builder.build(name);
    }

    /** Writes the count ever added and the held requests, oldest first. */
    void writeTo(DataOutput out) throws IOException {
        out.writeLong(added);
        int n = size();
        out.writeInt(n);
        long first = added - n;
        for (int i = 0; i < n; i++) {
            int slot = (int) ((first + i) % keys.length);
            out.writeLong(keys[slot]);
            out.writeDouble(times[slot]);
            out.writeLong(sizes[slot]);
            out.writeFloat(ttls[slot]);
            out.writeFloat(rtts[slot]);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote into a window of {@code capacity}: the last {@code capacity}
     * requests when the saved window held more.
     */
    static RequestWindow readFrom(DataInput in, int capacity) throws IOException {
        long added = in.readLong();
        int n = in.readInt();
        if (added < 0 || n < 0 || n > added) {
            throw new IOException("window header: " + n + " held of " + added + " added");
        }
        RequestWindow w = new RequestWindow(capacity);
        w.added = added - n;
        for (int i = 0; i < n; i++) {
            w.request(in.readLong(), in.readDouble(), in.readLong(), in.readFloat(), in.readFloat());
        }
        return w;
    }

    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        // FNV-1a's low bits are weak on short keys; a 64-bit finaliser (Stafford's mix 13) spreads them.
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
