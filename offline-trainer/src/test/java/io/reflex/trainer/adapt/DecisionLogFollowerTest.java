package io.reflex.trainer.adapt;

import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.engine.log.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Following a decision log the engine writes: a torn tail left by a crashed writer is waited on,
 * unreported, until the restarted writer's next segment shows the sequence continues; it is then
 * reported once, as a torn tail, and the new segment's records are delivered.
 */
class DecisionLogFollowerTest {

    @TempDir
    Path log;

    private static void decisions(Path dir, int n) {
        try (DecisionLogWriter w = DecisionLogWriter.builder(dir).maxFeatures(2).open()) {
            DecisionLogWriter.LoopLog loop = w.forLoop("bandit");
            for (int i = 0; i < n; i++) {
                loop.decision(1, new float[] {i, -i}, 2, i % 2, 0.5f);
            }
        }
    }

    private static List<Long> sequences(DecisionLogFollower f, List<String> notes, boolean[] waiting) {
        List<Long> seen = new ArrayList<>();
        DecisionLogFollower.Poll p = f.poll(r -> seen.add(r.sequence()));
        notes.addAll(p.notes());
        waiting[0] = p.waitingOnTail();
        assertEquals(seen.size(), p.records());
        return seen;
    }

    @Test
    void aTornTailIsWaitedOnUntilALaterSegmentContinuesTheSequence() throws IOException {
        decisions(log, 10);
        Path segment;
        try (Stream<Path> files = Files.list(log)) {
            segment = files.sorted().toList().getLast();
        }
        try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 5);   // the crash: the last record half written
        }
        DecisionLogFollower f = new DecisionLogFollower(log, 0);
        List<String> notes = new ArrayList<>();
        boolean[] waiting = new boolean[1];
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), sequences(f, notes, waiting));
        assertTrue(waiting[0], "waiting on the tail");
        assertTrue(notes.isEmpty(), "not reported while it may still be completed: " + notes);
        assertEquals(List.of(), sequences(f, notes, waiting));
        assertTrue(waiting[0] && notes.isEmpty());
        assertEquals(9, f.position());

        decisions(log, 3);   // the restarted writer: a new segment from sequence 9
        assertEquals(List.of(9L, 10L, 11L), sequences(f, notes, waiting));
        assertFalse(waiting[0]);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.getFirst().contains("torn tail") && notes.getFirst().contains(segment.getFileName().toString()),
                notes.getFirst());
        assertEquals(List.of(), sequences(f, notes, waiting));
        assertEquals(1, notes.size(), "reported once");
    }

    @Test
    void aFollowerStartedAtAPositionDeliversOnlyWhatComesAfterIt() {
        decisions(log, 6);
        List<Long> seen = new ArrayList<>();
        DecisionLogFollower f = new DecisionLogFollower(log, 4);
        f.poll(r -> seen.add(((LogRecord.Decision) r).sequence()));
        assertEquals(List.of(4L, 5L), seen);
        assertEquals(6, f.position());
    }
}
