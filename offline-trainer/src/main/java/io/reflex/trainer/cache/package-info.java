/**
 * The cache simulator: replays a request trace through a replacement policy at a capacity and
 * measures hit ratio, byte hit ratio, per-window hit ratios and replay speed, the way designs are
 * compared before one serves traffic.
 *
 * <p>A {@link io.reflex.trainer.cache.Trace} holds requests column by column with dense object ids,
 * built by a {@link io.reflex.trainer.cache.TraceBuilder} from whatever writes to a
 * {@link io.reflex.trainer.cache.RequestSink} (the readers in {@code cache.trace}, the generators in
 * {@code io.reflex.trainer.workload}). {@link io.reflex.trainer.cache.CacheSimulator} replays one
 * trace through one {@link io.reflex.trainer.cache.CachePolicy} at one
 * {@link io.reflex.trainer.cache.Capacity} (bytes or entries) into a
 * {@link io.reflex.trainer.cache.SimulationResult}; {@link io.reflex.trainer.cache.SimulationMatrix}
 * runs every (policy, capacity) pair in parallel. A policy is of one of two kinds: an
 * {@link io.reflex.trainer.cache.EvictionPolicy}, for which the simulator owns the cache and the
 * policy reads it through a {@link io.reflex.trainer.cache.CacheView} and chooses victims through an
 * {@link io.reflex.trainer.cache.EvictionContext}; or a {@link io.reflex.trainer.cache.BlackBoxCache},
 * a real cache that decides on its own. The policies themselves live in {@code cache.policy} and its
 * family sub-packages. {@link io.reflex.trainer.cache.CandidateFeatures},
 * {@link io.reflex.trainer.cache.SampledCandidates}, {@link io.reflex.trainer.cache.HitHistory} and
 * {@link io.reflex.trainer.cache.LearnedCandidates} gather what a learned policy sees, the same way
 * for training and for evaluation.
 *
 * <p>Threading: a trace is immutable and may be replayed from many threads at once; the simulator and
 * the matrix are stateless and thread-safe. A policy instance, its view of the cache and the candidate
 * gatherers serve one replay on one thread: create a fresh policy per replay. A replay allocates its
 * per-object arrays once and nothing per request, and policies are expected to do the same, so that
 * replay speed measures the policy.
 */
package io.reflex.trainer.cache;
