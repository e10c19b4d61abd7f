package io.reflex.trainer.rl;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.workload.WorkloadKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DQN's bounded replay buffer: the whole set's model bytes when the dataset fits, never more
 * than its capacity held when it does not, every kept transition complete, a uniform sample, the
 * same sample for the same seed.
 */
class TransitionReservoirTest {

    private static final int K = EvictionTraining.K;

    @TempDir
    Path dir;

    /** A real source: episodes replayed from generated logs, streamed {@code repeats} times over. */
    private record EpisodeSource(List<TransitionSet> episodes, int repeats, int[] next) implements TransitionSource {
        EpisodeSource(List<TransitionSet> episodes, int repeats) {
            this(episodes, repeats, new int[1]);
        }

        @Override
        public EvictionTraining.Behaviour behaviour() {
            return EvictionTraining.Behaviour.defaults(1);
        }

        @Override
        public boolean nextEpisode(TransitionSink into) {
            if (next[0] == episodes.size() * repeats) {
                return false;
            }
            into.addAll(episodes.get(next[0]++ % episodes.size()));
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** One exploring-LRU replay per log and capacity: a small fleet's episodes. */
    private static List<TransitionSet> fleetEpisodes(int logs) {
        List<TransitionSet> episodes = new ArrayList<>();
        for (int n = 0; n < logs; n++) {
            TraceBuilder b = new TraceBuilder();
            WorkloadKind.ZIPF.create(40 + n, 2_000, 250).generate(b);
            for (EvictionTraining.Replay r : EvictionTraining.replayEach(b.build("node-" + n),
                    List.of(Capacity.parse("64"), Capacity.parse("160")), EvictionTraining.Behaviour.defaults(n))) {
                episodes.add(r.transitions());
            }
        }
        return episodes;
    }

    private static DqnConfig config() {
        return DqnConfig.builder().steps(60).batchSize(32).seed(5).build();
    }

    @Test
    void aBufferAtLeastTheDatasetsSizeGivesTheModelBytesOfTheWholeSet() throws Exception {
        List<TransitionSet> episodes = fleetEpisodes(3);
        TransitionSet whole = TransitionSet.concat(episodes);
        VectorCpuBackend backend = new VectorCpuBackend();
        Path expected = dir.resolve("whole.onnx");
        DoubleDqnTrainer.Result trained = new DoubleDqnTrainer(backend, config()).train(whole, null);
        EvictionTraining.export(trained.network(), whole, expected, HitHistory.OFF, false, backend);

        for (int buffer : new int[] {whole.size(), TransitionReservoir.DEFAULT_CAPACITY}) {
            Path model = dir.resolve("buffer-" + buffer + ".onnx");
            EvictionTraining.Result r = EvictionTraining.trainAndExport(new EpisodeSource(episodes, 1), config(), buffer,
                    backend, model, null);
            assertEquals(whole.size(), r.transitions());
            assertEquals(whole.size(), r.transitionsRead());
            assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(model), "buffer " + buffer);
        }
    }

    @Test
    void aSmallBufferNeverHoldsMoreThanItsCapacityWhileManyEpisodesStreamThrough() throws Exception {
        List<TransitionSet> episodes = fleetEpisodes(2);
        int perPass = TransitionSet.concat(episodes).size();
        TransitionReservoir reservoir = new TransitionReservoir(K, 64, 3);
        long[] added = {0};
        TransitionSink checked = (state, count, action, propensity, rewards, spans, cold, span, done) -> {
            reservoir.add(state, count, action, propensity, rewards, spans, cold, span, done);
            added[0]++;
            assertTrue(reservoir.size() <= 64 && reservoir.allocated() <= 64,
                    "held " + reservoir.size() + ", room for " + reservoir.allocated() + " after " + added[0]);
        };
        EpisodeSource source = new EpisodeSource(episodes, 25);
        while (source.nextEpisode(checked)) {
            assertEquals(added[0], reservoir.seen());
        }
        assertEquals(25L * perPass, reservoir.seen());
        assertTrue(reservoir.sampling());
        TransitionSet sample = reservoir.build();
        assertEquals(64, sample.size());
        assertThrows(IllegalStateException.class, () -> reservoir.addAll(episodes.getFirst()),
                "a built reservoir takes no more");

        // and training from such a stream holds the buffer's transitions, not the dataset's
        EvictionTraining.Result r = EvictionTraining.trainAndExport(new EpisodeSource(episodes, 25), config(), 64,
                new VectorCpuBackend(), dir.resolve("small.onnx"), null);
        assertEquals(64, r.transitions());
        assertEquals(64, r.data().size());
        assertEquals(25L * perPass, r.transitionsRead());
    }

