package io.reflex.engine.runtime;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Identifies the model that made a decision: a sequence number the store assigns (1, 2, ... in load
 * order), the file it came from and a digest of its bytes.
 *
 * @param sequence the store's load counter; 0 is reserved for "no model" (fallback decisions)
 * @param file     the model file
 * @param sha256   the first 16 hex digits of the file's SHA-256
 * @param loadedAt when the store accepted it
 */
public record ModelVersion(long sequence, Path file, String sha256, Instant loadedAt) {

    /** A short label for logs and metrics, e.g. {@code v3 (eviction-v7.onnx, 1f2e3d4c5b6a7988)}. */
    public String label() {
        return "v" + sequence + " (" + file.getFileName() + ", " + sha256 + ")";
    }
}
