package io.reflex.harness.bench;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.Mlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput of the compute backends on each trainer's network shape: for every (shape,
 * hidden width, batch), an {@link Mlp} of that shape takes whole training steps (forward pass,
 * squared-error gradient, backward pass, Adam: {@link Mlp#trainMse}, everything on the backend but the
 * batch's upload and the loss's return) on a fixed seeded batch, and the cell reports samples
 * (rows) per second. A cell first warms up for a quarter of its time budget (at least one step), then
 * times steps until the budget is spent (at least two), so the biggest cells run over it rather than
 * report one noisy step.
 *
 * <p>Not thread-safe; allocates each cell's network and batch (the biggest, width 1,024 at batch
 * 8,192, about 150 MB) and closes it before the next (freeing its device memory on a GPU).
 */
public final class TrainingBench {

    /**
     * One trainer's network: {@code inputs → hidden × hiddenLayers (ReLU) → outputs}.
     *
     * @param trainer      the trainer's name in the output ({@code eviction}, {@code matching}, {@code tpgr})
     * @param inputs       row width
     * @param hiddenLayers hidden layers, each of the cell's width
     * @param outputs      outputs per row
     */
    public record Shape(String trainer, int inputs, int hiddenLayers, int outputs) {

        int[] widths(int hidden) {
            int[] w = new int[hiddenLayers + 2];
            Arrays.fill(w, hidden);
            w[0] = inputs;
            w[w.length - 1] = outputs;
            return w;
        }
    }

    /** One cell's figure. */
    public record Row(String trainer, int width, int batch, String device, double samplesPerSec, int steps) {
    }

    private final long budgetNanos;

    /** @param budgetMillis time per cell, > 0 (a quarter of it warms up) */
    public TrainingBench(long budgetMillis) {
        if (budgetMillis < 1) {
            throw new IllegalArgumentException("the time per cell must be >= 1 ms, got " + budgetMillis);
        }
        this.budgetNanos = budgetMillis * 1_000_000L;
    }

    /**
     * Every (shape, width, batch) cell on {@code backend}, in that nesting order, after one unreported
     * small cell per shape (so that the first cells do not measure the JIT compiling the backend).
     */
    public List<Row> run(ComputeBackend backend, String device, List<Shape> shapes, int[] widths, int[] batches) {
        for (Shape shape : shapes) {
            cell(backend, device, shape, 16, 128);
        }
        List<Row> rows = new ArrayList<>();
        for (Shape shape : shapes) {
            for (int width : widths) {
                for (int batch : batches) {
                    rows.add(cell(backend, device, shape, width, batch));
                }
            }
        }
        return rows;
    }

    private Row cell(ComputeBackend backend, String device, Shape shape, int width, int batch) {
        try (Mlp net = Mlp.glorot(backend, shape.widths(width), 1f, batch, new SplittableRandom(width * 31L + batch))) {
            return cell(net, device, shape, width, batch);
        }
    }

    private Row cell(Mlp net, String device, Shape shape, int width, int batch) {
        SplittableRandom r = new SplittableRandom(7);
        float[] in = net.input();
        for (int i = 0; i < batch * shape.inputs(); i++) {
            in[i] = (float) r.nextDouble();
        }
        int n = batch * shape.outputs();
        float[] targets = new float[n];
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            targets[i] = (float) r.nextDouble();
            weights[i] = 1f;
        }
        long warm = System.nanoTime() + budgetNanos / 4;
        do {
            step(net, batch, targets, weights);
        } while (System.nanoTime() < warm);
        int steps = 0;
        long begin = System.nanoTime();
        long end = begin + budgetNanos - budgetNanos / 4;
        long now;
        do {
            step(net, batch, targets, weights);
            steps++;
            now = System.nanoTime();
        } while (steps < 2 || now < end);
        return new Row(shape.trainer(), width, batch, device, (double) steps * batch * 1e9 / (now - begin), steps);
    }

    /** One whole step on the backend ({@link Mlp#trainMse}): the batch goes up, the loss comes back. */
    private static void step(Mlp net, int batch, float[] targets, float[] weights) {
        net.trainMse(batch, targets, weights, batch, Double.POSITIVE_INFINITY, 1e-4f);
    }
}
