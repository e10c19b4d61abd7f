package io.reflex.engine.policy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.testing.FuzzInputs;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a model file, loaded as {@code ./reflex model check} loads them ({@link OnnxModel#read},
 * then {@link PolicyLoader#load} with the defaults, then the golden pairs), give a policy that
 * evaluates or a {@link ModelLoadException} naming the file: never another exception, never a
 * crash of the JVM. Bytes reach ONNX Runtime (native code) only after the project's own checks have
 * passed, so this also fuzzes what those checks let through.
 *
 * <p>Input: the file, as is. Corpus (models written by {@code OnnxModelWriter}, and damaged copies):
 * {@code src/test/resources/io/reflex/engine/policy/ModelLoadFuzzTestInputs/}.
 */
class ModelLoadFuzzTest {

    private static final PolicyLoader LOADER = PolicyLoader.defaults();
    private static final Path FILE;

    static {
        // ONNX Runtime warns on stderr about every odd model, quoting the fuzzed names; the first
        // environment created sets the level for the JVM, and the loader's shares it.
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        try {
            Path dir = Files.createTempDirectory("reflex-model-fuzz");
            dir.toFile().deleteOnExit();
            FILE = dir.resolve("model.onnx");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final FuzzInputs INPUTS = new FuzzInputs("ModelLoadFuzzTest");

    @AfterAll
    static void reportInputs() {
        INPUTS.report();
    }

    @FuzzTest(maxDuration = "10s")
    void loadsOrRefusesAnyFile(byte[] input) throws IOException {
        INPUTS.add();
        Files.write(FILE, input);
        try {
            OnnxModel model = OnnxModel.read(FILE);
            try (Policy policy = LOADER.load(model); Policy.Evaluator evaluator = policy.newEvaluator()) {
                float[] y = new float[policy.outputSize()];
                evaluator.evaluate(new float[policy.inputSize()], y);
            }
            model.golden();
        } catch (ModelLoadException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), () -> "a refusal names the file: " + e.getMessage());
        } catch (PolicyEvaluationException e) {
            // Documented for evaluate (a backend failure at run time): a refusal too, not a crash.
        } finally {
            Files.deleteIfExists(FILE);
        }
    }
}
