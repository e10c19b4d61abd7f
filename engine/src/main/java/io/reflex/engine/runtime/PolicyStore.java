package io.reflex.engine.runtime;

import io.reflex.engine.onnx.ModelFiles;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Holds the model version a decision loop serves and replaces it atomically.
 *
 * <p>A new version is loaded with the store's {@link PolicyLoader} (so every foundation check runs:
 * shapes, finite weights, golden pairs, fast-path agreement), then run on the store's canary
 * inputs, recorded from real decisions: each must evaluate without error to finite outputs. It is
 * then warmed up (see {@link #create(PolicyLoader, List, Duration)}). Only then does one atomic
 * reference swap publish it; a version that fails leaves the incumbent serving
 * and the reason in the {@link SwapResult}. Decision sessions pick up the new version at their next
 * decision; the old one is closed when the last session has moved off it.
 *
 * <p>Thread-safe. Offers are serialised (one load at a time); reading the current version is a
 * volatile read.
 */
public final class PolicyStore implements AutoCloseable {

    /**
     * The default warm-up budget of a new version. The Vector API runs hundreds of times slower
     * before the JIT compiles it: on the eviction shape the first thousand evaluations take ~0.2 ms
     * each and C2 takes over after ~2,000 (~250 ms), so a cold version would breach a 500 µs deadline
     * and trip the breaker. Once compiled, the warm-up's evaluations cost a few milliseconds.
     */
    public static final Duration DEFAULT_WARMUP = Duration.ofMillis(500);
    /** The most evaluations a warm-up runs. */
    public static final int WARMUP_EVALUATIONS = 3_000;
    /** Rows per warm-up call of a batch-1 policy's per-row evaluation. */
    private static final int WARMUP_ROWS = 8;
    private static final System.Logger LOG = System.getLogger(PolicyStore.class.getName());

    private final PolicyLoader loader;
    private final List<float[]> canaryInputs;
    private final AtomicReference<ServingPolicy> current = new AtomicReference<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile Consumer<SwapResult> listener = r -> { };
    private volatile boolean closed;

    private final long warmupNanos;

    private PolicyStore(PolicyLoader loader, List<float[]> canaryInputs, Duration warmup) {
        this.loader = loader;
        this.canaryInputs = canaryInputs;
        this.warmupNanos = warmup.toNanos();
    }

    /**
     * A store loading with {@code loader} and checking each new version on {@code canaryInputs}
     * (each of the policy's input size; may be empty, though recorded inputs catch more).
     */
    public static PolicyStore create(PolicyLoader loader, List<float[]> canaryInputs) {
        return create(loader, canaryInputs, DEFAULT_WARMUP);
    }

    /**
     * As {@link #create(PolicyLoader, List)}, warming each new version up for at most {@code warmup}
     * (and {@value #WARMUP_EVALUATIONS} evaluations) on the canary inputs before it serves, so that its
     * first live decisions do not run in the interpreter and breach the deadline. Zero disables it.
     */
    public static PolicyStore create(PolicyLoader loader, List<float[]> canaryInputs, Duration warmup) {
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warm-up must not be negative, got " + warmup);
        }
        return new PolicyStore(Objects.requireNonNull(loader, "loader"),
                canaryInputs.stream().map(float[]::clone).toList(), warmup);
    }

    /** Called after every offer, accepted or not (metrics and logs hang here). */
    public void onSwap(Consumer<SwapResult> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The version serving now, if any. */
    public Optional<ModelVersion> version() {
        ServingPolicy s = current.get();
        return s == null ? Optional.empty() : Optional.of(s.version);
    }

    /** The input of the version serving now, or empty when none is (to choose a loop's layout). */
    public Optional<io.reflex.engine.onnx.TensorSpec> servingInput() {
        ServingPolicy p = current.get();
        return p == null ? Optional.empty() : Optional.of(p.policy.input());
    }

    /** The output of the version serving now, or empty when none is. */
    public Optional<io.reflex.engine.onnx.TensorSpec> servingOutput() {
        ServingPolicy p = current.get();
        return p == null ? Optional.empty() : Optional.of(p.policy.output());
    }

    public long swaps() {
        return swaps.get();
    }

    public long rejectedSwaps() {
        return rejected.get();
    }

    /**
     * Validates {@code file} and, if it passes, makes it the serving version.
     *
     * <p>Never throws for a bad candidate, whatever goes wrong: a hot reload calls this on a
     * scheduled thread, and an exception escaping it would cancel the reload for good, silently
     * (a {@code ScheduledExecutorService} drops a task that throws). A {@link ModelLoadException}
     * (missing, not a regular file, over the loader's {@link PolicyLoader#maxModelBytes()}, not
     * ONNX, failing a check, its canary inputs or its warm-up) is a refusal with its message as the
     * reason. Anything else thrown while loading the candidate, {@link Error}s included, is a
     * refusal too, counted the same way and logged as one line: the candidate is discarded whole
     * and the incumbent, untouched until the final swap, keeps serving. An
     * {@link OutOfMemoryError} is such a refusal: the memory it could not get was the candidate's,
     * unreachable once this returns. Only an {@link InternalError} or {@link UnknownError} (the VM
     * itself is broken, and nothing it runs can be trusted) is rethrown.
     *
     * @throws IllegalStateException if the store is closed
     */
    public synchronized SwapResult offer(Path file) {
        if (closed) {
            throw new IllegalStateException("policy store is closed");
        }
        Policy candidate = null;
        SwapResult result;
        try {
            // Digest and load the same bytes, even if the file is replaced meanwhile.
            byte[] bytes = ModelFiles.read(file, loader.maxModelBytes());
            candidate = loader.load(OnnxModel.parse(file, bytes));
            canary(file, candidate);
            warmUp(file, candidate);
            ModelVersion version = new ModelVersion(sequence.incrementAndGet(), file, digest(bytes), Instant.now());
            ServingPolicy previous = current.getAndSet(new ServingPolicy(candidate, version));
            candidate = null;
            if (previous != null) {
                previous.release();
            }
            swaps.incrementAndGet();
            result = new SwapResult(true, version, null);
        } catch (ModelLoadException e) {
            rejected.incrementAndGet();
            result = new SwapResult(false, version().orElse(null), e.getMessage());
        } catch (RuntimeException | Error e) {
            if (isFatal(e)) {
                throw e;
            }
            rejected.incrementAndGet();
            String reason = file + ": refused, loading it failed unexpectedly: " + e;
            LOG.log(System.Logger.Level.WARNING, "policy store: " + reason.replace('\n', ' '));
            result = new SwapResult(false, version().orElse(null), reason);
        } finally {
            if (candidate != null) {
                candidate.close();
            }
        }
        listener.accept(result);
        return result;
    }

    /**
     * Whether {@code e} means the VM itself can no longer be trusted, so that no refusal should
     * absorb it: an {@link InternalError} or {@link UnknownError}. Any other throwable met while
     * loading a candidate (an {@link OutOfMemoryError} or {@link StackOverflowError} included) is
     * the candidate's failure.
     */
    static boolean isFatal(Throwable e) {
        return e instanceof InternalError || e instanceof UnknownError;
    }

    /**
     * Offers the newest {@code *.onnx} file in {@code dir} (latest modification time, then name) if
     * it is not the one serving already.
     *
     * @return the result, or empty when the directory holds no model or the newest is already serving
     */
    public Optional<SwapResult> offerNewest(Path dir) {
        Optional<Path> newest;
        try (Stream<Path> files = Files.list(dir)) {
            newest = files.filter(p -> p.getFileName().toString().endsWith(".onnx") && Files.isRegularFile(p))
                    .max(Comparator.<Path, Long>comparing(PolicyStore::modified).thenComparing(Path::getFileName));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(dir, "model directory not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + dir, e);
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        Optional<ModelVersion> serving = version();
        if (serving.isPresent() && serving.get().file().equals(newest.get())
                && serving.get().sha256().equals(digestOrEmpty(newest.get()))) {
            return Optional.empty();
        }
        return Optional.of(offer(newest.get()));
    }

    /** Takes a reference to the serving version for a session; null when none is loaded. */
    ServingPolicy acquire() {
        for (;;) {
            ServingPolicy s = current.get();
            if (s == null || s.retain()) {
                return s;
            }
        }
    }

    /** The serving version's identity, for a session to compare against the one it holds. */
    ServingPolicy peek() {
        return current.get();
    }

    /** Releases the serving version; sessions still holding it close it when they let go. */
    @Override
    public synchronized void close() {
        closed = true;
        ServingPolicy s = current.getAndSet(null);
        if (s != null) {
            s.release();
        }
    }

    private void canary(Path file, Policy candidate) {
        try (Policy.Evaluator e = candidate.newEvaluator()) {
            float[] out = new float[candidate.outputSize()];
            for (int i = 0; i < canaryInputs.size(); i++) {
                float[] in = canaryInputs.get(i);
                if (in.length != candidate.inputSize()) {
                    throw new ModelLoadException(file, "canary input " + i + " has " + in.length
                            + " values, the model takes " + candidate.inputSize());
                }
                try {
                    e.evaluate(in, out);
                } catch (RuntimeException ex) {
                    throw new ModelLoadException(file, "canary input " + i + " failed: " + ex.getMessage(), ex);
                }
                for (int j = 0; j < out.length; j++) {
                    if (!Float.isFinite(out[j])) {
                        throw new ModelLoadException(file, "canary input " + i + " gives a non-finite output "
                                + out[j] + " at index " + j);
                    }
                }
            }
        }
    }

    /** Warms {@code candidate} up; an evaluation that throws refuses it, as a failing canary does. */
    private void warmUp(Path file, Policy candidate) {
        try {
            warmUp(candidate);
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "warm-up evaluation failed: " + e.getMessage(), e);
        }
    }

    private void warmUp(Policy candidate) {
        if (warmupNanos == 0) {
            return;
        }
        float[] in = canaryInputs.isEmpty() ? new float[candidate.inputSize()] : null;
        float[] out = new float[candidate.outputSize()];
        try (Policy.Evaluator e = candidate.newEvaluator()) {
            long start = System.nanoTime();
            for (int i = 0; i < WARMUP_EVALUATIONS && System.nanoTime() - start < warmupNanos; i++) {
                e.evaluate(in != null ? in : canaryInputs.get(i % canaryInputs.size()), out);
            }
            if (candidate.input().dim(0) != 1) {
                return;
            }
            // A batch-1 policy may serve a loop as a per-row model (DecisionRuntime.Builder#rows),
            // whose evaluateRows is other code: warm it too, with its own budget, or its first
            // decisions run interpreted, miss the deadline and open the breaker, and its few probes
            // never run often enough to get it compiled.
            float[] rowsIn = new float[WARMUP_ROWS * candidate.inputSize()];
            float[] rowsOut = new float[WARMUP_ROWS * candidate.outputSize()];
            start = System.nanoTime();
            for (int i = 0; i < WARMUP_EVALUATIONS && System.nanoTime() - start < warmupNanos; i++) {
                float[] x = in != null ? in : canaryInputs.get(i % canaryInputs.size());
                for (int r = 0; r < WARMUP_ROWS; r++) {
                    System.arraycopy(x, 0, rowsIn, r * x.length, x.length);
                }
                e.evaluateRows(rowsIn, WARMUP_ROWS, rowsOut, 0, x.length / 2);
            }
        }
    }

    /** The digest of {@code file}, or empty when it cannot be read (the offer that follows says why). */
    private String digestOrEmpty(Path file) {
        try {
            return digest(ModelFiles.read(file, loader.maxModelBytes()));
        } catch (ModelLoadException e) {
            return "";
        }
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }
}
