package io.reflex.trainer.adapt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Following a growing log: whole lines only, each once, through rotation, truncation and restarts. */
class LogFollowerTest {

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("access.log");
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Polls until nothing changes; returns the lines handed out and every note. */
    private static List<String> drain(LogFollower f, List<String> notes) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            LogFollower.Chunk c = f.poll();
            notes.addAll(c.notes());
            if (c.isEmpty()) {
                return lines;
            }
            String text = new String(c.lines(), StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                lines.addAll(List.of(text.split("\n")));
            }
        }
    }

    @Test
    void handsOutWholeLinesOnlyAndKeepsAPartialLastLineForLater() throws IOException {
        append(log(), "a\nb\npart");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("a", "b"), drain(f, notes));
            assertEquals(LogFollower.idOrNull(log()), f.position().fileId());
            assertEquals(4, f.position().offset());
            assertEquals(2, f.position().line());
            append(log(), "ial\nc\n");
            assertEquals(List.of("partial", "c"), drain(f, notes));
            assertEquals(List.of(), notes);
        }
    }

    @Test
    void numbersLinesFromTheFileStart() throws IOException {
        append(log(), "a\nb\n");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            assertEquals(1, f.poll().firstLine());
            append(log(), "c\n");
            LogFollower.Chunk c = f.poll();
            assertEquals(3, c.firstLine());
            assertEquals(log().toString(), c.file());
        }
    }

    @Test
    void waitsForALogThatDoesNotExistYet() throws IOException {
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            assertTrue(f.poll().isEmpty());
            append(log(), "a\n");
            assertEquals(List.of("a"), drain(f, new ArrayList<>()));
        }
    }

    @Test
    void rotationByRenameReadsTheOldFileToItsEndBeforeTheNewOne() throws IOException {
        append(log(), "1\n2\n");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("1", "2"), drain(f, notes));
            Path rotated = dir.resolve("access.log.1");
            Files.move(log(), rotated);
            append(log(), "");                 // logrotate's create: empty until the writer reopens
            append(rotated, "3\n4\ncut");      // the writer still appends to the old file
            assertEquals(List.of("3", "4"), drain(f, notes));
            assertEquals(List.of(), notes, "an empty new file means the writer has not moved yet");
            append(log(), "5\n");              // the writer reopened
            assertEquals(List.of("5"), drain(f, notes));
            assertEquals(2, notes.size(), notes.toString());
            assertTrue(notes.get(0).contains("partial line (3 bytes"), notes.get(0));
            assertTrue(notes.get(1).contains("was rotated"), notes.get(1));
        }
    }

    @Test
    void truncationInPlaceStartsAgainFromTheFirstByte() throws IOException {
        append(log(), "1\n2\n3\n");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("1", "2", "3"), drain(f, notes));
            try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                ch.truncate(0);                // copytruncate
            }
            append(log(), "4\n");
            assertEquals(List.of("4"), drain(f, notes));
            assertEquals(1, notes.size());
            assertTrue(notes.getFirst().contains("truncated in place"), notes.getFirst());
        }
    }

    @Test
    void aTruncatedLogThatGrewPastTheOffsetBeforeThePollIsStillSeenAsNew() throws IOException {
        append(log(), "1\n2\n");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            List<String> notes = new ArrayList<>();
            drain(f, notes);
            try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(log(), "3\n4\n5\n");
            assertEquals(List.of("3", "4", "5"), drain(f, notes));
            assertEquals(1, notes.size(), notes.toString());
        }
    }

    @Test
    void aRestartResumesAtTheSavedPositionWithoutRereadingALine() throws IOException {
        append(log(), "1\n2\n");
        LogFollower.Position saved;
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            drain(f, new ArrayList<>());
            saved = f.position();
        }
        append(log(), "3\n");
        try (LogFollower f = new LogFollower(log(), saved)) {
            LogFollower.Chunk c = f.poll();
            assertEquals("3\n", new String(c.lines(), StandardCharsets.UTF_8));
            assertEquals(3, c.firstLine());
        }
    }

    @Test
    void aRestartAfterARotationDrainsTheRotatedFileFirst() throws IOException {
        append(log(), "1\n");
        LogFollower.Position saved;
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            drain(f, new ArrayList<>());
            saved = f.position();
        }
        append(log(), "2\n");                  // written before the rotation, while we were down
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), "3\n");
        try (LogFollower f = new LogFollower(log(), saved)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("2", "3"), drain(f, notes));
            assertTrue(notes.getFirst().contains("resuming in"), notes.toString());
        }
    }

    @Test
    void aRestartAfterTheOldFileIsGoneReadsTheNewOneAndSaysLinesMayBeLost() throws IOException {
        append(log(), "1\n");
        LogFollower.Position saved;
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            drain(f, new ArrayList<>());
            saved = f.position();
        }
        Files.delete(log());
        append(log(), "2\n");
        try (LogFollower f = new LogFollower(log(), saved)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("2"), drain(f, notes));
            assertTrue(notes.getFirst().contains("are lost"), notes.toString());
        }
    }

    @Test
    void anOverlongLineIsDroppedAndTheNextOneRead() throws IOException {
        append(log(), "x".repeat(LogFollower.MAX_CHUNK_BYTES + 10) + "\nnext\n");
        try (LogFollower f = new LogFollower(log(), LogFollower.Position.START)) {
            List<String> notes = new ArrayList<>();
            assertEquals(List.of("next"), drain(f, notes));
            assertTrue(notes.getFirst().contains("longer than"), notes.toString());
            assertEquals(2, f.position().line());
        }
    }
}
