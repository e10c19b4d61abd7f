package io.reflex.trainer.cache;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A request trace held in memory, column by column: for request {@code i}, the object it asks for
 * ({@link #object(int)}, a dense id in {@code [0, objectCount())} assigned in order of first
 * appearance), its time in seconds, size in bytes, TTL in seconds and origin round-trip time in
 * milliseconds. Columns a format does not carry are absent ({@link #hasTimes()} and friends) and read
 * as: time = the request's position, size = 1, no TTL, RTT = 0.
 *
 * <p>Dense ids let the simulator and the policies keep per-object state in plain arrays (no hashing,
 * no boxing on the replay path). Memory: about 4 bytes per request for the ids, plus 8 each for
 * times and sizes and 4 each for TTLs and RTTs when present.
 *
 * <p>Immutable after {@link TraceBuilder#build}; safe to replay from many threads at once. The
 * next-access index ({@link #nextAccess(int)}) is computed once, on first use, under a lock.
 */
public final class Trace {

    /** {@link #nextAccess(int)} of a request whose object is never requested again. */
    public static final int NEVER = Integer.MAX_VALUE;

    private final String name;
    final int[] objects;
    final double[] times;
    final long[] sizes;
    final float[] ttls;
    final float[] rtts;
    private final int objectCount;
    private final long[] numericKeys;
    private final String[] stringKeys;
    private final long malformedSkipped;
    private final String truncation;
    private volatile int[] nextAccess;

    Trace(String name, int[] objects, double[] times, long[] sizes, float[] ttls, float[] rtts, int objectCount,
            long[] numericKeys, String[] stringKeys, long malformedSkipped, String truncation) {
        this.name = Objects.requireNonNull(name, "name");
        this.objects = objects;
        this.times = times;
        this.sizes = sizes;
        this.ttls = ttls;
        this.rtts = rtts;
        this.objectCount = objectCount;
        this.numericKeys = numericKeys;
        this.stringKeys = stringKeys;
        this.malformedSkipped = malformedSkipped;
        this.truncation = truncation;
    }

    /** Where the trace came from (a file path, a generator name). */
    public String name() {
        return name;
    }

    /** Number of requests. */
    public int length() {
        return objects.length;
    }

    /** Number of distinct objects; ids run from 0 to this minus one. */
    public int objectCount() {
        return objectCount;
    }

    /** Malformed lines or records that lenient reading skipped (0 for strict reads and generators). */
    public long malformedSkipped() {
        return malformedSkipped;
    }

    /**
     * Where lenient reading met damaged input it could not read past (a truncated or corrupt
     * compressed file), how far it got and why, in one line naming the file; the trace then holds
     * the requests read before the damage. Empty when the whole file was read, and for strict
     * reads (which fail instead) and generators.
     */
    public Optional<String> truncation() {
        return Optional.ofNullable(truncation);
    }

    /** The dense id of the object request {@code i} asks for. */
    public int object(int i) {
        return objects[i];
    }

    /** Request time in seconds; the request's position when the trace has no times. */
    public double time(int i) {
        return times == null ? i : times[i];
    }

    /** Requested size in bytes (at least 1); 1 when the trace has no sizes. */
    public long size(int i) {
        return sizes == null ? 1 : sizes[i];
    }

    /** TTL in seconds the object gets if this request fetches it; 0 means it never expires. */
    public double ttlSeconds(int i) {
        return ttls == null ? 0 : ttls[i];
    }

    /** Origin round-trip time of this request in milliseconds; NaN when unknown. */
    public double rttMillis(int i) {
        return rtts == null ? Double.NaN : rtts[i];
    }

    public boolean hasTimes() {
        return times != null;
    }

    public boolean hasSizes() {
        return sizes != null;
    }

    public boolean hasTtls() {
        return ttls != null;
    }

    public boolean hasRtts() {
        return rtts != null;
    }

    /** The original key of an object, as text. */
    public String key(int object) {
        Objects.checkIndex(object, objectCount);
        if (stringKeys != null && stringKeys[object] != null) {
            return stringKeys[object];
        }
        return Long.toString(numericKeys[object]);
    }

    /**
     * Requests {@code [from, to)} as a trace of their own, as if a reader had read only them: object
     * ids are re-densified in order of first appearance within the slice, and every column the trace
     * carries (keys, times, sizes, TTLs, RTTs) comes along unchanged, so {@link #nextAccess(int)} and
     * clairvoyant policies see only the slice's future. Named {@code name() + "[from,to)"}; its
     * {@link #malformedSkipped()} is 0 (skips belong to the read of the whole trace).
     *
     * <p>Copies: about as much memory as the slice's share of this trace, plus 4 bytes per object of
     * this trace while it is built.
     *
     * @throws IndexOutOfBoundsException naming the bounds unless {@code 0 <= from <= to <= length()}
     */
    public Trace slice(int from, int to) {
        Objects.checkFromToIndex(from, to, objects.length);
        int[] sliceIdOf = new int[objectCount];
        Arrays.fill(sliceIdOf, -1);
        int[] sliceObjects = new int[to - from];
        int sliceObjectCount = 0;
        for (int i = from; i < to; i++) {
            int o = objects[i];
            if (sliceIdOf[o] < 0) {
                sliceIdOf[o] = sliceObjectCount++;
            }
            sliceObjects[i - from] = sliceIdOf[o];
        }
        long[] sliceNumericKeys = new long[sliceObjectCount];
        String[] sliceStringKeys = stringKeys == null ? null : new String[sliceObjectCount];
        for (int o = 0; o < objectCount; o++) {
            int id = sliceIdOf[o];
            if (id >= 0) {
                sliceNumericKeys[id] = numericKeys[o];
                if (sliceStringKeys != null) {
                    sliceStringKeys[id] = stringKeys[o];
                }
            }
        }
        return new Trace(name + "[" + from + "," + to + ")", sliceObjects,
                times == null ? null : Arrays.copyOfRange(times, from, to),
                sizes == null ? null : Arrays.copyOfRange(sizes, from, to),
                ttls == null ? null : Arrays.copyOfRange(ttls, from, to),
                rtts == null ? null : Arrays.copyOfRange(rtts, from, to),
                sliceObjectCount, sliceNumericKeys, sliceStringKeys, 0, null);
    }

    /** Sum of all requested sizes in bytes. */
    public long totalBytes() {
        if (sizes == null) {
            return objects.length;
        }
        long total = 0;
        for (long s : sizes) {
            total += s;
        }
        return total;
    }

    /**
     * The index of the next request for the same object after request {@code i}, or {@link #NEVER}:
     * what clairvoyant policies see. The index over the whole trace (4 bytes per request) is built on
     * first call.
     */
    public int nextAccess(int i) {
        int[] next = nextAccess;
        if (next == null) {
            next = buildNextAccess();
        }
        return next[i];
    }

    private synchronized int[] buildNextAccess() {
        if (nextAccess == null) {
            int[] next = new int[objects.length];
            int[] seen = new int[objectCount];
            Arrays.fill(seen, NEVER);
            for (int i = objects.length - 1; i >= 0; i--) {
                int o = objects[i];
                next[i] = seen[o];
                seen[o] = i;
            }
            nextAccess = next;
        }
        return nextAccess;
    }

    @Override
    public String toString() {
        return name + " (" + length() + " requests, " + objectCount + " objects)";
    }
}
