/**
 * The CUDA backend, bound through {@code java.lang.foreign} (no JNI, no native jar):
 * {@link io.reflex.compute.cuda.CudaDriver} (the driver API of {@code libcuda.so.1}, each failure a
 * {@link io.reflex.compute.cuda.CudaException} naming the call and the error),
 * {@link io.reflex.compute.cuda.CudaContext} and {@link io.reflex.compute.cuda.DeviceBuffer} (a context
 * and the device memory it owns, both {@code AutoCloseable}), {@link io.reflex.compute.cuda.KernelArgs}
 * ({@code cuLaunchKernel}'s argument list), {@link io.reflex.compute.cuda.Kernel} (the hand-written PTX
 * entries in this package's resources), {@link io.reflex.compute.cuda.Gemm} (cuBLAS's
 * {@code cublasSgemm} when {@code libcublas} loads, else the tiled PTX GEMM) and
 * {@link io.reflex.compute.cuda.CudaBackend}, the {@link io.reflex.compute.ComputeBackend} on them, whose
 * {@code tensors()} (the package's {@code CudaTensorBackend}) keeps a training step's tensors in device
 * memory: only what a {@link io.reflex.compute.Tensor#push} or {@link io.reflex.compute.Tensor#pull}
 * moves, and reductions' partial sums, cross to the host.
 *
 * <p>Threading: a context is current per thread; everything here is used by one thread at a time.
 */
package io.reflex.compute.cuda;
