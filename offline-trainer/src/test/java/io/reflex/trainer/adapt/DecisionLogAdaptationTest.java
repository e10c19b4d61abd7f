package io.reflex.trainer.adapt;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.DecisionSession;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.trainer.ope.SimulatedTraffic;
import io.reflex.trainer.ope.SyntheticBandit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code adapt --decision-log} on the decision log the engine writes serving {@code ope simulate}'s
 * bandit (ε-greedy 0.3, 20,000 decisions, in segments of 64 KiB): the better candidate is published
 * once its lower bound beats the incumbent's upper bound, and not before the minimum of decisions;
 * the log read as it grows (segments appearing, records cut mid-write, restarts from the state)
 * gives the same rounds and verdict as one pass; a damaged state file is named and never overwritten.
 */
class DecisionLogAdaptationTest {

    private static final int DECISIONS = 20_000;
    private static final double EPSILON = 0.3;
    private static final int EVERY = 1_000;
    private static final int MIN_DECISIONS = 5_000;

    @TempDir
    Path dir;
    private Path log;
    private Path incumbent;
    private Path candidate;
    private Path worse;

    @BeforeEach
    void serveTheBanditAndLogIt() {
        SyntheticBandit env = SyntheticBandit.standard(1);
        incumbent = write(env.behaviourScorer().toGraph(), "incumbent.onnx");
        candidate = write(env.targetScorer().toGraph(), "candidate.onnx");
        worse = write(env.behaviourScorer().negated().toGraph(), "worse.onnx");
        log = dir.resolve("log");
        try (PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
             DecisionRuntime runtime = DecisionRuntime.builder().loop("bandit").store(store)
                     .fallback((x, y) -> Arrays.fill(y, 0f)).shape(env.featureCount(), env.actionCount()).noDeadline().build();
             DecisionSession session = runtime.newSession();
             DecisionLogWriter writer = DecisionLogWriter.builder(log).capacity(1 << 16).segmentBytes(1 << 16)
                     .maxFeatures(env.featureCount()).open()) {
            assertTrue(store.offer(incumbent).accepted());
            SimulatedTraffic.run(env, session, new EpsilonGreedy(EPSILON, 2), writer.forLoop("bandit"), DECISIONS, 1);
        }
    }

    private Path write(io.reflex.engine.onnx.MlpGraph graph, String name) {
        Path file = dir.resolve(name);
        OnnxModelWriter.of(graph).fixedBatch(1).write(file);
        return file;
    }

    /** What a run reports. */
    private record Heard(List<DecisionLogAdaptation.Round> rounds, List<String> notes) implements DecisionLogAdaptation.Listener {
        Heard() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        @Override
        public void note(long atDecision, String line) {
            notes.add(line);
        }

        @Override
        public void round(DecisionLogAdaptation.Round round) {
            rounds.add(round);
        }
    }

    private DecisionLogAdaptation open(Path logDir, Path challenger, Path served, Path state, int minDecisions, Heard heard)
            throws IOException {
        return new DecisionLogAdaptation(logDir, null, challenger, new EpsilonGreedy(EPSILON, 0), "epsilon:0.3", served, state,
                EVERY, minDecisions, 65_536, 3, heard);
    }

    private Path served(String name) throws IOException {
        Path served = dir.resolve(name);
        Files.copy(incumbent, served);
        return served;
    }

    /** One uninterrupted pass over the whole log. */
    private Heard onePass(Path challenger, Path served, Path state, int minDecisions) throws IOException {
        Heard heard = new Heard();
        try (DecisionLogAdaptation a = open(log, challenger, served, state, minDecisions, heard)) {
            while (a.step()) {
                // until the log has nothing new
            }
        }
        return heard;
    }

