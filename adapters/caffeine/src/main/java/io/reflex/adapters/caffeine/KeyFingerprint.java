package io.reflex.adapters.caffeine;

/**
 * The default 64-bit fingerprint of a key, by which a history-1 cache's bounded history knows an
 * object after it has left the cache: {@link Long}, {@link Integer}, {@link Short}, {@link Byte} and
 * {@link Character} keys map one to one (SplitMix64's finaliser of the value, a bijection, so
 * distinct keys never collide); a {@link String} gets a 64-bit FNV-1a hash of its UTF-16 code units
 * (collisions about one in 2^64 per pair); any other key the finaliser of its {@code hashCode()},
 * so keys with equal 32-bit hash codes share a fingerprint. Give the builder a 64-bit hash of such
 * keys ({@code ReflexCache.Builder#keyFingerprint}) where collisions would matter.
 *
 * <p>Stateless and thread-safe; allocation-free.
 */
final class KeyFingerprint {

    private KeyFingerprint() {
    }

    /** The default fingerprint of {@code key}. */
    static long of(Object key) {
        return switch (key) {
            case Long l -> mix(l);
            case Integer i -> mix(i);
            case Short s -> mix(s);
            case Byte b -> mix(b);
            case Character c -> mix(c);
            case String s -> fnv1a(s);
            default -> mix(key.hashCode());
        };
    }

    /** SplitMix64's finaliser (Stafford's variant 13): a bijection of 64-bit values. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return mix(h);
    }
}
