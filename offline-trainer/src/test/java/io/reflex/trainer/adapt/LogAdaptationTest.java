package io.reflex.trainer.adapt;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.trace.TraceFormat;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.trainer.rl.NextAccessTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code adapt}'s loop: window, state, rounds and promotion, through restarts, rotation and damage. */
class LogAdaptationTest {

    @TempDir
    Path dir;

    /** NGINX extended-format lines: a loop over 300 keys with a few hot keys (LRU at 100 entries hits little). */
    private static List<String> lines(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        int loop = 0;
        for (int i = 0; i < n; i++) {
            long key = random.nextInt(5) == 0 ? 1_000 + random.nextInt(10) : loop++ % 300;
            out.add(String.format(Locale.ROOT, "reflex1 %.3f GET \"http://origin/o/%d\" 200 1000 MISS \"0.010\" \"-\"",
                    1_700_000_000 + i * 0.001, key));
        }
        return out;
    }

    private static void append(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static RetrainRound round(double minGain) {
        NextAccessTraining.Settings small = new NextAccessTraining.Settings(16, EvictionModel.Candidates.SAMPLED, false, 1,
                false, 300, new int[] {8, 8}, 150, 64, 3e-3f, 7);
        return new RetrainRound(List.of(Capacity.parse("100")), small, new VectorCpuBackend(), 0.25, minGain,
                RetrainRound.NGINX_CLASSICAL);
    }

    /** Records what the loop says. */
    private static final class Heard implements LogAdaptation.Listener {
        final List<String> notes = new ArrayList<>();
        final List<RetrainRound.Verdict> rounds = new ArrayList<>();

        @Override
        public void note(long atRequest, String line) {
            notes.add(line);
        }

        @Override
        public void round(long atRequest, RetrainRound.Verdict verdict) {
            rounds.add(verdict);
        }
    }

    private LogAdaptation adaptation(Path log, Path state, int window, long every, long min, double minGain, Heard heard)
            throws IOException {
        return new LogAdaptation(log, TraceFormat.NGINX, dir.resolve("served.onnx"), state, window, every, min,
                round(minGain), heard);
    }

    @Test
    void neverRunsARoundBeforeTheWindowHoldsTheLeastRequests() throws Exception {
        Path log = dir.resolve("access.log");
        append(log, lines(2_999, 1));
        Heard heard = new Heard();
        try (LogAdaptation a = adaptation(log, dir.resolve("state"), 4_000, 1_000, 3_000, 0, heard)) {
            a.step();
            assertFalse(a.due());
            assertEquals(List.of(), heard.rounds);
            assertFalse(Files.exists(dir.resolve("served.onnx")));
        }
    }

    @Test
    void promotesAWinnerAtomicallyAndKeepsTheServedModelAgainstALoser() throws Exception {
        Path log = dir.resolve("access.log");
        Path served = dir.resolve("served.onnx");
        append(log, lines(4_000, 2));
        Heard heard = new Heard();
        try (LogAdaptation a = adaptation(log, dir.resolve("state"), 4_000, 1_000, 4_000, 0, heard)) {
            a.step();
        }
        RetrainRound.Verdict first = heard.rounds.getFirst();
        assertTrue(first.promoted(), first.reason());
        assertTrue(first.candidate() > first.classical(), first.toString());
        assertTrue(Double.isNaN(first.incumbent()), "nothing served before");
        assertEquals(3_000, first.trainRequests());
        assertEquals(1_000, first.holdoutRequests());
        byte[] promoted = Files.readAllBytes(served);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(served)),
                "readable by a sidecar running as another user");
        assertArrayEquals(Files.readAllBytes(dir.resolve("state").resolve(LogAdaptation.CANDIDATE_FILE)), promoted);

