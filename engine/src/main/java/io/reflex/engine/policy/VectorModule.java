package io.reflex.engine.policy;

/**
 * The one JVM requirement an embedder can miss: the engine's fast paths use the incubating Vector
 * API, which the JVM resolves only with {@code --add-modules jdk.incubator.vector}. Without the flag
 * the first vector class would fail with a bare {@link NoClassDefFoundError} deep inside a decision;
 * {@link #require()}, called where policies are loaded and loops are built, fails first with a
 * message that says what to add.
 *
 * <p>Stateless and thread-safe; the check reads the boot layer once and allocates nothing after.
 */
public final class VectorModule {

    /** The module the flag adds. */
    public static final String NAME = "jdk.incubator.vector";

    private static final boolean PRESENT = ModuleLayer.boot().findModule(NAME).isPresent();

    private VectorModule() {
    }

    /** Whether this JVM was started with the module. */
    public static boolean present() {
        return PRESENT;
    }

    /**
     * @throws IllegalStateException naming the missing flag when this JVM lacks the module
     */
    public static void require() {
        if (!PRESENT) {
            throw new IllegalStateException("Reflex needs the JVM flag --add-modules " + NAME
                    + " (the Vector API behind its fast paths); add it where the JVM is started, and to javac and "
                    + "the test runner (Maven: the compiler's compilerArgs and surefire's argLine)");
        }
    }
}
