package io.reflex.trainer.cache.trace;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reflex.engine.testing.FuzzInputs;
import io.reflex.trainer.cache.Trace;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes in a trace file, read as any format (plain or compressed, strict or lenient) through
 * {@link TraceFormat#read(Path, Strictness)}, the entry point of every command that reads a trace,
 * give a trace of at least one request or an {@link IOException} (malformed, empty, damaged) whose
 * message is one line naming the file: never another exception, never a hang, never an allocation
 * sized by a number in the file.
 *
 * <p>Input layout: byte 0 picks the format (bits 0-2, modulo the six formats), strict or lenient
 * (bit 3) and the compression (bits 4-5: none, gzip, xz, zstd); the rest is the file. Corpus:
 * {@code src/test/resources/io/reflex/trainer/cache/trace/TraceFormatFuzzTestInputs/}.
 */
class TraceFormatFuzzTest {

    private static final TraceFormat[] FORMATS = TraceFormat.values();
    private static final String[] EXTENSIONS = {"", ".gz", ".xz", ".zst"};
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("reflex-trace-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    private static final FuzzInputs INPUTS = new FuzzInputs("TraceFormatFuzzTest");

    @AfterAll
    static void reportInputs() {
        INPUTS.report();
    }

    @FuzzTest(maxDuration = "10s")
    void readsOrRefusesAnyFile(byte[] input) throws IOException {
        INPUTS.add();
        if (input.length < 1) {
            return;
        }
        TraceFormat format = FORMATS[(input[0] & 0x07) % FORMATS.length];
        Strictness strictness = (input[0] & 0x08) != 0 ? Strictness.STRICT : Strictness.LENIENT;
        Path file = DIR.resolve("trace." + format.label() + EXTENSIONS[(input[0] >> 4) & 0x03]);
        Files.write(file, Arrays.copyOfRange(input, 1, input.length));
        try {
            Trace trace = format.read(file, strictness);
            assertTrue(trace.length() > 0, "a trace read without error holds a request");
        } catch (IOException e) {
            String m = e.getMessage();
            assertTrue(m != null && m.startsWith(file.toString()) && m.indexOf('\n') < 0 && m.indexOf('\r') < 0,
                    () -> e.getClass().getSimpleName() + " without one line naming the file: " + m);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
