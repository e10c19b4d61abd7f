package io.reflex.harness.nginx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReflexStatsTest {

    @TempDir
    Path dir;

    /** A stats file with {@code fast} round trips of 10 µs, {@code slow} of 80 µs and {@code timeouts}. */
    ReflexStats stats(long fast, long slow, long timeouts) throws IOException {
        StringBuilder hist = new StringBuilder("rtt_hist_us");
        for (int i = 0; i < 1001; i++) {
            hist.append(' ').append(i == 10 ? fast : i == 80 ? slow : 0);
        }
        Path file = dir.resolve("stats-" + fast + "-" + slow + "-" + timeouts + ".txt");
        Files.writeString(file, "version 1\ndecisions " + (fast + slow + timeouts) + "\nfallback_timeout " + timeouts
                + "\nrtt_count " + (fast + slow) + "\n" + hist + "\n");
        return ReflexStats.read(file);
    }

    @Test
    void theAttemptPercentileCountsTimeoutsAsTheSlowestRoundTrips() throws IOException {
        ReflexStats s = stats(985, 5, 10);

        assertEquals(10, s.roundTripPercentileUs(0.99), "completed round trips only: the 99th is fast");
        assertEquals(80, s.attemptPercentileUs(0.99), "990th of 1,000 attempts is the slowest completed one");
        assertEquals(1000, s.attemptPercentileUs(0.995), "past it lie the timeouts: 1,000 means 1,000 us or more");
        assertEquals(10, s.attemptPercentileUs(0.5));
    }

    @Test
    void withoutTimeoutsBothPercentilesAgree() throws IOException {
        ReflexStats s = stats(900, 100, 0);
        for (double q : new double[] {0.5, 0.9, 0.91, 0.99}) {
            assertEquals(s.roundTripPercentileUs(q), s.attemptPercentileUs(q), "q = " + q);
        }
    }

    @Test
    void onlyTimeoutsGiveTheHistogramsEndAndNoSamplesGiveMinusOne() throws IOException {
        assertEquals(1000, stats(0, 0, 5).attemptPercentileUs(0.5));
        assertEquals(-1, stats(0, 0, 0).attemptPercentileUs(0.99));
    }

    @Test
    void aDifferenceKeepsTheTimeoutsOfTheInterval() throws IOException {
        ReflexStats d = stats(1980, 10, 30).minus(stats(1000, 0, 0));

        assertEquals(30, d.get("fallback_timeout"));
        assertEquals(990, d.roundTrips());
        assertEquals(1000, d.attemptPercentileUs(0.99), "30 timeouts in 1,020 attempts reach past the 99th");
        assertTrue(d.roundTripPercentileUs(0.99) < 1000);
    }

    @Test
    void theSchemaAndCandidateLinesAreWordsAndSurviveADifference() throws IOException {
        Path file = dir.resolve("history.txt");
        Files.writeString(file, "version 1\nschema history-1\ncandidates sampled\ndecisions 7\nadmission_declined 2\n"
                + "tick 123456789012\n");
        ReflexStats s = ReflexStats.read(file);
        assertEquals("history-1", s.text("schema"));
        assertEquals("sampled", s.text("candidates"));
        assertEquals(123456789012L, s.get("tick"));
        assertEquals(2, s.get("admission_declined"));
        assertEquals("history-1", s.minus(s).text("schema"));
        assertEquals(0, s.minus(s).get("decisions"));
        Files.writeString(file, "version 1\ndecisions lru\n");
        assertThrows(IllegalArgumentException.class, () -> ReflexStats.read(file), "only those two lines are words");
    }

    @Test
    void aNonNumberNamesTheFileAndLine() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "version 1\ndecisions many\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReflexStats.read(file));
        assertTrue(e.getMessage().contains("bad.txt line 2"), e.getMessage());
    }
}
