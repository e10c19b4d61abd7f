package io.reflex.cli;

import io.reflex.compute.device.CudaProbe;
import io.reflex.compute.device.DeviceRequest;
import io.reflex.compute.device.DeviceSelector;
import io.reflex.harness.bench.BackendParity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./reflex bench parity}: the eviction network trained for the same seeded steps on the CPU
 * backend and on {@code --device} (the GPU by default), and how far apart the weights end up
 * ({@link BackendParity}); exit 0 when within {@code --tolerance}, 3 when not.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Trains an eviction network (--network candidate: the 12-16-16-2 candidate dueling network's DQN steps; "
                + "regression: the 11-32-32-1 next-access regressor's whole MSE steps; seed 5) for the same seeded steps on "
                + "the CPU backend and on --device, and compares the weights: max |cpu - other| / max |cpu|. "
                + "Exit 0 within --tolerance, 3 beyond it, 1 when the device is unusable."})
final class BenchParityCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOption json;

    @Option(names = "--device", defaultValue = "gpu", paramLabel = "gpu[:N]|cpu",
            description = "The backend compared with the CPU (default ${DEFAULT-VALUE}; cpu compares all cores with one thread).")
    String device;

    @Option(names = "--network", defaultValue = "candidate", paramLabel = "candidate|regression",
            description = "Which eviction network to train (default ${DEFAULT-VALUE}).")
    String network;

    @Option(names = "--steps", defaultValue = "200", paramLabel = "N", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tolerance", defaultValue = "1e-4", paramLabel = "REL",
            description = "Largest relative difference that passes (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        Args.require(cli, steps >= 1 && steps <= 100_000, "--steps must be in [1, 100000], got %s", steps);
        Args.require(cli, tolerance >= 0, "--tolerance must be >= 0, got %s", tolerance);
        Args.require(cli, network.equals("candidate") || network.equals("regression"),
                "--network must be candidate or regression, got '%s'", network);
        BackendParity.Network which = network.equals("candidate") ? BackendParity.Network.CANDIDATE
                : BackendParity.Network.REGRESSION;
        DeviceRequest request;
        try {
            request = DeviceRequest.parse(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        PrintWriter err = cli.getErr();
        java.util.function.Consumer<String> note = line -> {
            err.println("bench parity: " + line);
            err.flush();
        };
        DeviceSelector.Selection cpu = new DeviceSelector().select(DeviceRequest.parse("cpu"), note);
        DeviceSelector.Selection other = request.kind() == DeviceRequest.Kind.CPU
                ? new DeviceSelector(CudaProbe::probe, 1).select(request, note)
                : new DeviceSelector().select(request, note);
        BackendParity.Result r = BackendParity.compare(cpu.backend(), other.backend(), steps, which);
        boolean pass = r.relative() <= tolerance;
        PrintWriter out = cli.getOut();
        if (json.enabled()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("network", which.shape());
            m.put("steps", r.steps());
            m.put("parameters", r.parameters());
            m.put("first", r.first());
            m.put("second", r.second());
            m.put("second_backend", other.backend().name());
            m.put("max_abs_diff", r.maxAbsDiff());
            m.put("max_abs_weight", r.maxAbsWeight());
            m.put("relative", r.relative());
            m.put("tolerance", tolerance);
            m.put("pass", pass);
            Json.print(out, m);
        } else {
            out.printf(Locale.ROOT, "%s vs %s after %d steps: max |diff| %.3g, max |w| %.3g, relative %.3g (%s %.1g)%n",
                    r.first(), r.second(), r.steps(), r.maxAbsDiff(), r.maxAbsWeight(), r.relative(),
                    pass ? "within" : "beyond", tolerance);
            out.flush();
        }
        return pass ? 0 : 3;
    }
}
