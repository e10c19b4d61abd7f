package io.reflex.examples.dispatch;

import io.reflex.engine.matching.OnnxCandidateScorer;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One simulated shift: 20 drivers (3 rides each) in a 10 km × 10 km city, 150 requests with fares
 * up to 40, dispatched by {@link DispatchService} at ρ = 0.8. Prints every decision with the branch
 * that took it and the running guarantee, then the shift's totals.
 *
 * <pre>
 * java @cli/target/jvm.options -jar examples/target/dispatch-example.jar [SCORER.onnx] [--rho R] [--seed S]
 * </pre>
 *
 * Without a model it writes an <em>untrained</em> random scorer: the guarantee does not depend on
 * the scorer being any good. A model trained by {@code ./reflex matching evaluate --save-models DIR}
 * plugs in the same way. Runs on the main thread.
 */
public final class DispatchDemo {

    private DispatchDemo() {
    }

    public static void main(String[] args) throws IOException {
        Path model = null;
        double rho = 0.8;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rho" -> rho = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> model = Path.of(args[i]);
            }
        }
        Path file = model;
        if (file == null) {
            file = Files.createTempFile("dispatch-scorer", ".onnx");
            file.toFile().deleteOnExit();
            OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, 16, 16, 16, 1)).write(file);
            System.out.println("scorer: an untrained random MLP (pass a trained SCORER.onnx to use one)");
        } else {
            System.out.println("scorer: " + file);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Driver> drivers = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            drivers.add(new Driver(String.format("driver-%02d", d), 10 * random.nextDouble(), 10 * random.nextDouble(), 3));
        }
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(file)) {
            DispatchService service = new DispatchService(drivers, scorer, 40, 1.5, 4, rho, 0, 150);
            service.startShift();
            Dispatch last = null;
            for (int r = 0; r < 150; r++) {
                RideRequest request = new RideRequest(String.format("rider-%03d", r), 10 * random.nextDouble(),
                        10 * random.nextDouble(), 5 + 35 * random.nextDouble());
                last = service.dispatch(request);
                System.out.println(line(last));
            }
            System.out.printf(Locale.ROOT, "%nshift: earned %.2f, greedy dispatch would have earned %.2f; guaranteed at least "
                            + "rho %.2f x greedy = %.2f; %s%n", last.reward(), last.greedyReward(), rho, last.floor(),
                    last.reward() >= last.floor() ? "held" : "VIOLATED");
            System.out.printf(Locale.ROOT, "decisions: %d by the learned scorer, %d by the greedy expert%n",
                    service.learnedDecisions(), service.expertDecisions());
        }
    }

    static String line(Dispatch d) {
        RideRequest q = d.request();
        String to = d.driver() == null ? "declined " : d.driver().id() + String.format(Locale.ROOT, " %5.2f", d.value());
        return String.format(Locale.ROOT, "%s (%4.1f,%4.1f) fare %5.2f -> %-16s [%-6s] earned %7.2f  greedy %7.2f  floor %7.2f  margin %6.2f",
                q.id(), q.x(), q.y(), q.fare(), to, d.branch().label(), d.reward(), d.greedyReward(), d.floor(),
                d.guaranteeMargin());
    }
}