    /** Row {@code i}: its index in state[0], {@code 1 + i % K} candidates, done every seventh. */
    private static TransitionReservoir numbered(int rows, int capacity, long seed) {
        TransitionReservoir reservoir = new TransitionReservoir(K, capacity, seed);
        float[] state = new float[K * EvictionFeatures.PER_CANDIDATE];
        float[] rewards = new float[K];
        float[] spans = new float[K];
        for (int i = 0; i < rows; i++) {
            state[0] = i;
            reservoir.add(state, 1 + i % K, 0, 1f, rewards, spans, 0f, 1f, i % 7 == 6 || i == rows - 1);
        }
        return reservoir;
    }

    @Test
    void everyKeptTransitionCarriesTheStateThatFollowedIt() {
        TransitionSet sample = numbered(5_000, 50, 11).build();
        float[] next = new float[K * EvictionFeatures.PER_CANDIDATE];
        int withNext = 0;
        for (int t = 0; t < sample.size(); t++) {
            int i = (int) sample.state(t)[0];
            assertEquals(i % 7 == 6 || i == 4_999, sample.done(t), "row " + i);
            if (!sample.done(t)) {
                sample.copyNextState(t, next, 0);
                assertEquals(i + 1, (int) next[0], "row " + i + "'s next state");
                assertEquals(1 + (i + 1) % K, sample.nextCandidateCount(t), "row " + i + "'s next count");
                withNext++;
            }
        }
        assertTrue(withNext > 30, "most sampled rows have a next state: " + withNext);
    }

    @Test
    void theSampleIsUniformOverTheStreamAndTheSameForTheSameSeed() {
        TransitionSet a = numbered(10_000, 1_000, 7).build();
        int[] perTenth = new int[10];
        for (int t = 0; t < a.size(); t++) {
            perTenth[(int) a.state(t)[0] / 1_000]++;
        }
        for (int tenth = 0; tenth < 10; tenth++) {
            // 100 expected in each tenth of the stream (standard deviation about 9.5)
            assertTrue(perTenth[tenth] > 65 && perTenth[tenth] < 135, "tenth " + tenth + ": " + perTenth[tenth]);
        }
        TransitionSet again = numbered(10_000, 1_000, 7).build();
        TransitionSet other = numbered(10_000, 1_000, 8).build();
        boolean differs = false;
        for (int t = 0; t < a.size(); t++) {
            assertEquals(a.state(t)[0], again.state(t)[0], "slot " + t);
            differs |= a.state(t)[0] != other.state(t)[0];
        }
        assertTrue(differs, "another seed keeps another sample");
    }

    @Test
    void aBoundedTrainingIsDeterministicForASeed() throws Exception {
        List<TransitionSet> episodes = fleetEpisodes(2);
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        Path whole = dir.resolve("whole.onnx");
        int buffer = TransitionSet.concat(episodes).size() / 3;
        EvictionTraining.trainAndExport(new EpisodeSource(episodes, 1), config(), buffer, new VectorCpuBackend(), a, null);
        EvictionTraining.trainAndExport(new EpisodeSource(episodes, 1), config(), buffer, new VectorCpuBackend(), b, null);
        EvictionTraining.trainAndExport(new EpisodeSource(episodes, 1), config(),
                TransitionReservoir.DEFAULT_CAPACITY, new VectorCpuBackend(), whole, null);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(whole)),
                "a third of the transitions trains another model");
    }

    @Test
    void aBufferBelowTwoOrAnUnfinishedStreamIsRefused() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new TransitionReservoir(K, 1, 1));
        assertTrue(small.getMessage().contains("2 to") && small.getMessage().contains("got 1"), small.getMessage());
        TransitionReservoir open = new TransitionReservoir(K, 4, 1);
        open.add(new float[K * EvictionFeatures.PER_CANDIDATE], 1, 0, 1f, new float[K], new float[K], 0f, 1f, false);
        IllegalStateException unfinished = assertThrows(IllegalStateException.class, open::build);
        assertNotEquals(null, unfinished.getMessage());
    }
}
