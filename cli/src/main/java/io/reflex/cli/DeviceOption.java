package io.reflex.cli;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.device.CudaProbe;
import io.reflex.compute.device.DeviceRequest;
import io.reflex.compute.device.DeviceSelector;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --device auto|cpu|gpu[:N]}, one name, one default and one message for every command that
 * trains a network: mix it in with {@code @Mixin DeviceOption device;} and call {@link #backend}.
 * {@code auto} (the default) takes the GPU when the CUDA driver loads and a device exists, else the
 * CPU; the chosen device is named on stderr. {@code gpu} where there is none fails with one line
 * naming what is missing (exit 1); a malformed value is a usage error (exit 2).
 */
final class DeviceOption {

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu[:N]",
            description = "Where training computes (default ${DEFAULT-VALUE}: the GPU when the CUDA driver and a device are "
                    + "present, else the CPU; the choice is printed on stderr); gpu "
                    + "without a usable GPU fails with what is missing.")
    String device;

    @Option(names = "--cpu-threads", paramLabel = "N",
            description = "Threads of the CPU backend (default: every core). Any N trains to the same bits.")
    Integer cpuThreads;

    /** The backend to train on, after printing {@code COMMAND: device: …} on {@code cli}'s stderr. */
    ComputeBackend backend(CommandLine cli, String command) {
        DeviceRequest request;
        try {
            request = DeviceRequest.parse(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        return selector(cli).select(request, line -> {
            cli.getErr().println(command + ": " + line);
            cli.getErr().flush();
        }).backend();
    }

    /** The selector {@code --cpu-threads} configures. */
    DeviceSelector selector(CommandLine cli) {
        if (cpuThreads == null) {
            return new DeviceSelector();
        }
        if (cpuThreads < 1) {
            throw new CommandLine.ParameterException(cli, "--cpu-threads must be >= 1, got " + cpuThreads);
        }
        return new DeviceSelector(CudaProbe::probe, cpuThreads);
    }
}
