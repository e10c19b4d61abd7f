package io.reflex.adapters.spark;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.trace.MalformedTraceException;
import io.reflex.trainer.cache.trace.ParseErrors;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.trainer.rl.DqnConfig;
import io.reflex.trainer.rl.EvictionTraining;
import io.reflex.trainer.rl.TransitionReservoir;
import io.reflex.trainer.rl.TransitionSet;
import io.reflex.trainer.rl.TransitionSource;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet replay against the single-process trainer, on a small generated fleet in local[2]: the
 * same transitions row by row, malformed lines reported, the same rows on a second run, the key-hash
 * split, and training from the Parquet output.
 */
class FleetReplayTest {

    private static final List<String> SIZES = List.of("64", "160");
    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSpark() {
        spark = Sessions.create("FleetReplayTest", "local[2]");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static ShardReplay.Settings settings(long seed, boolean strict) {
        return new ShardReplay.Settings(TraceFormat.CSV, SIZES, seed, strict);
    }

    private static List<Capacity> capacities() {
        return SIZES.stream().map(Capacity::parse).toList();
    }

    /** Every episode of a replay's output, by shard, in the source's order. */
    private static Map<String, List<TransitionSet>> episodesByShard(Path out) throws IOException {
        Map<String, List<TransitionSet>> byShard = new TreeMap<>();
        List<org.apache.spark.sql.Row> order = spark.read().parquet(out.resolve(FleetReplay.STATS).toString())
                .where("transitions > 0").orderBy("shard", "capacity_index").select("shard").collectAsList();
        try (ParquetTransitionSource source = ParquetTransitionSource.open(out.toString(), spark)) {
            for (org.apache.spark.sql.Row shard : order) {
                byShard.computeIfAbsent(shard.getString(0), s -> new ArrayList<>()).add(source.nextEpisode());
            }
            assertNull(source.nextEpisode(), "one episode per stats row with transitions");
        }
        return byShard;
    }

    @Test
    void writesExactlyTheTransitionsOfTheSingleProcessTrainerRowByRow() throws IOException {
        Path logs = dir.resolve("fleet");
        List<Path> files = FleetLogs.write(logs, 3, 3_000, 7);
        Path out = dir.resolve("out-exact");
        FleetReplay.Summary summary = FleetReplay.run(spark, logs.toString(), settings(7, true), out.toString(), 1);
        assertEquals(3, summary.shards());
        assertEquals(9_000, summary.requests());
        assertEquals(0, summary.malformedLines());

        Map<String, List<TransitionSet>> written = episodesByShard(out);
        long total = 0;
        for (Path file : files) {
            String shard = file.getFileName().toString();
            Trace trace = TraceFormat.CSV.read(file, Strictness.STRICT);
            long seed = new LogShard(file.toString(), shard, 0, 1).seed(7);
            TransitionSet expected = EvictionTraining.collect(trace, capacities(), EvictionTraining.Behaviour.defaults(seed));
            TransitionSet actual = TransitionSet.concat(written.get(shard));
            assertSameTransitions(expected, actual, shard);
            total += expected.size();
        }
        assertEquals(total, summary.transitions());
        // the next state's key: the next decision of the same replay, null after its last
        assertEquals(0, spark.read().parquet(out.resolve(FleetReplay.TRANSITIONS).toString())
                .where("(done and next_decision is not null) or (not done and next_decision != decision + 1)").count());
    }

    @Test
    void aNonDefaultBehaviourWritesTheSingleProcessTrainersRowsRecordsItAndTrainsWithIt() throws IOException {
        Path logs = dir.resolve("behaviour");
        List<Path> files = FleetLogs.write(logs, 2, 3_000, 19);
        // every option of the behaviour away from its default: K 8, sampled candidates, a hit history
        EvictionTraining.Behaviour behaviour = new EvictionTraining.Behaviour(8, 0.1, 0.9, 0.25, 1, 23, 500, true, 0.5);
        Path out = dir.resolve("out-behaviour");
        FleetReplay.Summary summary = FleetReplay.run(spark, logs.toString(),
                new ShardReplay.Settings(TraceFormat.CSV, SIZES, behaviour, true), out.toString(), 1);

        Map<String, List<TransitionSet>> written = episodesByShard(out);
        for (Path file : files) {
            String shard = file.getFileName().toString();
            long seed = new LogShard(file.toString(), shard, 0, 1).seed(23);
            TransitionSet expected = EvictionTraining.collect(TraceFormat.CSV.read(file, Strictness.STRICT), capacities(),
                    behaviour.withSeed(seed));
            assertEquals(8, expected.k());
            assertSameTransitions(expected, TransitionSet.concat(written.get(shard)), shard);
        }

        Path model = dir.resolve("behaviour.onnx");
        try (ParquetTransitionSource source = ParquetTransitionSource.open(out.toString(), spark)) {
            assertEquals(behaviour, source.behaviour(), "recorded in the statistics, with the job's seed");
            assertEquals(8, source.k());
            EvictionTraining.Result r = EvictionTraining.trainAndExport(source,
                    DqnConfig.builder().steps(20).batchSize(16).seed(1).build(), 2 * (int) summary.transitions(),
                    new VectorCpuBackend(), model, null);
            assertEquals(summary.transitions(), r.transitions());
        }
        Map<String, String> metadata = io.reflex.engine.onnx.OnnxModel.read(model).metadata();
        assertEquals("8", metadata.get("reflex.k"));
        assertEquals("500", metadata.get(io.reflex.engine.eviction.EvictionFeatures.HIT_HISTORY_METADATA));
        assertEquals(io.reflex.trainer.cache.SampledCandidates.SAMPLED,
                metadata.get(io.reflex.trainer.cache.SampledCandidates.METADATA));
    }

    @Test
    void aDatasetWithoutBehaviourColumnsReadsAsTheDefaultsAndOneOfMixedBehavioursIsRefused() throws IOException {
        Path logs = dir.resolve("recorded");
        FleetLogs.write(logs, 2, 1_500, 29);
        Path out = dir.resolve("out-recorded");
        FleetReplay.run(spark, logs.toString(), new ShardReplay.Settings(TraceFormat.CSV, List.of("64"), 3, true),
                out.toString(), 1);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> stats = spark.read().parquet(out.resolve(FleetReplay.STATS).toString());

        // statistics as a replay wrote them before the behaviour was recorded
        Path legacy = dir.resolve("out-legacy");
        List<String> recorded = new ArrayList<>(FleetReplay.BEHAVIOUR_COLUMNS);
        recorded.add("shard_seed");
        stats.drop(recorded.toArray(String[]::new)).write().partitionBy(TransitionRows.SHARD, TransitionRows.CAPACITY)
                .parquet(legacy.resolve(FleetReplay.STATS).toString());
        Files.createSymbolicLink(legacy.resolve(FleetReplay.TRANSITIONS), out.resolve(FleetReplay.TRANSITIONS));
        try (ParquetTransitionSource source = ParquetTransitionSource.open(legacy.toString(), spark)) {
            assertEquals(EvictionTraining.Behaviour.defaults(1), source.behaviour());
        }

        // one shard's statistics say another exploration
        Path mixed = dir.resolve("out-mixed");
        stats.withColumn("epsilon", org.apache.spark.sql.functions.when(
                        org.apache.spark.sql.functions.col(TransitionRows.SHARD).equalTo("node-01.csv"), 0.2)
                        .otherwise(org.apache.spark.sql.functions.col("epsilon")))
                .write().partitionBy(TransitionRows.SHARD, TransitionRows.CAPACITY)
                .parquet(mixed.resolve(FleetReplay.STATS).toString());
        Files.createSymbolicLink(mixed.resolve(FleetReplay.TRANSITIONS), out.resolve(FleetReplay.TRANSITIONS));
        IOException refused = assertThrows(IOException.class, () -> ParquetTransitionSource.open(mixed.toString(), spark));
        assertTrue(refused.getMessage().startsWith(mixed + ": ") && refused.getMessage().contains("2 different behaviours"),
                refused.getMessage());
    }

    @Test
    void countsMalformedLinesWithTheirLogAndLineAndStrictModeFailsNamingThem() throws IOException {
        Path logs = dir.resolve("malformed");
        List<Path> files = FleetLogs.write(logs, 2, 1_500, 11);
        List<String> lines = new ArrayList<>(Files.readAllLines(files.get(1)));
        lines.add(10, "not,a,number,here");     // line 11 of the file
        lines.add(20, "also broken");            // line 21
        Files.write(files.get(1), lines);

        FleetReplay.Summary lenient = FleetReplay.run(spark, logs.toString(), settings(3, false),
                dir.resolve("out-lenient").toString(), 1);
        assertEquals(2, lenient.malformedLines());
        assertEquals(2, lenient.malformed().size());
        assertTrue(lenient.malformed().get(0).contains("node-01.csv:11: "), lenient.malformed().toString());
        assertTrue(lenient.malformed().get(1).contains("node-01.csv:21: "), lenient.malformed().toString());
        assertEquals(3_000, lenient.requests());

        MalformedTraceException strict = assertThrows(MalformedTraceException.class, () -> FleetReplay.run(spark,
                logs.toString(), settings(3, true), dir.resolve("out-strict").toString(), 1));
        assertTrue(strict.getMessage().contains("node-01.csv:11: "), strict.getMessage());
    }

    @Test
    void theSameLogsAndSeedWriteTheSameBytes() throws IOException {
        Path logs = dir.resolve("twice");
        FleetLogs.write(logs, 2, 2_000, 5);
        Path first = dir.resolve("out-first");
        Path second = dir.resolve("out-second");
        FleetReplay.run(spark, logs.toString(), settings(9, true), first.toString(), 1);
        FleetReplay.run(spark, logs.toString(), settings(9, true), second.toString(), 1);
        Map<String, byte[]> a = parquetFiles(first.resolve(FleetReplay.TRANSITIONS));
        Map<String, byte[]> b = parquetFiles(second.resolve(FleetReplay.TRANSITIONS));
        assertEquals(a.keySet(), b.keySet());
        assertEquals(4, a.size(), "one file per shard and capacity");
        a.forEach((partition, bytes) -> assertArrayEquals(bytes, b.get(partition), partition));
    }

    /** The Parquet file of each partition directory (one per shard and capacity), by directory. */
    private static Map<String, byte[]> parquetFiles(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
                assertNull(files.put(root.relativize(p.getParent()).toString(), Files.readAllBytes(p)), p.toString());
            }
        }
        return files;
    }

    @Test
    void splitsOneLogByKeyHashIntoIndependentCaches() throws IOException {
        Path logs = dir.resolve("single");
        Path file = FleetLogs.write(logs, 1, 6_000, 13).getFirst();
        Path out = dir.resolve("out-split");
        FleetReplay.Summary summary = FleetReplay.run(spark, file.toString(), settings(4, true), out.toString(), 3);
        assertEquals(3, summary.shards());
        assertEquals(6_000, summary.requests(), "every request in exactly one part");

        Map<String, List<TransitionSet>> written = episodesByShard(out);
        for (int part = 0; part < 3; part++) {
            String shard = "node-00.csv-part" + part;
            TraceBuilder builder = new TraceBuilder();
            try (InputStream in = Files.newInputStream(file)) {
                TraceFormat.CSV.reader().read(in, new KeyHashSplit(builder, part, 3),
                        new ParseErrors(file.toString(), Strictness.STRICT));
            }
            long seed = new LogShard(file.toString(), shard, part, 3).seed(4);
            TransitionSet expected = EvictionTraining.collect(builder.build(shard), capacities(),
                    EvictionTraining.Behaviour.defaults(seed));
            assertSameTransitions(expected, TransitionSet.concat(written.get(shard)), shard);
        }
    }

    @Test
    void theTrainerTrainsFromTheParquetTransitionsThroughItsInputInterface() throws IOException {
        Path logs = dir.resolve("train");
        FleetLogs.write(logs, 2, 2_000, 17);
        Path out = dir.resolve("out-train");
        FleetReplay.Summary summary = FleetReplay.run(spark, logs.toString(), settings(1, true), out.toString(), 1);
        assertTrue(TransitionSource.Provider.find().orElseThrow() instanceof ParquetTransitionSource.Provider,
                "registered for ServiceLoader");
        Path model = dir.resolve("model.onnx");
        DqnConfig config = DqnConfig.builder().steps(40).batchSize(16).seed(1).build();
        EvictionTraining.Result r;
        try (ParquetTransitionSource source = ParquetTransitionSource.open(out.toString(), spark)) {
            assertEquals(EvictionTraining.Behaviour.defaults(1), source.behaviour());
            r = EvictionTraining.trainAndExport(source, config, TransitionReservoir.DEFAULT_CAPACITY,
                    new VectorCpuBackend(), model, null);
        }
        assertEquals(summary.transitions(), r.transitions());
        assertTrue(Files.size(model) > 0);
        assertEquals(EvictionTraining.K, EvictionTraining.candidatesOf(model));

        // a buffer smaller than the dataset holds a uniform sample of its size, every row read once
        try (ParquetTransitionSource source = ParquetTransitionSource.open(out.toString(), spark)) {
            r = EvictionTraining.trainAndExport(source, config, 100, new VectorCpuBackend(), dir.resolve("small.onnx"),
                    null);
        }
        assertEquals(100, r.transitions());
        assertEquals(100, r.data().size());
        assertEquals(summary.transitions(), r.transitionsRead());
    }

    static void assertSameTransitions(TransitionSet expected, TransitionSet actual, String what) {
        assertNotNull(actual, what);
        assertEquals(expected.size(), actual.size(), what + ": transitions");
        assertTrue(expected.size() > 100, what + ": the cache must fill and evict");
        for (int t = 0; t < expected.size(); t++) {
            String at = what + " transition " + t;
            assertArrayEquals(expected.state(t), actual.state(t), at + " state");
            assertEquals(expected.candidateCount(t), actual.candidateCount(t), at + " count");
            assertEquals(expected.action(t), actual.action(t), at + " action");
            assertEquals(expected.propensity(t), actual.propensity(t), at + " propensity");
            assertEquals(expected.reward(t), actual.reward(t), at + " reward");
            assertEquals(expected.coldRlReward(t), actual.coldRlReward(t), at + " cold-rl reward");
            assertEquals(expected.span(t), actual.span(t), at + " span");
            assertEquals(expected.done(t), actual.done(t), at + " done");
            for (int j = 0; j < expected.k(); j++) {
                assertEquals(expected.candidateReward(t, j), actual.candidateReward(t, j), at + " reward of " + j);
                assertEquals(expected.candidateSpan(t, j), actual.candidateSpan(t, j), at + " span of " + j);
            }
        }
    }
}
