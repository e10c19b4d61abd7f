package io.reflex.trainer.suite;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.trace.TraceFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SuiteManifest}: the manifest layout of {@code shared/data/traces/dev/suite.json}. */
class SuiteManifestTest {

    @TempDir
    Path dir;

    Path suiteDir;

    @BeforeEach
    void traces() throws IOException {
        suiteDir = Files.createDirectories(dir.resolve("dev"));
        SuiteTraces.lirs(dir, "outside.trace", 1, 100, 20);
        SuiteTraces.csv(suiteDir, "inside.csv", 2, 100, 20);
    }

    private Path manifest(String traces) throws IOException {
        return SuiteTraces.manifest(suiteDir, "{\"name\": \"t\", \"split\": 0.5, \"traces\": [" + traces + "]}");
    }

    @Test
    void readsFilesRelativeToTheManifestFolderWithFormatsAndSizesAsWritten() throws IOException {
        Path file = manifest("""
                {"file": "../outside.trace", "format": "lirs", "sizes": ["200", "2000"]},
                {"file": "inside.csv", "format": "csv", "sizes": ["20MB"]}""");

        SuiteManifest m = SuiteManifest.read(file);

        assertEquals("t", m.name());
        assertEquals(0.5, m.split());
        assertEquals(2, m.traces().size());
        SuiteManifest.Entry outside = m.traces().get(0);
        assertEquals("../outside.trace", outside.file(), "results name the trace as the manifest does");
        assertEquals(dir.resolve("outside.trace").toAbsolutePath(), outside.path());
        assertEquals(TraceFormat.LIRS, outside.format());
        assertEquals(List.of(new Capacity(Capacity.Kind.ENTRIES, 200, "200"), new Capacity(Capacity.Kind.ENTRIES, 2000, "2000")),
                outside.sizes());
        Capacity bytes = m.traces().get(1).sizes().getFirst();
        assertEquals(Capacity.Kind.BYTES, bytes.kind());
        assertEquals(20L << 20, bytes.value());
        assertEquals("20MB", bytes.label());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a trace file that is missing  | {"file": "nope.trace", "format": "lirs", "sizes": ["10"]}       | traces[0].file: trace file not found: NOPE
            an unknown format             | {"file": "inside.csv", "format": "parquet", "sizes": ["10"]}   | traces[0].format: unknown trace format 'parquet'
            a size that is not a size     | {"file": "inside.csv", "format": "csv", "sizes": ["10", "1XB"]} | traces[0].sizes[1]: not a cache size: '1XB'
            a size that is a number       | {"file": "inside.csv", "format": "csv", "sizes": [10]}          | traces[0].sizes[0] must be a string
            no sizes                      | {"file": "inside.csv", "format": "csv", "sizes": []}            | traces[0].sizes must be a non-empty array
            no file                       | {"format": "csv", "sizes": ["10"]}                              | traces[0].file must be a non-empty string
            """)
    void aBadEntryIsNamedByManifestAndFieldOnOneLine(String what, String entry, String expected) throws IOException {
        Path file = manifest(entry);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuiteManifest.read(file));

        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertTrue(message.contains(expected.replace("NOPE", suiteDir.resolve("nope.trace").toString())), message);
        assertEquals(1, message.lines().count(), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"name": "t", "split": 1, "traces": []}        | split must be a number in (0, 1), got 1
            {"name": "t", "split": 0, "traces": []}        | split must be a number in (0, 1), got 0
            {"name": "t", "split": "0.5", "traces": []}    | split must be a number in (0, 1), got "0.5"
            {"name": "t", "split": 0.5, "traces": []}      | traces must be a non-empty array
            {"split": 0.5, "traces": []}                   | name must be a non-empty string
            {"name": "t", "split": 0.5, "traces": [       | not JSON
            """)
    void aBadSuiteFieldIsNamed(String json, String expected) throws IOException {
        Path file = SuiteTraces.manifest(suiteDir, json);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuiteManifest.read(file));

        assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aMissingManifestIsNamed() {
        Path missing = dir.resolve("none.json");

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SuiteManifest.read(missing));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void selectKeepsTheEntriesWhoseFileNameContainsAPartInManifestOrder() throws IOException {
        SuiteManifest m = SuiteManifest.read(manifest("""
                {"file": "../outside.trace", "format": "lirs", "sizes": ["10"]},
                {"file": "inside.csv", "format": "csv", "sizes": ["10"]}"""));

        assertEquals(m.traces(), m.select(List.of()));
        assertEquals(List.of(m.traces().get(1)), m.select(List.of("side.csv")));
        assertEquals(m.traces(), m.select(List.of("inside", "out")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.select(List.of("web07")));
        assertTrue(e.getMessage().contains("[web07]"), e.getMessage());
    }
}
