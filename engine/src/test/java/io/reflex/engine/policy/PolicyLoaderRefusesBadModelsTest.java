package io.reflex.engine.policy;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.HandBuiltModels;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A model that cannot be served faithfully is refused with a {@link ModelLoadException} whose
 * message names the file and says what is wrong with it.
 */
class PolicyLoaderRefusesBadModelsTest {

    @TempDir
    Path dir;

    private final PolicyLoader loader = PolicyLoader.defaults();

    @Test
    void refusesAMissingFileSayingItIsNotFound() {
        Path file = dir.resolve("absent.onnx");

        assertRefused(file, () -> loader.load(file), "not found");
    }

    @Test
    void refusesAnEmptyFileSayingItIsEmpty() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.onnx"));

        assertRefused(file, () -> loader.load(file), "empty");
    }

    @Test
    void refusesAFileOverTwoGibibytesByItsSizeWithoutReadingIt() throws IOException {
        Path file = dir.resolve("huge.onnx");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: the bytes are never stored, let alone read
        }

        assertRefused(file, () -> {
            try {
                loader.load(file);
            } catch (OutOfMemoryError e) {
                // JUnit would rethrow it and abort the whole run instead of failing this test.
                throw new AssertionError("ran out of memory instead of refusing: " + e.getMessage(), e);
            }
        }, "3,221,225,472 bytes", "268,435,456");
    }

    @Test
    void refusesAFileOverItsConfiguredLimitAndLoadsOneAtTheLimit() throws IOException {
        byte[] model = OnnxModelWriter.of(MlpGraph.randomChain(5, Activation.RELU, 6, 4, 2)).toBytes();
        Path file = Files.write(dir.resolve("model.onnx"), model);

        try (Policy p = PolicyLoader.builder().maxModelBytes(model.length).build().load(file)) {
            assertEquals(6, p.inputSize());
        }
        PolicyLoader tight = PolicyLoader.builder().maxModelBytes(model.length - 1).build();
        assertRefused(file, () -> tight.load(file), "over the limit of " + String.format("%,d", model.length - 1));
    }

    @Test
    void aSizeLimitOutsideWhatAnArrayHoldsIsRefusedNamingIt() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> PolicyLoader.builder().maxModelBytes(0));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PolicyLoader.builder().maxModelBytes(3L << 30));
        assertEquals(256L << 20, PolicyLoader.defaults().maxModelBytes());
    }

    @Test
    void refusesAFifoWithoutOpeningItSoNothingWaitsForAWriter() throws Exception {
        Path fifo = dir.resolve("pipe.onnx");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");

        // Opening a FIFO for reading blocks until a writer comes: fail rather than hang.
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertRefused(fifo, () -> loader.load(fifo), "not a regular file"));
    }

    @Test
    void refusesADirectorySayingItIsOne() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("model.onnx"));

        assertRefused(directory, () -> loader.load(directory), "is a directory");
    }

    @Test
    void refusesRandomBytesAsNotAValidOnnxModel() throws IOException {
        byte[] noise = new byte[4096];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) random.nextInt(256);
        }
        Path file = Files.write(dir.resolve("noise.onnx"), noise);

        assertRefused(file, () -> loader.load(file), "not a valid ONNX model");
    }

    @Test
    void refusesTheFirstHalfOfAValidModelAsNotAValidOnnxModel() throws IOException {
        byte[] whole = OnnxModelWriter.of(MlpGraph.randomChain(1, Activation.RELU, 32, 64, 64, 8)).toBytes();
        Path file = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length / 2));

        assertRefused(file, () -> loader.load(file), "not a valid ONNX model", "truncated");
    }

    @Test
    void refusesAModelWithNaNWeightsNamingTheInitializer() {
        // The second dense layer of a Gemm export is written as the initializer trunk_dense2_W.
        MlpGraph clean = MlpGraph.randomChain(2, Activation.RELU, 12, 10, 6);
        List<Layer> layers = new ArrayList<>(clean.trunk());
        Dense second = (Dense) layers.get(2);
        float[] w = second.weights();
        w[17] = Float.NaN;
        layers.set(2, new Dense(second.inputs(), second.outputs(), w, second.bias()));
        Path file = dir.resolve("nan.onnx");
        OnnxModelWriter.of(MlpGraph.chain(12, layers)).write(file);

        assertRefused(file, () -> loader.load(file), "initializer 'trunk_dense2_W'", "NaN", "element 17");
    }

    @Test
    void refusesAModelWithANaNAttributeNamingTheNode() throws Exception {
        byte[] written = OnnxModelWriter.of(MlpGraph.randomChain(4, Activation.leakyRelu(0.1f), 8, 8, 2)).toBytes();
        ai.onnx.proto.OnnxMl.ModelProto.Builder m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(written).toBuilder();
        int edited = 0;
        for (ai.onnx.proto.OnnxMl.NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (n.getOpType().equals("LeakyRelu")) {
                n.getAttributeBuilder(0).setF(Float.NaN);
                edited++;
            }
        }
        assertTrue(edited > 0, "the chain has a LeakyRelu to edit");
        Path file = Files.write(dir.resolve("nan-alpha.onnx"), m.build().toByteArray());

        assertRefused(file, () -> loader.load(file), "(LeakyRelu)", "non-finite attribute 'alpha'", "NaN");
    }

    @Test
    void refusesAModelWhoseInputWidthIsNotTheDeclaredOne() {
        Path file = dir.resolve("wide.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(3, 96, 128, 128, 17)).write(file);
        PolicyLoader expecting50 = PolicyLoader.builder().input(null, 1, 50).build();

        assertRefused(file, () -> expecting50.load(file), "input 'input'", "[batch,96]", "expected [1,50]");
    }

    @Test
    void refusesAModelWhoseInputIsNotNamedAsDeclared() {
        Path file = dir.resolve("named.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(4, Activation.RELU, 8, 4)).inputName("features").write(file);
        PolicyLoader expectingObs = PolicyLoader.builder().input("obs").build();

        assertRefused(file, () -> expectingObs.load(file), "'features'", "expected 'obs'");
    }

    @Test
    void refusesAModelWhoseFixedBatchIsNotTheLoadersBatch() {
        Path file = dir.resolve("batch2.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(5, Activation.RELU, 8, 4)).fixedBatch(2).write(file);

        assertRefused(file, () -> loader.load(file), "fixed batch of 2", "batch 1");
    }

    @ParameterizedTest
    @EnumSource(names = {"VECTOR", "ONNX_RUNTIME"})
    void refusesGoldenPairsThatDoNotReproduceNamingThePairAndTheBackend(Backend backend) {
        MlpGraph graph = MlpGraph.randomChain(6, Activation.TANH, 32, 64, 64, 8);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            float[] x = RandomGraphs.inputs(60 + p, 1, 32);
            inputs.add(x);
            outputs.add(ScalarReference.evaluate(graph, x, 0));
        }
        outputs.get(2)[5] += 0.5f;
        Path file = dir.resolve("golden.onnx");
        OnnxModelWriter.of(graph).golden(new GoldenPairs(inputs, outputs)).write(file);
        PolicyLoader onBackend = PolicyLoader.builder().backend(backend).build();

        assertRefused(file, () -> onBackend.load(file),
                "golden pair 2 does not reproduce on " + backend.label(), "output 5");
    }

    @Test
    void refusesGoldenPairsOfTheWrongWidthNamingThePair() {
        GoldenPairs pairs = new GoldenPairs(List.of(new float[8], new float[3]), List.of(new float[4], new float[4]));
        Path file = dir.resolve("golden-width.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(7, Activation.RELU, 8, 4)).golden(pairs).write(file);

        assertRefused(file, () -> loader.load(file), "golden pair 1 has widths 3->4", "maps 8->4");
    }

    @Test
    void refusesMalformedGoldenMetadataNamingTheKeyAndThePair() {
        Path file = dir.resolve("golden-text.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(8, Activation.RELU, 2, 1))
                .metadata(GoldenPairs.METADATA_KEY, "1.0,2.0|0.5;1.0,two|0.5").write(file);

        assertRefused(file, () -> loader.load(file), "'" + GoldenPairs.METADATA_KEY + "' is malformed",
                "golden pair 1 input value 1", "'two'");
    }

    @Test
    void refusesTheVectorBackendForAGraphTheFastPathCannotCompileSayingWhy() throws IOException {
        Path file = Files.write(dir.resolve("softmax.onnx"), HandBuiltModels.gemmThenSoftmax(RandomGraphs.dense(9, 16, 4)));
        PolicyLoader vectorOnly = PolicyLoader.builder().backend(Backend.VECTOR).build();

        assertRefused(file, () -> vectorOnly.load(file), "fast path cannot serve this model",
                "'" + HandBuiltModels.SOFTMAX_NODE + "' (Softmax)");
    }

    @Test
    void refusesAModelCarryingAMetadataEntryTheCallerRefusedAndLoadsOneWithout() throws IOException {
        MlpGraph graph = MlpGraph.randomChain(4, Activation.RELU, 12, 16, 2);
        Path marked = dir.resolve("marked.onnx");
        Path plain = dir.resolve("plain.onnx");
        OnnxModelWriter.of(graph).fixedBatch(1).metadata("reflex.hit-history", "3000").write(marked);
        OnnxModelWriter.of(graph).fixedBatch(1).metadata("reflex.k", "64").write(plain);
        PolicyLoader refusing = PolicyLoader.builder().refuseMetadata("reflex.hit-history", "this host cannot supply it").build();

        assertRefused(marked, () -> refusing.load(marked), "reflex.hit-history", "'3000'", "this host cannot supply it");
        try (Policy p = refusing.load(plain)) {
            assertEquals(12, p.inputSize());
        }
        try (Policy p = PolicyLoader.defaults().load(marked)) {
            assertEquals(2, p.outputSize(), "without the refusal the entry is only metadata");
        }
        assertThrows(IllegalArgumentException.class, () -> PolicyLoader.builder().refuseMetadata(" ", "why"));
    }

    @Test
    void theEvictionHostLoaderRefusesHistoryAndSampledModelsNamingTheFirstRefusedEntryWhenBothAreThere() throws IOException {
        MlpGraph graph = MlpGraph.randomChain(4, Activation.RELU, 12, 16, 2);
        Path history = dir.resolve("history.onnx");
        Path sampled = dir.resolve("sampled.onnx");
        Path both = dir.resolve("both.onnx");
        OnnxModelWriter.of(graph).fixedBatch(1).metadata(EvictionFeatures.HIT_HISTORY_METADATA, "3000").write(history);
        OnnxModelWriter.of(graph).fixedBatch(1).metadata(EvictionLoop.CANDIDATES_METADATA, "sampled").write(sampled);
        OnnxModelWriter.of(graph).fixedBatch(1).metadata(EvictionLoop.CANDIDATES_METADATA, "sampled")
                .metadata(EvictionFeatures.HIT_HISTORY_METADATA, "3000").write(both);
        PolicyLoader host = EvictionLoop.hostLoader().build();

        assertRefused(history, () -> host.load(history), "reflex.hit-history", "train it without --hit-history");
        assertRefused(sampled, () -> host.load(sampled), "reflex.candidates", "train it without --candidates");
        assertRefused(both, () -> host.load(both), "reflex.hit-history");
    }

    @Test
    void theEvictionHostLoaderRefusesAHistorySchemaModelUntilTheHostsFeedIt() throws IOException {
        Path file = dir.resolve("next-access.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(5, Activation.RELU, 11, 8, 1)).fixedBatch(1)
                .metadata(EvictionModel.SCHEMA_METADATA, "history-1").write(file);

        assertRefused(file, () -> EvictionLoop.hostLoader().build().load(file), "reflex.schema", "--objective dqn");
    }

    @Test
    void theEvictionHostLoaderAcceptsTheValuesItSuppliesAndItsRefusalTextIsTheLoadsProblem() throws IOException {
        MlpGraph graph = MlpGraph.randomChain(6, Activation.RELU, 12, 8, 2);
        Path explicit = dir.resolve("explicit-cold.onnx");
        OnnxModelWriter.of(graph).fixedBatch(1).metadata(EvictionModel.SCHEMA_METADATA, EvictionModel.COLD_RL_SCHEMA)
                .metadata(EvictionLoop.CANDIDATES_METADATA, " lru ").write(explicit);
        Path history = dir.resolve("history.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(7, Activation.RELU, 11, 8, 1)).fixedBatch(1)
                .metadata(EvictionModel.SCHEMA_METADATA, "history-1").write(history);
        PolicyLoader host = EvictionLoop.hostLoader().build();

        try (Policy p = host.load(explicit)) {
            assertEquals(12, p.inputSize(), "cold-rl-6 and lru are what the host supplies");
        }
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> host.load(history));
        assertEquals(e.problem(), host.refusal(io.reflex.engine.onnx.OnnxModel.read(history).metadata()).orElseThrow());
        assertTrue(host.refusal(java.util.Map.of()).isEmpty());
    }

    private static void assertRefused(Path file, Executable load, String... problem) {
        ModelLoadException e = assertThrows(ModelLoadException.class, load);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(file.toString()), () -> "message does not name the file: " + e.getMessage());
        for (String p : problem) {
            assertTrue(e.problem().contains(p), () -> "problem does not say '" + p + "': " + e.problem());
        }
    }
}
