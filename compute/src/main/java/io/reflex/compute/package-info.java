/**
 * The training arithmetic every Reflex trainer shares, and nothing else: {@link io.reflex.compute.ComputeBackend}
 * (dense layers forward and backward, ReLU, Huber and MSE losses, the Adam update, on flat row-major
 * {@code float[]} arrays), its arithmetic on backend-resident {@link io.reflex.compute.Tensor}s
 * ({@link io.reflex.compute.TensorBackend}; {@link io.reflex.compute.HostTensorBackend} on the CPU,
 * with no copies), {@link io.reflex.compute.DenseLayer} (one layer's weights and gradients, host
 * side), {@link io.reflex.compute.Parameters} (their tensors), {@link io.reflex.compute.Adam} (the one
 * optimiser) and {@link io.reflex.compute.Mlp} (a ReLU chain trained over a batch, its state kept on
 * the backend between steps). {@link io.reflex.compute.VectorCpuBackend} is the CPU backend, in Vector API
 * lanes with every sum in a fixed order, so two identical trainings give identical weights whether or
 * not the JIT has compiled the code.
 *
 * <p>The module depends on nothing of Reflex's (the engine does not depend on it either): the
 * eviction and matching trainers and the recommender's TPGR trainer train through it, and export what
 * they trained as the engine's graphs themselves.
 *
 * <p>Threading: layers, networks and optimisers are not thread-safe (one thread trains one) and
 * allocate only at construction (an {@code Mlp} also when {@code reserve} grows it); each closes the
 * tensors it owns (device memory on a GPU). A backend allocates nothing per call; {@code
 * VectorCpuBackend} is stateless and thread-safe.
 */
package io.reflex.compute;
