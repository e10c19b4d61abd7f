package io.reflex.engine.policy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.reflex.engine.onnx.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link Policy} served by ONNX Runtime at its cheapest call pattern: each evaluator owns a direct
 * input buffer wrapped (without copying) by a reusable input tensor, and a preallocated ("pinned")
 * output tensor that ONNX Runtime writes into.
 *
 * <p>Thread-safe: the session is shared (ONNX Runtime's {@code run} is thread-safe), tensors are per
 * evaluator. Closing the policy closes every evaluator's tensors, then the session.
 */
final class OnnxRuntimePolicy implements Policy {

    private final Path source;
    private final TensorSpec input;
    private final TensorSpec output;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String fastPathStatus;
    private final Evaluators evaluators = new Evaluators();
    private volatile boolean closed;

    OnnxRuntimePolicy(Path source, TensorSpec input, TensorSpec output, OrtEnvironment env, OrtSession session,
                      String fastPathStatus) {
        this.source = source;
        this.input = input;
        this.output = output;
        this.env = env;
        this.session = session;
        this.fastPathStatus = fastPathStatus;
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
        return Backend.ONNX_RUNTIME;
    }

    @Override
    public String fastPathStatus() {
        return fastPathStatus;
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public Evaluator newEvaluator() {
        if (closed) {
            throw new IllegalStateException("policy " + source + " is closed");
        }
        try {
            return evaluators.register(new OrtEvaluator(), String.valueOf(source));
        } catch (OrtException e) {
            throw new PolicyEvaluationException("cannot allocate ONNX Runtime tensors for " + source + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        evaluators.closeAll();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session of " + source + " failed", e);
        }
    }

    private final class OrtEvaluator implements Evaluator {
        private final int inputSize = Math.toIntExact(input.elementCount());
        private final int outputSize = Math.toIntExact(output.elementCount());
        private final FloatBuffer inBuffer = direct(inputSize);
        private final FloatBuffer outBuffer = direct(outputSize);
        private final OnnxTensor inTensor;
        private final OnnxTensor outTensor;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> pinned;
        private boolean evaluatorClosed;

        OrtEvaluator() throws OrtException {
            // The tensors wrap the direct buffers without copying; the buffers live as long as this evaluator.
            inTensor = OnnxTensor.createTensor(env, inBuffer, input.shape());
            OnnxTensor out;
            try {
                out = OnnxTensor.createTensor(env, outBuffer, output.shape());
            } catch (OrtException e) {
                inTensor.close();
                throw e;
            }
            outTensor = out;
            inputs = Map.of(input.name(), inTensor);
            pinned = Map.of(output.name(), outTensor);
        }

        @Override
        public void evaluate(float[] in, float[] out) {
            Evaluators.checkLengths(in, inputSize, out, outputSize);
            inBuffer.put(0, in, 0, inputSize);
            // Pinned outputs are not owned by the result: closing it leaves outTensor open.
            try (OrtSession.Result ignored = session.run(inputs, pinned)) {
                outBuffer.get(0, out, 0, outputSize);
            } catch (OrtException e) {
                throw new PolicyEvaluationException("ONNX Runtime failed to evaluate " + source + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void evaluateRows(float[] in, int rows, float[] out) {
            Evaluators.checkRows(input.dim(0), source, in, rows, inputSize, out, outputSize);
            for (int r = 0; r < rows; r++) {
                inBuffer.put(0, in, r * inputSize, inputSize);
                try (OrtSession.Result ignored = session.run(inputs, pinned)) {
                    outBuffer.get(0, out, r * outputSize, outputSize);
                } catch (OrtException e) {
                    throw new PolicyEvaluationException("ONNX Runtime failed to evaluate " + source + ": " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void evaluateRows(float[] in, int rows, float[] out, int sharedFrom, int sharedTo) {
            // Each row is a full input here: the shared columns are already in place, so the hint only needs checking.
            Evaluators.checkSharedColumns(sharedFrom, sharedTo, inputSize);
            evaluateRows(in, rows, out);
        }

        @Override
        public synchronized void close() {
            if (evaluatorClosed) {
                return;
            }
            evaluatorClosed = true;
            inTensor.close();
            outTensor.close();
            evaluators.forget(this);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