    @Test
    void theBetterCandidateIsPublishedOnceItsLowerBoundBeatsTheIncumbentsUpperBound() throws IOException {
        Path served = served("served.onnx");
        Heard heard = onePass(candidate, served, dir.resolve("state"), MIN_DECISIONS);
        DecisionLogAdaptation.Round last = heard.rounds().getLast();
        assertTrue(last.promoted(), last.reason());
        assertTrue(last.challengerLow() > last.incumbentHigh());
        assertTrue(last.atDecision() >= MIN_DECISIONS && last.atDecision() <= DECISIONS, "at " + last.atDecision());
        assertEquals(1, heard.rounds().stream().filter(DecisionLogAdaptation.Round::promoted).count());
        assertArrayEquals(Files.readAllBytes(candidate), Files.readAllBytes(served), "the scored bytes are served");
        assertTrue(heard.notes().isEmpty(), heard.notes().toString());
        DecisionAdaptState saved = DecisionAdaptState.loadOrFresh(dir.resolve("state"), digestOf(candidate), "epsilon:0.3",
                EVERY, MIN_DECISIONS);
        assertTrue(saved.promoted());
        assertEquals(last.atDecision(), saved.promotedAt());
    }

    @Test
    void theIncumbentAndAWorseModelAreNeverPublished() throws IOException {
        for (Path challenger : List.of(incumbent, worse)) {
            Path served = served("served-" + challenger.getFileName());
            Heard heard = onePass(challenger, served, dir.resolve("state-" + challenger.getFileName()), MIN_DECISIONS);
            assertEquals(DECISIONS / EVERY, heard.rounds().size(), "every decision scored: " + challenger);
            assertTrue(heard.rounds().stream().noneMatch(DecisionLogAdaptation.Round::promoted), challenger.toString());
            assertArrayEquals(Files.readAllBytes(incumbent), Files.readAllBytes(served), "the served file is untouched");
        }
    }

    @Test
    void nothingIsPublishedBeforeTheMinimumOfDecisions() throws IOException {
        Path served = served("served.onnx");
        Heard heard = onePass(candidate, served, dir.resolve("state"), DECISIONS + 1);
        assertTrue(heard.rounds().stream().noneMatch(DecisionLogAdaptation.Round::promoted));
        assertTrue(heard.rounds().getLast().reason().startsWith("too little data"), heard.rounds().getLast().reason());
        assertArrayEquals(Files.readAllBytes(incumbent), Files.readAllBytes(served));
    }

    @Test
    void aLogReadAsItGrowsWithTornTailsAndRestartsGivesTheSameRoundsAsOnePass() throws IOException {
        for (Path challenger : List.of(candidate, worse)) {
            String tag = challenger.getFileName().toString();
            Heard whole = onePass(challenger, served("whole-" + tag), dir.resolve("whole-state-" + tag), MIN_DECISIONS);

            // The same bytes, appearing a piece at a time: each cut lands anywhere, mostly inside a record.
            List<Path> segments;
            try (Stream<Path> files = Files.list(log)) {
                segments = files.sorted().toList();
            }
            assertTrue(segments.size() > 10, "the log spans many segments: " + segments.size());
            List<byte[]> bytes = new ArrayList<>();
            long total = 0;
            for (Path s : segments) {
                bytes.add(Files.readAllBytes(s));
                total += bytes.getLast().length;
            }
            Path growing = dir.resolve("growing-" + tag);
            Files.createDirectories(growing);
            Path served = served("parted-" + tag);
            Path state = dir.resolve("parted-state-" + tag);
            Heard parted = new Heard();
            SplittableRandom random = new SplittableRandom(3);
            DecisionLogAdaptation a = open(growing, challenger, served, state, MIN_DECISIONS, parted);
            int restarts = 0;
            int waited = 0;
            for (long cut = 0; cut < total; ) {
                cut = Math.min(total, cut + 1 + random.nextLong(total / 25));
                materialise(segments, bytes, growing, cut);
                a.step();
                waited += a.waitingOnTail() ? 1 : 0;
                if (random.nextInt(3) == 0) {
                    a.close();
                    a = open(growing, challenger, served, state, MIN_DECISIONS, parted);
                    restarts++;
                }
            }
            while (a.step()) {
                // drain
            }
            a.close();
            assertTrue(restarts >= 3, "restarts " + restarts);
            assertTrue(waited >= 3, "cuts inside a record: " + waited);
            assertEquals(withoutPaths(whole.rounds()), withoutPaths(parted.rounds()), tag);
            assertEquals(whole.notes(), parted.notes(), "a tail still being written is never reported: " + parted.notes());
            assertArrayEquals(Files.readAllBytes(dir.resolve("whole-" + tag)), Files.readAllBytes(served), tag);
        }
    }

