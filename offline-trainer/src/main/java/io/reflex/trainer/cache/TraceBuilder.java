package io.reflex.trainer.cache;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects requests into a {@link Trace}: interns keys into dense ids (numeric keys in a primitive
 * map, without boxing; string keys in their own map, so a string key never collides with a numeric
 * one; the text readers pass canonical integers such as {@code "7"} as numbers) and grows one
 * primitive array per column. A column
 * is allocated the first time a request carries a value for it; earlier requests get that column's
 * default.
 *
 * <p>Not thread-safe: one reader or generator fills one builder.
 */
public final class TraceBuilder implements RequestSink {

    private final KeyIndex numericIndex;
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private long[] numericKeys;
    private String[] stringKeys;
    private int objectCount;

    private int length;
    private int[] objects;
    private double[] times;
    private long[] sizes;
    private float[] ttls;
    private float[] rtts;

    /** A builder sized for about {@code expectedRequests} requests (it grows as needed). */
    public TraceBuilder(int expectedRequests) {
        int capacity = Math.max(16, expectedRequests);
        objects = new int[capacity];
        numericIndex = new KeyIndex(Math.min(capacity, 1 << 20));
        numericKeys = new long[Math.min(capacity, 1 << 16)];
    }

    /** A builder with a small initial size. */
    public TraceBuilder() {
        this(1024);
    }

    @Override
    public void request(long key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        int id = numericIndex.idOrPut(key, objectCount);
        if (id == objectCount) {
            newObject();
            numericKeys[id] = key;
        }
        append(id, timeSeconds, sizeBytes, ttlSeconds, rttMillis);
    }

    @Override
    public void request(String key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        Integer known = stringIndex.get(key);
        int id;
        if (known == null) {
            id = objectCount;
            stringIndex.put(key, id);
            newObject();
            if (stringKeys == null) {
                stringKeys = new String[numericKeys.length];
            }
            stringKeys[id] = key;
        } else {
            id = known;
        }
        append(id, timeSeconds, sizeBytes, ttlSeconds, rttMillis);
    }

    /** Requests added so far. */
    public int length() {
        return length;
    }

    private void newObject() {
        if (objectCount == numericKeys.length) {
            numericKeys = Arrays.copyOf(numericKeys, grow(numericKeys.length));
            if (stringKeys != null) {
                stringKeys = Arrays.copyOf(stringKeys, numericKeys.length);
            }
        }
        if (stringKeys != null && stringKeys.length < numericKeys.length) {
            stringKeys = Arrays.copyOf(stringKeys, numericKeys.length);
        }
        objectCount++;
    }

    private void append(int id, double time, long size, double ttl, double rtt) {
        if (length == Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("trace too long: more than " + length + " requests");
        }
        if (length == objects.length) {
            int capacity = grow(objects.length);
            objects = Arrays.copyOf(objects, capacity);
            if (times != null) {
                times = Arrays.copyOf(times, capacity);
            }
            if (sizes != null) {
                sizes = Arrays.copyOf(sizes, capacity);
            }
            if (ttls != null) {
                ttls = Arrays.copyOf(ttls, capacity);
            }
            if (rtts != null) {
                rtts = Arrays.copyOf(rtts, capacity);
            }
        }
        int i = length++;
        objects[i] = id;
        if (!Double.isNaN(time)) {
            if (times == null) {
                times = new double[objects.length];
                for (int j = 0; j < i; j++) {
                    times[j] = j;
                }
            }
            times[i] = time;
        } else if (times != null) {
            times[i] = i;
        }
        if (size != NO_SIZE) {
            if (sizes == null) {
                sizes = new long[objects.length];
                Arrays.fill(sizes, 0, i, 1);
            }
            sizes[i] = Math.max(1, size);
        } else if (sizes != null) {
            sizes[i] = 1;
        }
        if (ttl > 0) {
            if (ttls == null) {
                ttls = new float[objects.length];
            }
            ttls[i] = (float) ttl;
        } else if (ttls != null) {
            ttls[i] = 0;
        }
        if (!Double.isNaN(rtt)) {
            if (rtts == null) {
                rtts = new float[objects.length];
                Arrays.fill(rtts, 0, i, Float.NaN);
            }
            rtts[i] = (float) rtt;
        } else if (rtts != null) {
            rtts[i] = Float.NaN;
        }
    }

    private static int grow(int n) {
        return (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(16L, n + (n >> 1) + 16L));
    }

    /**
     * The trace of everything added so far.
     *
     * @param name             where it came from
     * @param malformedSkipped how many malformed lines or records lenient reading skipped
     */
    public Trace build(String name, long malformedSkipped) {
        return build(name, malformedSkipped, null);
    }

    /**
     * The trace of everything added so far, read leniently up to damaged input.
     *
     * @param name             where it came from
     * @param malformedSkipped how many malformed lines or records lenient reading skipped
     * @param truncation       where and why reading stopped early ({@link Trace#truncation()}); null
     *                         when the whole input was read
     */
    public Trace build(String name, long malformedSkipped, String truncation) {
        return new Trace(name, Arrays.copyOf(objects, length),
                times == null ? null : Arrays.copyOf(times, length),
                sizes == null ? null : Arrays.copyOf(sizes, length),
                ttls == null ? null : Arrays.copyOf(ttls, length),
                rtts == null ? null : Arrays.copyOf(rtts, length),
                objectCount, Arrays.copyOf(numericKeys, objectCount),
                stringKeys == null ? null : Arrays.copyOf(stringKeys, objectCount), malformedSkipped, truncation);
    }

    /** The trace of everything added so far, with nothing skipped. */
    public Trace build(String name) {
        return build(name, 0);
    }
}
