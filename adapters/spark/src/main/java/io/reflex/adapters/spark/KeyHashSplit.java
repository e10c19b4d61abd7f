package io.reflex.adapters.spark;

import io.reflex.trainer.cache.RequestSink;

/**
 * Passes on the requests whose key hashes into one part of a split, dropping the others: how one
 * large log becomes several independent caches ({@code --shards N}). An approximation of a real
 * fleet: a key always lands on the same cache, as behind a consistent-hashing load balancer, but the
 * caches share no clock and no size budget, and each part keeps only its keys' requests in order.
 * Numeric keys hash by value, text keys by {@link String#hashCode} (fixed by the Java language
 * specification), both through a 64-bit finaliser, so the split is the same on every JVM.
 *
 * <p>Not thread-safe: one reader fills one sink.
 */
public final class KeyHashSplit implements RequestSink {

    private final RequestSink next;
    private final int part;
    private final int parts;

    /** Passes the keys of {@code part} (in [0, parts)) to {@code next}. */
    public KeyHashSplit(RequestSink next, int part, int parts) {
        if (parts < 1 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("part must be in [0, parts) with parts >= 1, got " + part + " of " + parts);
        }
        this.next = next;
        this.part = part;
        this.parts = parts;
    }

    /** The part in [0, parts) that numeric key {@code key} belongs to. */
    public static int partOf(long key, int parts) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) Long.remainderUnsigned(h, parts);
    }

    /** The part in [0, parts) that text key {@code key} belongs to. */
    public static int partOf(String key, int parts) {
        return partOf((long) key.hashCode(), parts);
    }

    @Override
    public void request(long key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        if (partOf(key, parts) == part) {
            next.request(key, timeSeconds, sizeBytes, ttlSeconds, rttMillis);
        }
    }

    @Override
    public void request(String key, double timeSeconds, long sizeBytes, double ttlSeconds, double rttMillis) {
        if (partOf(key, parts) == part) {
            next.request(key, timeSeconds, sizeBytes, ttlSeconds, rttMillis);
        }
    }
}
