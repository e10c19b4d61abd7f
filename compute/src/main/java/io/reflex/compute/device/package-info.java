/**
 * Which device a trainer computes on: {@link io.reflex.compute.device.DeviceRequest} ({@code --device
 * auto|cpu|gpu[:N]}), {@link io.reflex.compute.device.CudaProbe} (the CUDA driver asked through
 * {@code java.lang.foreign}: library, {@code cuInit}, device count and names) and
 * {@link io.reflex.compute.device.DeviceSelector} (the request and the probe give the backend, and one
 * line for stderr). Stateless.
 */
package io.reflex.compute.device;
