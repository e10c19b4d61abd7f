/**
 * The short benchmarks and checks behind {@code ./reflex bench}, {@code ./reflex sidecar bench} and
 * {@code ./reflex log crashtest}: quick answers on the user's own machine, where the JMH benchmarks in
 * {@code benchmarks/} are the authoritative measurements.
 *
 * <p>{@link io.reflex.harness.bench.InferenceBench} (one evaluation, fast path against ONNX Runtime),
 * {@link io.reflex.harness.bench.EvictionBench} and {@link io.reflex.harness.bench.NextAccessBench}
 * (whole eviction decisions of either schema; {@link io.reflex.harness.bench.NextAccessHost} is the host
 * side that JMH times too), {@link io.reflex.harness.bench.RuntimeBench} (the cost of the metrics, and a
 * swap storm with slow, NaN-producing ({@link io.reflex.harness.bench.FaultyModels}) and corrupt models),
 * {@link io.reflex.harness.bench.CaffeineBench} (the adapter against plain Caffeine: reads, evicting
 * writes, hit ratios), {@link io.reflex.harness.bench.SidecarBench} with
 * {@link io.reflex.harness.bench.EvictionDrain} (stock NGINX against patched NGINX with the sidecar, and
 * the round trip at a paced eviction rate), and {@link io.reflex.harness.bench.LogCrashTest} (kills a
 * logging child JVM, started through {@link io.reflex.harness.bench.ChildJvm}, and checks that every
 * record reported flushed is read back). Where two things are compared they run in alternating rounds
 * of the same run, so that drift in the machine's load falls on both.
 *
 * <p>Threading: each benchmark is one run at a time, on the calling thread unless it says otherwise
 * (the runtime benchmark's deciding threads, the eviction-rate sampler's thread); the helpers
 * {@code ChildJvm} and {@code FaultyModels} are stateless. {@link io.reflex.harness.bench.LatencySamples}
 * records latencies without allocating, from one thread.
 */
package io.reflex.harness.bench;
