/**
 * Seeded workload generators, behind {@code ./reflex workload}: {@link io.reflex.trainer.workload.Workload}
 * writes its requests to any {@link io.reflex.trainer.cache.RequestSink}, in memory as a
 * {@link io.reflex.trainer.cache.Trace} or to a file through
 * {@link io.reflex.trainer.workload.CsvTraceWriter}. The kinds ({@link io.reflex.trainer.workload.WorkloadKind}):
 * {@link io.reflex.trainer.workload.TrapWorkload} ({@code trap}, Cold-RL's adversarial workload),
 * {@link io.reflex.trainer.workload.ZipfWorkload} ({@code zipf}, Zipf popularity over objects of mixed
 * sizes) and {@link io.reflex.trainer.workload.BurstWorkload} ({@code bursts}, a Zipf background with
 * periodic bursts and scans that punish recency-only and frequency-only policies).
 *
 * <p>The same settings and seed give the same requests, bit for bit, on any JVM
 * ({@code SplittableRandom} and {@code StrictMath}), and a trace generated in memory equals the same trace
 * written to CSV and read back. Generators are immutable and thread-safe, and each generation starts from
 * the seed again; builders and the CSV writer are for one thread.
 */
package io.reflex.trainer.workload;