    /** The rounds with the served file's name cut from their reasons (the two runs publish to different files). */
    private static List<DecisionLogAdaptation.Round> withoutPaths(List<DecisionLogAdaptation.Round> rounds) {
        return rounds.stream().map(r -> new DecisionLogAdaptation.Round(r.atDecision(), r.logSequence(), r.challengerValue(),
                r.challengerLow(), r.challengerHigh(), r.ips(), r.snips(), r.incumbentValue(), r.incumbentLow(),
                r.incumbentHigh(), r.promoted(), r.reason().replaceAll("; published to .*", ""))).toList();
    }

    /** Writes the first {@code cut} bytes of the concatenated segments into {@code to}. */
    private static void materialise(List<Path> segments, List<byte[]> bytes, Path to, long cut) throws IOException {
        long at = 0;
        for (int i = 0; i < segments.size() && at < cut; i++) {
            byte[] b = bytes.get(i);
            int n = (int) Math.min(b.length, cut - at);
            Files.write(to.resolve(segments.get(i).getFileName()), Arrays.copyOf(b, n));
            at += b.length;
        }
    }

    @Test
    void aDamagedStateFileIsNamedAndNeverOverwritten() throws IOException {
        Path served = served("served.onnx");
        Path state = dir.resolve("state");
        Heard heard = new Heard();
        try (DecisionLogAdaptation a = open(log, worse, served, state, MIN_DECISIONS, heard)) {
            a.step();
        }
        Path file = state.resolve(DecisionAdaptState.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        for (int flip : new int[] {3, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[flip] ^= 0x10;
            Files.write(file, bad);
            IOException e = assertThrows(IOException.class, () -> open(log, worse, served, state, MIN_DECISIONS, new Heard()));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertArrayEquals(bad, Files.readAllBytes(file), "left as it was");
        }
        Files.write(file, Arrays.copyOf(good, good.length - 9));
        IOException truncated = assertThrows(IOException.class, () -> open(log, worse, served, state, MIN_DECISIONS, new Heard()));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        Files.write(file, good);
        IOException other = assertThrows(IOException.class, () -> open(log, candidate, served, state, MIN_DECISIONS, new Heard()));
        assertTrue(other.getMessage().startsWith(file.toString()) && other.getMessage().contains("not " + digestOf(candidate)),
                other.getMessage());
        assertArrayEquals(good, Files.readAllBytes(file));

        // A restart on another schedule would check at other points than one pass: refused, named.
        IOException schedule = assertThrows(IOException.class,
                () -> open(log, worse, served, state, MIN_DECISIONS + EVERY, new Heard()));
        assertTrue(schedule.getMessage().startsWith(file.toString())
                && schedule.getMessage().contains("--min-decisions " + MIN_DECISIONS), schedule.getMessage());
        assertArrayEquals(good, Files.readAllBytes(file));
    }

    @Test
    void aDecisionTheChallengerCannotScoreStopsTheStepNamingItAndSavesNothing() throws IOException {
        Path bad = dir.resolve("bad-log");
        try (DecisionLogWriter writer = DecisionLogWriter.builder(bad).maxFeatures(5).open()) {
            DecisionLogWriter.LoopLog loop = writer.forLoop("bandit");
            long id = loop.decision(1, new float[5], 5, 1, 0.5f);
            loop.outcome(id, 1);
            loop.decision(1, new float[5], 5, 2, 0f);
        }
        Path state = dir.resolve("state");
        try (DecisionLogAdaptation a = open(bad, candidate, served("served.onnx"), state, MIN_DECISIONS, new Heard())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, a::step);
            assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("decision 2")
                    && e.getMessage().contains("propensity"), e.getMessage());
        }
        assertFalse(Files.exists(state.resolve(DecisionAdaptState.FILE_NAME)), "nothing saved");
    }

    private static String digestOf(Path model) throws IOException {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
