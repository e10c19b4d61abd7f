/**
 * The learned eviction policy ({@code reflex}) in the simulator, served by the engine exactly as a
 * cache embedding Reflex would serve it: no scoring happens here.
 * {@link io.reflex.trainer.cache.policy.learned.LearnedEvictionPolicy#load} reads a model's metadata
 * ({@link io.reflex.engine.eviction.EvictionModel}) and picks the matching policy:
 * {@link io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy} feeds Cold-RL's six features of
 * the K candidates to the engine's {@link io.reflex.engine.eviction.EvictionLoop};
 * {@link io.reflex.trainer.cache.policy.learned.NextAccessPolicy} keeps every object's access history
 * and feeds the {@code history-1} rows to the engine's
 * {@link io.reflex.engine.eviction.NextAccessLoop}, which may also decline an incoming object. Without a
 * model, {@code NextAccessPolicy} is the LRU-over-candidates behaviour the trainer replays first, and its
 * observer is how the trainer records data from the very replay a served model would make.
 *
 * <p>Offline evaluation runs without a decision deadline by default, so results do not move with the
 * machine's load; fallbacks are still counted. One instance per replay, one thread; close it after the
 * replay. {@code ReflexEvictionPolicy} allocates nothing per eviction; {@code NextAccessPolicy}
 * allocates only when its first callback sizes its arrays.
 */
package io.reflex.trainer.cache.policy.learned;
