/**
 * Fleet-scale log replay on Apache Spark (issue 23): every access log of a fleet of caches (one log
 * per cache node, or one log split by key hash) is replayed through the trainer's simulator under the
 * trainer's exploring-LRU behaviour, and the training transitions it records are written as Parquet,
 * partitioned by shard and capacity, beside per-shard statistics; the trainer reads them back through
 * {@link io.reflex.trainer.rl.TransitionSource}.
 *
 * <ul>
 *   <li>{@link io.reflex.adapters.spark.FleetReplay}: the Spark job (list logs, one task per shard, write Parquet).</li>
 *   <li>{@link io.reflex.adapters.spark.ShardReplay}: one shard's work inside a task, with the trainer's own code.</li>
 *   <li>{@link io.reflex.adapters.spark.TransitionRows}: the Parquet schema, from the engine's feature names.</li>
 *   <li>{@link io.reflex.adapters.spark.ParquetTransitionSource}: the trainer's input interface over that dataset.</li>
 *   <li>{@link io.reflex.adapters.spark.SparkMain}: {@code ./reflex replay}, the jar's entry point.</li>
 * </ul>
 *
 * Spark stays in this module: the engine, the trainer and the command-line jar never load it.
 */
package io.reflex.adapters.spark;
