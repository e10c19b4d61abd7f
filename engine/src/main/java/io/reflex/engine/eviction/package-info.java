/**
 * The eviction loops: how a cache asks a model which objects to evict, with LRU as the fallback.
 *
 * <p>Two feature schemas, each with its loop. Cold-RL's: a cache fills
 * {@link io.reflex.engine.eviction.EvictionCandidates} with its K least recently used objects,
 * {@link io.reflex.engine.eviction.EvictionFeatures} encodes six features per candidate,
 * {@link io.reflex.engine.eviction.EvictionLoop} scores them and
 * {@link io.reflex.engine.eviction.VictimMask} turns the scores into a bitmask of victims. The
 * {@code history-1} schema: {@link io.reflex.engine.eviction.AccessHistory} keeps each object's
 * access gaps and decayed counters, {@link io.reflex.engine.eviction.HistoryFeatures} encodes them,
 * and {@link io.reflex.engine.eviction.NextAccessLoop} evicts the candidate predicted to be needed
 * farthest in the future (size-aware) and may also decline an incoming object.
 * {@link io.reflex.engine.eviction.EvictionModel} reads from a model's metadata which schema,
 * candidate set and K it was trained on, so that hosts serve it as trained. Both loops decide through
 * a {@link io.reflex.engine.runtime.DecisionRuntime}. The offline trainer and simulator encode through
 * these same classes, so training and serving see identical inputs, bit for bit.
 *
 * <p>Threading: the loops are thread-safe; each deciding thread takes its own {@code Decider}, which
 * allocates nothing per decision. Candidates, feature encoders and access histories are not
 * thread-safe (one per deciding thread, or one writer) and allocate nothing after construction;
 * {@code VictimMask} is stateless.
 */
package io.reflex.engine.eviction;
