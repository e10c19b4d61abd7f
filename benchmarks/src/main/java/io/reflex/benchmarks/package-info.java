/**
 * JMH benchmarks, one class per measured path, each with its own run line in its Javadoc (run the
 * shaded {@code benchmarks/target/benchmarks.jar} with the JVM flags in
 * {@code cli/target/jvm.options}).
 *
 * <p>Decision paths, timed per decision and, with {@code -prof gc}, checked for allocation:
 * {@link io.reflex.benchmarks.InferenceBenchmark} (one evaluation, Vector API fast path against ONNX
 * Runtime), {@link io.reflex.benchmarks.RuntimeBenchmark} (what the deadline, breaker, metrics and
 * asynchronous mode add), {@link io.reflex.benchmarks.EvictionBenchmark} and
 * {@link io.reflex.benchmarks.NextAccessDecisionBenchmark} (a whole eviction decision of either
 * schema), {@link io.reflex.benchmarks.MatchingDecisionBenchmark} (one LOMAR decision),
 * {@link io.reflex.benchmarks.TreeRecommenderBenchmark} (one TPGR decision) and
 * {@link io.reflex.benchmarks.DecisionLogBenchmark} (logging one decision). Hosts and offline work:
 * {@link io.reflex.benchmarks.CaffeineAdapterBenchmark} (the adapter against plain Caffeine),
 * {@link io.reflex.benchmarks.CacheReplayBenchmark} (simulator replay throughput) and
 * {@link io.reflex.benchmarks.SimulationMatrixBenchmark} (the full policy-by-size comparison).
 * Several state the target they are held to.
 *
 * <p>Most benchmarks keep thread-scoped state, so JMH gives each benchmark thread its own deciders and
 * buffers, as the engine's threading rules require.
 */
package io.reflex.benchmarks;
