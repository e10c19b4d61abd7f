/**
 * The guarantees every decision loop shares: a hot-swappable model, a deadline, a circuit breaker,
 * a classical fallback, and metrics. The eviction loops ({@code io.reflex.engine.eviction}) and the
 * recommender's serving side decide through this package.
 *
 * <p>{@link io.reflex.engine.runtime.PolicyStore} loads a model file with a
 * {@link io.reflex.engine.policy.PolicyLoader}, checks it on canary inputs, warms it up, and only
 * then publishes it with one atomic swap ({@link io.reflex.engine.runtime.SwapResult}, identified
 * by a {@link io.reflex.engine.runtime.ModelVersion}); a failed offer leaves the incumbent serving.
 * {@link io.reflex.engine.runtime.DecisionRuntime} ties a store to a deadline (in-line, asynchronous,
 * or none for simulators), a {@link io.reflex.engine.runtime.CircuitBreaker} and a
 * {@link io.reflex.engine.runtime.Fallback}; each deciding thread decides through its own
 * {@link io.reflex.engine.runtime.DecisionSession}, which uses exactly one model version per decision
 * and reports a {@link io.reflex.engine.runtime.FallbackCause} when the fallback decided.
 * {@link io.reflex.engine.runtime.RuntimeMetrics} keeps the counters and publishes them to Micrometer.
 *
 * <p>Threading: the store, the runtime, the breaker and the metrics are thread-safe; the breaker is
 * lock-free. A session is not: one thread at a time. {@code DecisionSession.decide} allocates nothing
 * except on the first decision after a swap, which creates the new version's evaluator; a fallback
 * is called on the deciding thread and should allocate nothing either.
 */
package io.reflex.engine.runtime;
