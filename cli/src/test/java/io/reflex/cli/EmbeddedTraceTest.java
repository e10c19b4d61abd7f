package io.reflex.cli;

import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The real trace the quickstart embeds in the command line's jar, read by the trainer's cache2k reader. */
class EmbeddedTraceTest {

    @TempDir
    Path dir;

    @Test
    void theCommittedCache2kTraceReads76118RequestsOver20484Keys() throws IOException {
        // the quickstart's real trace, a resource of the command line's jar
        try (InputStream in = EmbeddedTraceTest.class.getResourceAsStream("/io/reflex/cli/traces/cache2k-web07.trace.xz")) {
            assertNotNull(in, "the jar's cache2k-web07.trace.xz resource");
            Path file = dir.resolve("cache2k-web07.trace.xz");
            Files.copy(in, file);
            Trace t = TraceFormat.CACHE2K.read(file, Strictness.STRICT);   // decompressed by its name

            assertEquals(76_118, t.length());
            assertEquals(20_484, t.objectCount());
            assertEquals(0, t.malformedSkipped());
        }
    }
}
