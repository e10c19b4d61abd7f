/**
 * The neural networks the eviction trainers fit. Their arithmetic is {@code io.reflex.compute}'s
 * (dense layers, losses, Adam, the compute backends every trainer shares), so a GPU backend serves
 * them without touching them. {@link io.reflex.trainer.nn.QNetwork} is what the Double DQN trainer
 * needs of a Q-network; {@link io.reflex.trainer.nn.DuelingNetwork} (one network over all K
 * candidates) and {@link io.reflex.trainer.nn.CandidateDuelingNetwork} (one row network shared by
 * every candidate) implement it. {@link io.reflex.trainer.nn.RegressionNetwork} predicts an object's
 * time to its next access. Every network exports itself as the engine's
 * {@link io.reflex.engine.onnx.MlpGraph} ({@link io.reflex.trainer.nn.MlpExport}), so the graph the fast
 * path serves is the one that was trained.
 *
 * <p>Threading: networks are not thread-safe (one thread trains one) and allocate only at
 * construction.
 */
package io.reflex.trainer.nn;
