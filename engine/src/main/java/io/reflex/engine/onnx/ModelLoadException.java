package io.reflex.engine.onnx;

import java.nio.file.Path;

/**
 * A model file could not be loaded: missing, unreadable, not ONNX, the wrong shape, non-finite
 * weights, or failing its golden pairs or its fast-path agreement. The message names the file and
 * the problem; nothing of the model stays loaded when this is thrown.
 */
public final class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public ModelLoadException(Path file, String problem) {
        this(file, problem, null);
    }

    public ModelLoadException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The model file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
