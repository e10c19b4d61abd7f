package io.reflex.trainer.adapt;

import io.reflex.engine.adapt.PolicyChallenge;
import io.reflex.engine.adapt.ShadowEvaluation;
import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.log.LogRecord;
import io.reflex.engine.onnx.ModelFiles;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A challenger scored off-policy against a decision loop's logged decisions as the log grows
 * ({@code ./reflex adapt --decision-log}): follows the log ({@link DecisionLogFollower}), holds each
 * decision of the loop until its outcome arrives, then scores it with the engine's
 * {@link ShadowEvaluation} (the challenger's π under its rule, DR against the logged propensity,
 * the incumbent's on-policy mean beside it: exactly what the engine's online {@code DecisionShadow}
 * computes). Every {@code every} scored decisions a round reports the estimates; once at least
 * {@code minDecisions} are scored, a round at which the challenger's lower bound is above the
 * incumbent's upper bound publishes the challenger's bytes, the very ones scored, to the served
 * model file ({@link ModelFiles#writeAtomically}), and the evaluation is over.
 *
 * <p>A decision is scored at its first outcome; later outcomes of it, and outcomes of decisions not
 * held (another loop's, or given up after {@code maxPending} later decisions), are counted. The
 * position, the evidence and the decisions still awaiting an outcome are saved together
 * ({@link DecisionAdaptState}) after each step and at the promotion, so a restart resumes where
 * the last save stood and reaches the same verdict as one uninterrupted pass. A decision the
 * challenger cannot score (a propensity outside (0, 1], another width, an action beyond its
 * outputs, another loop when none was chosen) stops the step with one line naming the log and the
 * decision; nothing of that step is saved.
 *
 * <p>Not thread-safe: one thread calls {@link #step}.
 */
public final class DecisionLogAdaptation implements AutoCloseable {

    /** Hears what the adaptation does, on the thread that calls {@link #step}. */
    public interface Listener {
        /** Something worth a log line: damage in the log. */
        void note(long atDecision, String line);

        /** A round's estimates and verdict. */
        void round(Round round);
    }

    /**
     * One round: the estimates after {@code atDecision} scored decisions.
     *
     * @param atDecision      decisions scored
     * @param logSequence     the log sequence of the outcome that completed the round
     * @param challengerValue the challenger's DR estimate
     * @param challengerLow   its lower bound (at z)
     * @param challengerHigh  its upper bound
     * @param ips             its IPS estimate
     * @param snips           its SNIPS estimate
     * @param incumbentValue  the incumbent's mean logged reward
     * @param incumbentLow    its lower bound
     * @param incumbentHigh   its upper bound
     * @param promoted        whether the challenger was published with this round
     * @param reason          why, either way
     */
    public record Round(long atDecision, long logSequence, double challengerValue, double challengerLow,
                        double challengerHigh, double ips, double snips, double incumbentValue, double incumbentLow,
                        double incumbentHigh, boolean promoted, String reason) {
    }

    private final Path logDir;
    private final String chosenLoop;
    private final Path challenger;
    private final byte[] challengerBytes;
    private final Path modelOut;
    private final Path stateDir;
    private final int every;
    private final int minDecisions;
    private final int maxPending;
    private final Listener listener;
    private final ShadowEvaluation evaluation;
    private final DecisionAdaptState state;
    private final DecisionLogFollower follower;
    private long sequence;
    private boolean waitingOnTail;

    /**
     * @param loop         the loop to follow, or null: the log's only loop
     * @param rule         the rule the challenger would serve under, and its name (kept in the state)
     * @param every        scored decisions between rounds, at least 1
     * @param minDecisions scored decisions before any promotion, at least 2
     * @param maxPending   decisions held awaiting an outcome, at least 1
     * @throws IOException                              when the log directory is missing, the saved state is
     *                                                  damaged or belongs to another challenger (each named)
     * @throws io.reflex.engine.onnx.ModelLoadException naming the challenger when it does not load
     */
    public DecisionLogAdaptation(Path logDir, String loop, Path challenger, ActionSelector rule, String ruleName,
                                 Path modelOut, Path stateDir, int every, int minDecisions, int maxPending,
                                 double z, Listener listener) throws IOException {
        if (every < 1) {
            throw new IllegalArgumentException("--every must be >= 1 decision, got " + every);
        }
        if (minDecisions < 2) {
            throw new IllegalArgumentException("--min-decisions must be >= 2, got " + minDecisions);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("--max-pending must be >= 1, got " + maxPending);
        }
        if (!Files.isDirectory(logDir)) {
            throw new IOException(logDir + ": decision log directory not found");
        }
        this.logDir = logDir;
        this.chosenLoop = loop;
        this.challenger = Objects.requireNonNull(challenger, "challenger");
        this.modelOut = Objects.requireNonNull(modelOut, "modelOut");
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        this.every = every;
        this.minDecisions = minDecisions;
        this.maxPending = maxPending;
        this.listener = Objects.requireNonNull(listener, "listener");
        PolicyLoader loader = PolicyLoader.defaults();
        // Scored and published from the same bytes, whatever happens to the file meanwhile.
        this.challengerBytes = ModelFiles.read(challenger, loader.maxModelBytes());
        Files.createDirectories(stateDir);
        this.state = DecisionAdaptState.loadOrFresh(stateDir, digest(challengerBytes), ruleName, every, minDecisions);
        if (loop != null && state.loop() != null && !state.loop().equals(loop)) {
            throw new IOException(stateDir.resolve(DecisionAdaptState.FILE_NAME) + " follows loop '" + state.loop()
                    + "', not '" + loop + "'; move it aside to start afresh");
        }
        this.follower = new DecisionLogFollower(logDir, state.nextSequence());
        PolicyChallenge challenge = PolicyChallenge.builder().z(z).minDecisions(minDecisions).checkEvery(every).build();
        this.evaluation = new ShadowEvaluation(loader.load(OnnxModel.parse(challenger, challengerBytes)), rule, challenge);
        try {
            if (state.evidence().length > 0) {
                evaluation.readFrom(new DataInputStream(new ByteArrayInputStream(state.evidence())));
            }
        } catch (IOException e) {
            evaluation.close();
            throw new IOException(stateDir.resolve(DecisionAdaptState.FILE_NAME) + ": " + e.getMessage()
                    + " (the file is damaged); move it aside to start afresh", e);
        }
    }

    /**
     * Reads what the log holds now, scoring each decision whose outcome arrives, and saves the state;
     * publishes the challenger at the round it wins.
     *
     * @return whether a record was read
     * @throws IllegalArgumentException naming the log and the decision the challenger cannot score;
     *                                  nothing of this step is saved, and this object is not to be
     *                                  stepped again (open a new one, from the saved state)
     * @throws UncheckedIOException     when the log cannot be read
     */
    public boolean step() throws IOException {
        if (state.promoted()) {
            return false;
        }
        DecisionLogFollower.Poll poll = follower.poll(this::accept);
        waitingOnTail = poll.waitingOnTail();
        for (String note : poll.notes()) {
            listener.note(evaluation.challenge().decisions(), note);
        }
        if (poll.records() == 0) {
            return false;
        }
        if (!state.promoted()) {
            // Once per read, not per record; the promotion saved its own state, at its decision.
            save();
        }
        return true;
    }

    private void accept(LogRecord r) {
        if (state.promoted()) {
            return;
        }
        sequence = r.sequence();
        switch (r) {
            case LogRecord.Decision d -> decision(d);
            case LogRecord.Outcome o -> outcome(o);
        }
    }

    private void decision(LogRecord.Decision d) {
        String loop = chosenLoop != null ? chosenLoop : state.loop();
        if (loop == null) {
            state.loop(d.loop());
        } else if (!loop.equals(d.loop())) {
            if (chosenLoop == null) {
                throw new IllegalArgumentException("decision log " + logDir + ": decision " + d.decisionId() + " is of loop '"
                        + d.loop() + "', earlier ones of '" + loop + "'; choose one (--loop)");
            }
            return;
        }
        if (chosenLoop != null && state.loop() == null) {
            state.loop(chosenLoop);
        }
        float p = d.propensity();
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("decision log " + logDir + ": decision " + d.decisionId() + " has propensity "
                    + p + ", outside (0, 1] (was exploration logged?)");
        }
        if (d.features().length != evaluation.featureCount()) {
            throw new IllegalArgumentException("decision log " + logDir + ": decision " + d.decisionId() + " has "
                    + d.features().length + " features; " + challenger + " takes " + evaluation.featureCount());
        }
        if (d.action() < 0 || d.action() >= evaluation.actionCount()) {
            throw new IllegalArgumentException("decision log " + logDir + ": decision " + d.decisionId() + " took action "
                    + d.action() + "; " + challenger + " scores " + evaluation.actionCount() + " actions");
        }
        state.await(d.decisionId(), new DecisionAdaptState.Pending(d.action(), p, d.features()), maxPending);
    }

    private void outcome(LogRecord.Outcome o) {
        DecisionAdaptState.Pending p = state.outcome(o.decisionId());
        if (p == null) {
            return;
        }
        if (!Float.isFinite(o.reward())) {
            throw new IllegalArgumentException("decision log " + logDir + ": outcome " + o.sequence() + " of decision "
                    + o.decisionId() + " has reward " + o.reward());
        }
        boolean won = evaluation.record(p.features(), p.action(), p.propensity(), o.reward());
        long n = evaluation.challenge().decisions();
        if (n % every != 0) {
            return;
        }
        state.roundRan();
        if (won) {
            try {
                ModelFiles.writeAtomically(modelOut, challengerBytes, OnnxModelWriter.DEFAULT_PERMISSIONS);
                state.promoted(n);
                save();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot publish " + challenger + " to " + modelOut + ": " + e.getMessage(), e);
            }
        }
        listener.round(round(n, won));
    }

    private Round round(long n, boolean won) {
        PolicyChallenge c = evaluation.challenge();
        double z = c.z();
        double value = c.challenger().dr();
        double half = c.challenger().drHalfWidth(z);
        double incumbent = c.incumbentMean();
        double incumbentHalf = c.incumbentHalfWidth();
        String reason;
        if (n < minDecisions) {
            reason = String.format(Locale.ROOT, "too little data: %,d of the %,d decisions required", n, minDecisions);
        } else if (won) {
            reason = String.format(Locale.ROOT, "the challenger's lower bound %.4f is above the incumbent's upper bound %.4f;"
                    + " published to %s", value - half, incumbent + incumbentHalf, modelOut);
        } else {
            reason = String.format(Locale.ROOT, "the challenger's lower bound %.4f is not above the incumbent's upper bound %.4f",
                    value - half, incumbent + incumbentHalf);
        }
        return new Round(n, sequence, value, value - half, value + half, c.challenger().ips(), c.challenger().snips(),
                incumbent, incumbent - incumbentHalf, incumbent + incumbentHalf, won, reason);
    }

    private void save() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        evaluation.writeTo(new DataOutputStream(bytes));
        state.evidence(bytes.toByteArray());
        state.nextSequence(state.promoted() ? sequence + 1 : follower.position());
        state.save(stateDir);
    }

    public DecisionAdaptState state() {
        return state;
    }

    /** The evidence so far. */
    public PolicyChallenge challenge() {
        return evaluation.challenge();
    }

    /** Whether the last step ended at bytes that make no record yet (a record being written, or a torn tail): waited on. */
    public boolean waitingOnTail() {
        return waitingOnTail;
    }

    /** The sequence a poll would read next. */
    public long position() {
        return follower.position();
    }

    @Override
    public void close() {
        evaluation.close();
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
