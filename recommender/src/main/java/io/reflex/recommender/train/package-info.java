/**
 * Training TPGR offline. A {@link io.reflex.recommender.train.TpgrModel} is the item tree plus one
 * {@link io.reflex.recommender.train.LevelNetwork} per level, a small row scorer shared by every node
 * of that level, so the policy stays a few kilobytes whatever the catalog's size.
 * {@link io.reflex.recommender.train.ReinforceTrainer} trains it by REINFORCE on the simulator's
 * training users, and {@link io.reflex.recommender.train.TpgrModel#export} writes each level as an
 * ONNX model with golden pairs, which {@code io.reflex.recommender.serve} loads through the engine.
 *
 * <p>The level networks train on the arithmetic every Reflex trainer shares ({@code io.reflex.compute}:
 * dense layers, ReLU, one Adam), on the calling thread, deterministic for a seed. Nothing here is
 * thread-safe (a level network keeps its last forward pass's activations, even when only scoring). A
 * level network's forward and backward passes allocate nothing.
 */
package io.reflex.recommender.train;
