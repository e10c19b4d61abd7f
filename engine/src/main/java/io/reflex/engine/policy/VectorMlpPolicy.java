package io.reflex.engine.policy;

import io.reflex.engine.onnx.TensorSpec;

import java.nio.file.Path;

/**
 * A {@link Policy} served by the Vector API fast path ({@link VectorMlp}). Created by
 * {@link PolicyLoader} only after the compiled program agreed with ONNX Runtime on the model.
 *
 * <p>Thread-safe; evaluators are per thread and allocate nothing per call.
 */
final class VectorMlpPolicy implements Policy {

    private final Path source;
    private final TensorSpec input;
    private final TensorSpec output;
    private final VectorMlp program;
    private final int rows;
    private final Evaluators evaluators = new Evaluators();

    VectorMlpPolicy(Path source, TensorSpec input, TensorSpec output, VectorMlp program) {
        this.source = source;
        this.input = input;
        this.output = output;
        this.program = program;
        this.rows = Math.toIntExact(input.dim(0));
    }

    @Override
    public TensorSpec input() {
        return input;
    }

    @Override
    public TensorSpec output() {
        return output;
    }

    @Override
    public Backend backend() {
        return Backend.VECTOR;
    }

    @Override
    public String fastPathStatus() {
        return program.description();
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public Evaluator newEvaluator() {
        return evaluators.register(new VectorEvaluator(), String.valueOf(source));
    }

    @Override
    public void close() {
        evaluators.closeAll();
    }

    private final class VectorEvaluator implements Evaluator {
        private final VectorMlp.Scratch scratch = program.newScratch();
        private final VectorMlp.LaneScratch lanes = program.supportsRowLanes() ? program.newLaneScratch() : null;
        private final int inWidth = program.inputWidth();
        private final int outWidth = program.outputWidth();
        private final int inputSize = rows * inWidth;
        private final int outputSize = rows * outWidth;

        @Override
        public void evaluate(float[] in, float[] out) {
            Evaluators.checkLengths(in, inputSize, out, outputSize);
            if (lanes != null && rows >= VectorMlp.lanes()) {
                // A batch of at least a vector's width fills the lanes: one row per lane beats one call per row.
                program.evaluateRows(in, rows, out, lanes, 0, 0);
                return;
            }
            for (int r = 0; r < rows; r++) {
                program.evaluate(in, r * inWidth, out, r * outWidth, scratch);
            }
        }

        @Override
        public void evaluateRows(float[] in, int rowCount, float[] out) {
            evaluateRows(in, rowCount, out, 0, 0);
        }

        @Override
        public void evaluateRows(float[] in, int rowCount, float[] out, int sharedFrom, int sharedTo) {
            Evaluators.checkRows(rows, source, in, rowCount, inWidth, out, outWidth);
            Evaluators.checkSharedColumns(sharedFrom, sharedTo, inWidth);
            if (lanes != null) {
                program.evaluateRows(in, rowCount, out, lanes, sharedFrom, sharedTo);
                return;
            }
            for (int r = 0; r < rowCount; r++) {
                program.evaluate(in, r * inWidth, out, r * outWidth, scratch);
            }
        }

        @Override
        public void close() {
            evaluators.forget(this);
        }
    }
}
