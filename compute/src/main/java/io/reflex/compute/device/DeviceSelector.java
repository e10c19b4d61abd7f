package io.reflex.compute.device;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.compute.cuda.CudaBackend;
import io.reflex.compute.cuda.CudaErrors;
import io.reflex.compute.cuda.CudaException;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a {@link DeviceRequest} into the {@link ComputeBackend} a trainer computes on, and says on
 * one line which device that is. {@code cpu} is the Vector API backend. {@code gpu[:N]} needs the CUDA
 * driver and device N, else it fails with one line naming what is missing ({@code libcuda.so.1} not
 * found, no device, no device N); {@code auto} takes the GPU when {@code gpu} would succeed and
 * the CPU otherwise, saying why.
 *
 * <p>The GPU backend is {@link CudaBackend}: opening it creates a CUDA context and JIT-compiles the
 * PTX kernels, so a driver older than their PTX ISA fails here ({@code gpu}: one line saying so;
 * {@code auto}: the CPU, saying why).
 *
 * <p>Stateless but for its settings; the probe runs once per {@link #select}, and each selection of the
 * GPU opens a new {@link CudaBackend}, which lives as long as the process (its context is released at
 * exit) unless the caller closes it.
 */
public final class DeviceSelector {

    /** Opens the CUDA backend on a device (ordinal, name, note); tests pass one that fails or fakes it. */
    @FunctionalInterface
    public interface GpuOpener {
        ComputeBackend open(int ordinal, String name, Consumer<String> note);
    }

    private final Supplier<CudaProbe.Result> probe;
    private final int cpuThreads;
    private final GpuOpener opener;

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
        this(probe, cpuThreads, CudaBackend::open);
    }

    /** A selector with its own probe and GPU backend (tests). */
    public DeviceSelector(Supplier<CudaProbe.Result> probe, int cpuThreads, GpuOpener opener) {
        if (cpuThreads < 1) {
            throw new IllegalArgumentException("--cpu-threads must be >= 1, got " + cpuThreads);
        }
        this.probe = probe;
        this.cpuThreads = cpuThreads;
        this.opener = opener;
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
                try {
                    yield gpu(0, found);
                } catch (DeviceUnavailableException e) {
                    yield cpu("GPU 0 unusable: " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
                }
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

    private Selection gpu(int index, CudaProbe.Result found) {
        if (!found.available()) {
            throw new DeviceUnavailableException("--device gpu:" + index + ": " + found.missing());
        }
        if (index >= found.devices().size()) {
            throw new DeviceUnavailableException("--device gpu:" + index + ": no such device (the driver reports "
                    + found.devices().size() + ": " + String.join(", ", found.devices()) + ")");
        }
        String name = found.devices().get(index);
        StringBuilder how = new StringBuilder();
        ComputeBackend backend;
        try {
            backend = opener.open(index, name, how::append);
        } catch (CudaException e) {
            String what = e.code() == CudaErrors.UNSUPPORTED_PTX_VERSION || e.code() == CudaErrors.INVALID_PTX
                    ? "the driver is too old for the PTX kernels (" + e.getMessage() + ")"
                    : e.getMessage();
            throw new DeviceUnavailableException("--device gpu:" + index + ": " + name + ": " + what);
        } catch (IllegalStateException e) {
            throw new DeviceUnavailableException("--device gpu:" + index + ": " + e.getMessage());
        }
        return new Selection(backend, backend.device(), "device: " + backend.device() + " (CUDA, "
                + (how.isEmpty() ? backend.name() : how) + ")");
    }
}
