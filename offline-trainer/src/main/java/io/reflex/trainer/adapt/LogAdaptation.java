package io.reflex.trainer.adapt;

import io.reflex.trainer.cache.trace.ParseErrors;
import io.reflex.trainer.cache.trace.Strictness;
import io.reflex.trainer.cache.trace.TraceFormat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Continuous retraining from a growing access log: follows the log ({@link LogFollower}) into a
 * trailing window of requests ({@link RequestWindow}), and every {@code every} new requests, once the
 * window holds at least {@code minRequests}, runs a {@link RetrainRound} that replaces the served
 * model file only when its candidate wins. The position and the window are saved together in the
 * state directory ({@link AdaptState}) after each step's reading and after every round, so a restart resumes where
 * the last save stood and reads no line twice.
 *
 * <p>Malformed lines are skipped, counted and reported with their file and line (the first
 * {@value #REPORTED_MALFORMED_PER_STEP} of each step, then a count). Not thread-safe: one thread
 * calls {@link #step}.
 */
public final class LogAdaptation implements AutoCloseable {

    /** Hears what the adaptation does, on the thread that calls {@link #step}. */
    public interface Listener {
        /** Something worth a log line: a rotation, a truncation, a malformed line, a gap. */
        void note(long atRequest, String line);

        /** A round's verdict, at the request count the window had when it ran. */
        void round(long atRequest, RetrainRound.Verdict verdict);
    }

    /** Malformed lines reported one by one per step; the rest are counted. */
    static final int REPORTED_MALFORMED_PER_STEP = 10;

    /** Where the candidate of the latest round is kept, inside the state directory. */
    public static final String CANDIDATE_FILE = "candidate.onnx";

    private final TraceFormat format;
    private final Path modelOut;
    private final Path stateDir;
    private final long every;
    private final long minRequests;
    private final RetrainRound round;
    private final Listener listener;
    private final AdaptState state;
    private final LogFollower follower;
    private int reportedThisStep;
    private long skippedThisStep;

    /**
     * @param window      the trailing requests kept and retrained on
     * @param every       new requests between rounds
     * @param minRequests the least requests the window must hold before any round (and so any promotion)
     * @throws IOException when the saved state is damaged (named) or the log cannot be opened
     */
    public LogAdaptation(Path source, TraceFormat format, Path modelOut, Path stateDir, int window, long every,
                         long minRequests, RetrainRound round, Listener listener) throws IOException {
        if (format != TraceFormat.NGINX) {
            throw new IllegalArgumentException("adapt follows NGINX access logs (--format nginx), not " + format.label()
                    + " files: replay those whole with train eviction and evaluate eviction");
        }
        if (every < 1) {
            throw new IllegalArgumentException("--every must be >= 1, got " + every);
        }
        if (minRequests < 2 || minRequests > window) {
            throw new IllegalArgumentException("--min-requests must be in [2, window " + window + "], got " + minRequests);
        }
        this.format = format;
        this.modelOut = Objects.requireNonNull(modelOut, "modelOut");
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        this.every = every;
        this.minRequests = minRequests;
        this.round = Objects.requireNonNull(round, "round");
        this.listener = Objects.requireNonNull(listener, "listener");
        Files.createDirectories(stateDir);
        this.state = AdaptState.loadOrFresh(stateDir, window);
        this.follower = new LogFollower(source, state.position());
    }

    /**
     * Reads everything the log holds now into the window (then saves the state), then runs a round
     * if one is due (saving again).
     *
     * @return whether a line was read or a round ran
     */
    public boolean step() throws IOException, InterruptedException {
        boolean progressed = false;
        boolean moved = false;
        reportedThisStep = 0;
        skippedThisStep = 0;
        while (true) {
            LogFollower.Chunk chunk = follower.poll();
            for (String note : chunk.notes()) {
                listener.note(state.window().added(), note);
            }
            if (chunk.isEmpty()) {
                break;
            }
            if (chunk.lines().length > 0) {
                ParseErrors errors = new ParseErrors(chunk.file(), Strictness.LENIENT, chunk.firstLine() - 1,
                        this::malformed);
                format.reader().read(new ByteArrayInputStream(chunk.lines()), state.window(), errors);
                state.addMalformed(errors.skipped());
            }
            state.position(follower.position());
            progressed |= chunk.lines().length > 0;
            moved = true;
        }
        if (moved) {
            // Once per step, not per chunk: a backlog of many chunks would rewrite the whole window
            // for each. A stop mid-step loses only reading, redone from the last saved position.
            state.save(stateDir);
        }
        if (skippedThisStep > reportedThisStep) {
            listener.note(state.window().added(), String.format(Locale.ROOT, "%,d more malformed lines skipped",
                    skippedThisStep - reportedThisStep));
        }
        if (due()) {
            RetrainRound.Verdict v;
            try {
                v = round.run(state.window(), modelOut, stateDir.resolve(CANDIDATE_FILE), null);
            } catch (IllegalArgumentException e) {
                // The window gave the trainer nothing to learn from (no evictions at these sizes):
                // said, and tried again after --every more requests; the served model stays.
                state.roundSkipped();
                state.save(stateDir);
                listener.note(state.window().added(), "round skipped, the served model stays: " + e.getMessage());
                return true;
            }
            state.roundRan(v.promoted());
            state.save(stateDir);
            listener.round(state.window().added(), v);
            progressed = true;
        }
        return progressed;
    }

    /** Whether a round is due: enough requests held, and {@code every} new ones since the last round. */
    public boolean due() {
        return state.window().size() >= minRequests && state.window().added() - state.requestsAtLastRound() >= every;
    }

    public AdaptState state() {
        return state;
    }

    @Override
    public void close() throws IOException {
        follower.close();
    }

    private void malformed(String message) {
        skippedThisStep++;
        if (reportedThisStep < REPORTED_MALFORMED_PER_STEP) {
            reportedThisStep++;
            listener.note(state.window().added(), "malformed line skipped: " + message);
        }
    }
}
