package io.reflex.adapters.spark;

import java.io.Serializable;

/**
 * One shard of a fleet replay: one cache whose requests are replayed in their log's order. A shard
 * is a whole log ({@code parts == 1}: one log per cache node) or the keys of one log whose hash
 * falls in {@code part} of {@code parts} ({@link KeyHashSplit}). Immutable; sent to Spark's tasks.
 *
 * @param path  the log, as a Hadoop path string (a local file, hdfs://, s3a://, ...)
 * @param name  the shard's name: its partition value in the output ({@code shard=NAME})
 * @param part  which part of the key-hash split, in [0, parts)
 * @param parts into how many caches the log is split (1: none)
 */
public record LogShard(String path, String name, int part, int parts) implements Serializable {

    public LogShard {
        if (parts < 1 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("shard part must be in [0, parts) with parts >= 1, got " + part + " of " + parts);
        }
    }

    /**
     * The seed of this shard's exploration, from the job's seed and the shard's name (not its position
     * in the listing), so that a shard replays the same way whichever other logs come with it.
     */
    public long seed(long jobSeed) {
        long h = jobSeed * 0x9E3779B97F4A7C15L + name.hashCode();
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 33);
    }
}
