package io.reflex.engine.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The file {@link OnnxModelWriter#write} leaves: readable by every user unless asked otherwise,
 * because the model is often trained by one user and served by another (NGINX's worker user runs
 * the sidecar), and a model holds weights, not secrets.
 */
class WrittenModelFilesTest {

    @TempDir
    Path dir;

    private static final MlpGraph GRAPH = MlpGraph.randomChain(11, Activation.RELU, 6, 4, 2);

    @Test
    void aWrittenModelIsReadableByEveryUserAndWritableByItsOwner() throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "no POSIX permissions here");
        Path file = dir.resolve("model.onnx");

        OnnxModelWriter.of(GRAPH).write(file);

        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aModelReplacingAnotherIsReadableByEveryUserToo() throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "no POSIX permissions here");
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(GRAPH).write(file);

        OnnxModelWriter.of(MlpGraph.randomChain(12, Activation.RELU, 6, 4, 2)).write(file);

        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void writingUnderARegularFileSaysThatTheParentIsAFile() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "not a directory");

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> OnnxModelWriter.of(GRAPH).write(plain.resolve("model.onnx")));

        assertTrue(e.getMessage().contains(plain.resolve("model.onnx").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(plain + " is a file, not a directory"), e.getMessage());
    }

    @Test
    void aModelIsWrittenWithThePermissionsAskedFor() throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "no POSIX permissions here");
        Path file = dir.resolve("private.onnx");

        OnnxModelWriter.of(GRAPH).filePermissions(PosixFilePermissions.fromString("rw-------")).write(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
