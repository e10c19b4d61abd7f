/**
 * The neural networks the trainers fit, and the arithmetic under them.
 * {@link io.reflex.trainer.nn.ComputeBackend} is the only arithmetic the learning algorithms use (dense
 * layers forward and backward, ReLU, Huber and MSE losses, Adam) on flat row-major arrays, so a GPU
 * backend can be added without touching them; {@link io.reflex.trainer.nn.VectorCpuBackend} is the CPU
 * one, in Vector API lanes with sums in a fixed order, so that two identical trainings give identical
 * weights whether or not the JIT has compiled the code. {@link io.reflex.trainer.nn.QNetwork} is what the
 * Double DQN trainer needs of a Q-network; {@link io.reflex.trainer.nn.DuelingNetwork} (one network
 * over all K candidates) and {@link io.reflex.trainer.nn.CandidateDuelingNetwork} (one row network shared
 * by every candidate) implement it. {@link io.reflex.trainer.nn.RegressionNetwork} predicts an object's
 * time to its next access. Every network exports itself as the engine's
 * {@link io.reflex.engine.onnx.MlpGraph}, so the graph the fast path serves is the one that was trained.
 *
 * <p>Threading: networks and their {@link io.reflex.trainer.nn.DenseParameters} are not thread-safe
 * (one thread trains one) and allocate only at construction. A backend allocates nothing per call;
 * {@code VectorCpuBackend} is stateless and thread-safe, while a backend holding scratch space is
 * confined to one thread.
 */
package io.reflex.trainer.nn;
