package io.reflex.sidecar.floor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link AccessLogFollower} over real files, one poll at a time (no thread, no sleeps): appends,
 * a partial last line, rotation by rename and create, copytruncate, and an overlong line.
 */
class AccessLogFollowerTest {

    @TempDir
    Path dir;

    /** Collects what the follower hands over, as "number:text". */
    static final class Lines implements AccessLogFollower.Sink {
        final List<String> got = new ArrayList<>();

        @Override
        public void line(byte[] bytes, int from, int to, long number) {
            got.add(number + ":" + new String(bytes, from, to - from, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void overlong(long number) {
            got.add(number + ":<overlong>");
        }

        List<String> take() {
            List<String> r = List.copyOf(got);
            got.clear();
            return r;
        }
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.ISO_8859_1, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private final Lines sink = new Lines();

    private AccessLogFollower follow(Path file) {
        return new AccessLogFollower(file, Duration.ofMillis(10), sink);
    }

    @Test
    void startsAtTheEndAndHandsOverEachAppendedLine() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, "before the start\n");
        try (AccessLogFollower f = follow(log)) {
            f.poll();
            assertEquals(List.of(), sink.take(), "past traffic is not live");
            append(log, "a\nb\r\n\n");
            f.poll();
            assertEquals(List.of("1:a", "2:b"), sink.take(), "CR dropped, empty line passed over");
            append(log, "c\n");
            f.poll();
            assertEquals(List.of("4:c"), sink.take());
        }
    }

    @Test
    void aLastLineWithoutItsNewlineWaitsForIt() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, "");
        try (AccessLogFollower f = follow(log)) {
            append(log, "par");
            f.poll();
            assertEquals(List.of(), sink.take());
            append(log, "tial\nnext");
            f.poll();
            assertEquals(List.of("1:partial"), sink.take());
            append(log, "\n");
            f.poll();
            assertEquals(List.of("2:next"), sink.take());
        }
    }

    @Test
    void aFileCreatedAfterTheStartIsReadFromItsStart() throws IOException {
        Path log = dir.resolve("later.log");
        try (AccessLogFollower f = follow(log)) {
            f.poll();
            append(log, "first\n");
            f.poll();
            assertEquals(List.of("1:first"), sink.take());
        }
    }

    @Test
    void followsARotationByRenameAfterReadingTheOldFileToItsEnd() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, "");
        try (AccessLogFollower f = follow(log)) {
            append(log, "old 1\n");
            f.poll();
            assertEquals(List.of("1:old 1"), sink.take());
            Path rotated = dir.resolve("access.log.1");
            Files.move(log, rotated);
            append(log, "");                       // logrotate's create
            append(rotated, "old 2\nold ");        // NGINX writes to the renamed file until it reopens
            f.poll();
            assertEquals(List.of("2:old 2"), sink.take(), "the old file first");
            append(rotated, "3\n");
            f.poll();
            assertEquals(List.of("3:old 3"), sink.take(), "still on the old file while it grows");
            append(log, "new 1\n");                // nginx -s reopen: NGINX writes here now
            f.poll();
            assertEquals(List.of("1:new 1"), sink.take(), "a poll finding the old file quiet moves to the new one, "
                    + "from its start");
            assertEquals(1, f.reopened());
            append(log, "new 2\n");
            f.poll();
            assertEquals(List.of("2:new 2"), sink.take());
        }
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsStart() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, "");
        try (AccessLogFollower f = follow(log)) {
            append(log, "one line before copytruncate\nhalf a li");
            f.poll();
            assertEquals(List.of("1:one line before copytruncate"), sink.take());
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(log, "after\n");
            f.poll();
            assertEquals(List.of("1:after"), sink.take(), "the partial line dropped, the new content read");
            assertEquals(1, f.truncated());
        }
    }

    @Test
    void anOverlongLineIsReportedAndSkippedToItsNewline() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, "");
        try (AccessLogFollower f = follow(log)) {
            append(log, "x".repeat(AccessLogFollower.MAX_LINE + 10) + "\nshort\n");
            f.poll();
            assertEquals(List.of("1:<overlong>", "2:short"), sink.take());
        }
    }
}
