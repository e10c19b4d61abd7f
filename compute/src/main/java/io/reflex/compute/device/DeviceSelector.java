package io.reflex.compute.device;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.VectorCpuBackend;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a {@link DeviceRequest} into the {@link ComputeBackend} a trainer computes on, and says on
 * one line which device that is. {@code cpu} is the Vector API backend. {@code gpu[:N]} needs the CUDA
 * driver and device N, else it fails with one line naming what is missing ({@code libcuda.so.1} not
 * found, no device, no device N); {@code auto} takes the GPU when {@code gpu} would succeed and
 * the CPU otherwise, saying why.
 *
 * <p>This build has no CUDA backend yet (the driver is probed, nothing is computed on it): {@code gpu}
 * on a machine with a GPU fails saying so, and {@code auto} there trains on the CPU and says so.
 *
 * <p>Stateless; the probe runs once per {@link #select}.
 */
public final class DeviceSelector {

    private final Supplier<CudaProbe.Result> probe;
    private final int cpuThreads;

    /** A selector that asks the system's CUDA driver; the CPU backend on every core. */
    public DeviceSelector() {
        this(CudaProbe::probe);
    }

    /** A selector with its own probe (tests: a machine with or without GPUs); the CPU backend on every core. */
    public DeviceSelector(Supplier<CudaProbe.Result> probe) {
        this(probe, Runtime.getRuntime().availableProcessors());
    }

    /**
     * A selector whose CPU backend computes on {@code cpuThreads} threads.
     *
     * @throws IllegalArgumentException when {@code cpuThreads} is below 1
     */
    public DeviceSelector(Supplier<CudaProbe.Result> probe, int cpuThreads) {
        if (cpuThreads < 1) {
            throw new IllegalArgumentException("--cpu-threads must be >= 1, got " + cpuThreads);
        }
        this.probe = probe;
        this.cpuThreads = cpuThreads;
    }

    /** The chosen backend and the line that names it ({@code device: cpu (…)}). */
    public record Selection(ComputeBackend backend, String device, String line) {
    }

    /**
     * Chooses the backend for {@code request}, passing the one line that names the device to
     * {@code note} (for stderr).
     *
     * @throws DeviceUnavailableException for {@code gpu[:N]} when the GPU cannot be used
     */
    public Selection select(DeviceRequest request, Consumer<String> note) {
        Selection s = switch (request.kind()) {
            case CPU -> cpu("--device cpu");
            case GPU -> gpu(request.index(), probe.get());
            case AUTO -> {
                CudaProbe.Result found = probe.get();
                if (!found.available()) {
                    yield cpu("no GPU: " + found.missing());
                }
                yield cpu("GPU 0 (" + found.devices().getFirst() + ") found, but this build has no CUDA backend yet");
            }
        };
        note.accept(s.line());
        return s;
    }

    private Selection cpu(String why) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new Selection(new VectorCpuBackend(cpuThreads), "cpu",
                "device: cpu (Vector API, " + cpuThreads + " thread" + (cpuThreads == 1 ? "" : "s") + " on " + cores
                        + " core" + (cores == 1 ? "" : "s") + "; " + why + ")");
    }

    private static Selection gpu(int index, CudaProbe.Result found) {
        if (!found.available()) {
            throw new DeviceUnavailableException("--device gpu:" + index + ": " + found.missing());
        }
        if (index >= found.devices().size()) {
            throw new DeviceUnavailableException("--device gpu:" + index + ": no such device (the driver reports "
                    + found.devices().size() + ": " + String.join(", ", found.devices()) + ")");
        }
        throw new DeviceUnavailableException("--device gpu:" + index + ": " + found.devices().get(index)
                + " found, but this build has no CUDA backend yet (use --device cpu or auto)");
    }
}
