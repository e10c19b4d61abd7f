package io.reflex.engine.policy;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link Policy} and {@link Policy.Evaluator} around closing and argument checks,
 * the same on both backends.
 */
class PolicyLifecycleTest {

    private static final int ROWS = 2;
    private static final int IN = 96;
    private static final int OUT = 16;

    @TempDir
    Path dir;

    private Policy load(Backend backend) {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(1, IN, 128, 128, OUT + 1)).write(file);
        Policy policy = PolicyLoader.builder().backend(backend).batch(ROWS).build().load(file);
        assertEquals(backend, policy.backend());
        return policy;
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void refusesNewEvaluatorsOnceClosed(Backend backend) {
        Policy policy = load(backend);

        policy.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, policy::newEvaluator);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void closingTwiceIsHarmless(Backend backend) {
        Policy policy = load(backend);
        Policy.Evaluator evaluator = policy.newEvaluator();

        policy.close();

        assertDoesNotThrow(policy::close);
        assertDoesNotThrow(evaluator::close);
        assertThrows(IllegalStateException.class, policy::newEvaluator);
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void closingAnEvaluatorTwiceIsHarmlessAndLeavesThePolicyServing(Backend backend) {
        try (Policy policy = load(backend)) {
            Policy.Evaluator first = policy.newEvaluator();
            first.close();
            assertDoesNotThrow(first::close);

            try (Policy.Evaluator second = policy.newEvaluator()) {
                float[] y = new float[policy.outputSize()];
                second.evaluate(RandomGraphs.inputs(2, ROWS, IN), y);
                assertTrue(Float.isFinite(y[0]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void rejectsAnInputOrOutputShorterThanThePolicyNeeds(Backend backend) {
        try (Policy policy = load(backend); Policy.Evaluator evaluator = policy.newEvaluator()) {
            float[] x = new float[ROWS * IN];
            float[] y = new float[ROWS * OUT];

            IllegalArgumentException shortIn = assertThrows(IllegalArgumentException.class,
                    () -> evaluator.evaluate(new float[ROWS * IN - 1], y));
            IllegalArgumentException shortOut = assertThrows(IllegalArgumentException.class,
                    () -> evaluator.evaluate(x, new float[ROWS * OUT - 1]));

            assertTrue(shortIn.getMessage().contains(Integer.toString(ROWS * IN)), shortIn.getMessage());
            assertTrue(shortOut.getMessage().contains(Integer.toString(ROWS * OUT)), shortOut.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void acceptsLongerArraysUsingOnlyTheirPrefix(Backend backend) {
        try (Policy policy = load(backend); Policy.Evaluator evaluator = policy.newEvaluator()) {
            float[] x = RandomGraphs.inputs(3, ROWS, IN);
            float[] exact = new float[ROWS * OUT];
            evaluator.evaluate(x, exact);

            float[] longX = Arrays.copyOf(x, x.length + 7);
            Arrays.fill(longX, x.length, longX.length, 1e6f);
            float[] longY = new float[ROWS * OUT + 5];
            Arrays.fill(longY, -42f);
            evaluator.evaluate(longX, longY);

            assertArrayEquals(exact, Arrays.copyOf(longY, ROWS * OUT));
            for (int j = ROWS * OUT; j < longY.length; j++) {
                assertEquals(-42f, longY[j], "output beyond the policy's size was written at " + j);
            }
        }
    }
}
