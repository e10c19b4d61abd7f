package io.reflex.adapters.spark;

import io.reflex.trainer.rl.EvictionTraining;

import java.io.Serializable;
import java.util.List;

/**
 * What one shard's replay at one capacity did: the per-shard statistics a fleet replay writes
 * beside its transitions ({@code stats/shard=NAME/capacity=C/}). Malformed lines belong to the log,
 * not to a capacity or a key-hash part: only part 0 of a log reports them, on every one of its
 * capacities' rows. Immutable; collected from Spark's tasks.
 *
 * @param capacityIndex   the capacity's position on the command line (the episodes' order)
 * @param log             the log read
 * @param requests        requests replayed (after the key-hash split)
 * @param hits            hits of the exploring behaviour at this capacity
 * @param transitions     eviction decisions recorded
 * @param malformedLines  malformed lines skipped in the log (lenient mode)
 * @param malformedFirst  the first of them, as {@code file:line: reason}
 * @param behaviour       what the shard replayed under, its seed the shard's exploration seed
 */
public record ShardStats(String shard, String capacity, int capacityIndex, String log, int part, int parts,
                         long requests, long objects, long hits, long transitions, long malformedLines,
                         List<String> malformedFirst, EvictionTraining.Behaviour behaviour) implements Serializable {

    /** Malformed lines named in {@link #malformedFirst()} per log, at most. */
    public static final int NAMED_MALFORMED = 20;

    public ShardStats {
        malformedFirst = List.copyOf(malformedFirst);
    }

    /** Hits over requests (0 without requests). */
    public double hitRatio() {
        return requests == 0 ? 0 : (double) hits / requests;
    }
}