        // A margin no model can clear: the next round keeps the served file byte for byte.
        append(log, lines(1_000, 3));
        try (LogAdaptation a = adaptation(log, dir.resolve("state"), 4_000, 1_000, 4_000, 0.99, heard)) {
            a.step();
        }
        RetrainRound.Verdict second = heard.rounds.get(1);
        assertFalse(second.promoted());
        assertFalse(Double.isNaN(second.incumbent()), "the served model is checked too");
        assertArrayEquals(promoted, Files.readAllBytes(served));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void restartsRotationAndAPartialLineLoseNoRequestAndRepeatNone() throws Exception {
        List<String> all = lines(3_000, 4);
        Path log = dir.resolve("access.log");
        Path state = dir.resolve("state");
        Heard heard = new Heard();
        append(log, all.subList(0, 1_000));
        Files.writeString(log, all.get(1_000).substring(0, 20), StandardOpenOption.APPEND); // mid-line
        try (LogAdaptation a = adaptation(log, state, 5_000, 100_000, 5_000, 0, heard)) {
            a.step();
            assertEquals(1_000, a.state().window().added());
        }
        Files.writeString(log, all.get(1_000).substring(20) + "\n", StandardOpenOption.APPEND);
        append(log, all.subList(1_001, 2_000));
        Files.move(log, dir.resolve("access.log.1"));
        append(log, all.subList(2_000, 2_500));
        try (LogAdaptation a = adaptation(log, state, 5_000, 100_000, 5_000, 0, heard)) {   // restarted
            a.step();
        }
        Files.writeString(log, "not a request\n", StandardOpenOption.APPEND);
        append(log, all.subList(2_500, 3_000));
        Trace resumed;
        try (LogAdaptation a = adaptation(log, state, 5_000, 100_000, 5_000, 0, heard)) {
            a.step();
            assertEquals(3_000, a.state().window().added());
            assertEquals(1, a.state().malformed());
            resumed = a.state().window().trace("resumed", 0, 3_000);
        }
        assertTrue(heard.notes.stream().anyMatch(n -> n.contains("access.log:501: ")), heard.notes.toString());

        Path once = dir.resolve("once.log");
        append(once, all);
        Trace straight;
        try (LogAdaptation a = adaptation(once, dir.resolve("state-once"), 5_000, 100_000, 5_000, 0, new Heard())) {
            a.step();
            straight = a.state().window().trace("straight", 0, 3_000);
        }
        for (int i = 0; i < 3_000; i++) {
            assertEquals(straight.key(straight.object(i)), resumed.key(resumed.object(i)), "request " + i);
            assertEquals(straight.time(i), resumed.time(i), "request " + i);
        }
    }

    @Test
    void aWindowWithNothingToLearnFromSkipsTheRoundAndKeepsFollowing() throws Exception {
        Path log = dir.resolve("access.log");
        append(log, lines(4_000, 6));
        Heard heard = new Heard();
        RetrainRound huge = new RetrainRound(List.of(Capacity.parse("100000")), new NextAccessTraining.Settings(16,
                EvictionModel.Candidates.SAMPLED, false, 1, false, 300, new int[] {8, 8}, 150, 64, 3e-3f, 7),
                new VectorCpuBackend(), 0.25, 0, RetrainRound.NGINX_CLASSICAL);
        try (LogAdaptation a = new LogAdaptation(log, TraceFormat.NGINX, dir.resolve("served.onnx"), dir.resolve("state"),
                4_000, 1_000, 4_000, huge, heard)) {
            assertTrue(a.step());
            assertFalse(a.due(), "not again until --every more requests");
            assertEquals(List.of(), heard.rounds);
            assertTrue(heard.notes.getLast().startsWith("round skipped, the served model stays: "), heard.notes.toString());
            assertFalse(Files.exists(dir.resolve("served.onnx")));
            append(log, lines(1_000, 7));
            a.step();
            assertEquals(2, heard.notes.stream().filter(n -> n.startsWith("round skipped")).count(), "tried again");
        }
    }

    @Test
    void aDamagedStateFileIsNamedAndNeverReplaced() throws Exception {
        Path log = dir.resolve("access.log");
        Path state = dir.resolve("state");
        append(log, lines(100, 5));
        try (LogAdaptation a = adaptation(log, state, 1_000, 1_000, 1_000, 0, new Heard())) {
            a.step();
        }
        Path file = state.resolve(AdaptState.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> adaptation(log, state, 1_000, 1_000, 1_000, 0, new Heard()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("damaged"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void refusesFormatsItCannotFollowAndTooLittleData() {
        Path log = dir.resolve("access.log");
        IllegalArgumentException csv = assertThrows(IllegalArgumentException.class, () -> new LogAdaptation(log,
                TraceFormat.CSV, dir.resolve("m.onnx"), dir.resolve("s"), 1_000, 100, 1_000, round(0), new Heard()));
        assertTrue(csv.getMessage().contains("--format nginx"), csv.getMessage());
        IllegalArgumentException min = assertThrows(IllegalArgumentException.class, () -> adaptation(log,
                dir.resolve("s"), 1_000, 100, 1, 0, new Heard()));
        assertTrue(min.getMessage().contains("--min-requests"), min.getMessage());
    }
}
