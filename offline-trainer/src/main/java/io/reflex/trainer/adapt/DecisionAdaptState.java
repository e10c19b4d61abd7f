package io.reflex.trainer.adapt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code adapt --decision-log} keeps between runs, in one file ({@value #FILE_NAME} in the
 * state directory), so that the log position, the evidence it fed and the decisions still awaiting
 * their outcome are always saved together: a restart resumes with every record either counted or
 * still to read, never both.
 *
 * <p>Layout, in {@code CheckedStateFile}'s envelope (magic {@code RFXDADPT}, version 2, CRC-32C):
 * the challenger's SHA-256 and its rule (modified UTF-8), the checks' schedule ({@code --every} and
 * {@code --min-decisions}, u32 each: the evidence's verdicts depend on where the checks fell), the loop (a presence byte, then UTF-8),
 * the next log sequence, the counters (decisions read, outcomes read, outcomes matching no pending
 * decision, decisions given up without an outcome, rounds; u64 each), the promotion (a flag and
 * the decision count it came at), the evidence ({@code ShadowEvaluation}'s bytes, u32 length
 * first), and the pending decisions (u32 count, then each: id u64, action u32, propensity f32,
 * feature count u16, features f32), oldest first.
 *
 * <p>Mutable and not thread-safe; the adaptation's thread owns it.
 */
public final class DecisionAdaptState {

    /** The state file's name inside the state directory. */
    public static final String FILE_NAME = "decision-adapt-state.bin";

    private static final long MAGIC = 0x5246584441445054L; // "RFXDADPT"
    private static final int VERSION = 2;

    /** A decision awaiting its outcome. */
    record Pending(int action, float propensity, float[] features) {
    }

    private final String challengerDigest;
    private final String rule;
    /** Scored decisions between checks, and before the first: where the verdicts fall. */
    private final int every;
    private final int minDecisions;
    private String loop;
    private long nextSequence;
    private long decisions;
    private long outcomes;
    private long unmatchedOutcomes;
    private long withoutOutcome;
    private long rounds;
    private boolean promoted;
    private long promotedAt;
    private byte[] evidence;
    private final LinkedHashMap<Long, Pending> pending;

    private DecisionAdaptState(String challengerDigest, String rule, int every, int minDecisions,
                               LinkedHashMap<Long, Pending> pending) {
        this.challengerDigest = challengerDigest;
        this.rule = rule;
        this.every = every;
        this.minDecisions = minDecisions;
        this.pending = pending;
    }

    /**
     * A fresh state: the log from its start, no evidence.
     *
     * @param every        scored decisions between checks ({@code --every})
     * @param minDecisions scored decisions before the first ({@code --min-decisions})
     */
    public static DecisionAdaptState fresh(String challengerDigest, String rule, int every, int minDecisions) {
        return new DecisionAdaptState(Objects.requireNonNull(challengerDigest), Objects.requireNonNull(rule), every,
                minDecisions, new LinkedHashMap<>());
    }

    /**
     * The state saved in {@code dir}, or a fresh one when there is none.
     *
     * @throws IOException naming the file when it is damaged, of another version, or holds the
     *                     evidence of another challenger or rule, or checked on another schedule
     *                     (a restart with other values would check at other points than one pass):
     *                     it is never replaced silently
     */
    public static DecisionAdaptState loadOrFresh(Path dir, String challengerDigest, String rule, int every,
                                                 int minDecisions) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return fresh(challengerDigest, rule, every, minDecisions);
        }
        DecisionAdaptState s = CheckedStateFile.load(file, MAGIC, VERSION, "a decision adapt state file", in -> {
            DecisionAdaptState r = new DecisionAdaptState(in.readUTF(), in.readUTF(), in.readInt(), in.readInt(),
                    new LinkedHashMap<>());
            r.loop = in.readBoolean() ? in.readUTF() : null;
            r.nextSequence = in.readLong();
            r.decisions = in.readLong();
            r.outcomes = in.readLong();
            r.unmatchedOutcomes = in.readLong();
            r.withoutOutcome = in.readLong();
            r.rounds = in.readLong();
            r.promoted = in.readBoolean();
            r.promotedAt = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > 1 << 26) {
                throw new IOException("evidence of " + n + " bytes");
            }
            r.evidence = new byte[n];
            in.readFully(r.evidence);
            int count = in.readInt();
            if (count < 0 || r.nextSequence < 0 || r.decisions < 0 || r.outcomes < 0) {
                throw new IOException("negative counts: " + count + " pending, next sequence " + r.nextSequence);
            }
            for (int i = 0; i < count; i++) {
                long id = in.readLong();
                int action = in.readInt();
                float propensity = in.readFloat();
                int width = Short.toUnsignedInt(in.readShort());
                float[] x = new float[width];
                for (int j = 0; j < width; j++) {
                    x[j] = in.readFloat();
                }
                r.pending.put(id, new Pending(action, propensity, x));
            }
            return r;
        });
        if (!s.challengerDigest.equals(challengerDigest) || !s.rule.equals(rule)) {
            throw new IOException(file + " holds the evidence for challenger " + s.challengerDigest + " under rule "
                    + s.rule + ", not " + challengerDigest + " under " + rule + "; move it aside to start afresh");
        }
        if (s.every != every || s.minDecisions != minDecisions) {
            throw new IOException(file + " holds evidence checked every " + s.every + " decisions from "
                    + s.minDecisions + ", not every " + every + " from " + minDecisions + "; pass --every " + s.every
                    + " --min-decisions " + s.minDecisions + ", or move it aside to start afresh");
        }
        return s;
    }

    /** Writes this state to {@code dir} atomically (temporary file, force, rename). */
    public void save(Path dir) throws IOException {
        CheckedStateFile.save(dir.resolve(FILE_NAME), MAGIC, VERSION, out -> {
            out.writeUTF(challengerDigest);
            out.writeUTF(rule);
            out.writeInt(every);
            out.writeInt(minDecisions);
            out.writeBoolean(loop != null);
            if (loop != null) {
                out.writeUTF(loop);
            }
            out.writeLong(nextSequence);
            out.writeLong(decisions);
            out.writeLong(outcomes);
            out.writeLong(unmatchedOutcomes);
            out.writeLong(withoutOutcome);
            out.writeLong(rounds);
            out.writeBoolean(promoted);
            out.writeLong(promotedAt);
            byte[] e = evidence == null ? new byte[0] : evidence;
            out.writeInt(e.length);
            out.write(e);
            out.writeInt(pending.size());
            for (Map.Entry<Long, Pending> p : pending.entrySet()) {
                out.writeLong(p.getKey());
                out.writeInt(p.getValue().action());
                out.writeFloat(p.getValue().propensity());
                float[] x = p.getValue().features();
                out.writeShort(x.length);
                for (float f : x) {
                    out.writeFloat(f);
                }
            }
        });
    }

    /** The loop followed (null until the first decision, unless chosen). */
    public String loop() {
        return loop;
    }

    void loop(String name) {
        this.loop = name;
    }

    /** The first log sequence not yet read. */
    public long nextSequence() {
        return nextSequence;
    }

    void nextSequence(long sequence) {
        this.nextSequence = sequence;
    }

    /** The evidence's bytes, as {@code ShadowEvaluation.writeTo} wrote them (empty before any). */
    byte[] evidence() {
        return evidence == null ? new byte[0] : evidence;
    }

    void evidence(byte[] bytes) {
        this.evidence = bytes;
    }

    /** Adds a decision awaiting its outcome; beyond {@code max} pending, the oldest is given up. */
    void await(long id, Pending p, int max) {
        decisions++;
        pending.put(id, p);
        if (pending.size() > max) {
            Iterator<Long> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
            withoutOutcome++;
        }
    }

    /** The pending decision an outcome names, removed; null (counted) when none is pending. */
    Pending outcome(long decisionId) {
        outcomes++;
        Pending p = pending.remove(decisionId);
        if (p == null) {
            unmatchedOutcomes++;
        }
        return p;
    }

    void roundRan() {
        rounds++;
    }

    void promoted(long atDecision) {
        promoted = true;
        promotedAt = atDecision;
    }

    /** Decisions of the loop read. */
    public long decisions() {
        return decisions;
    }

    /** Outcomes read. */
    public long outcomes() {
        return outcomes;
    }

    /** Outcomes naming no pending decision: another loop's, a repeat, or one given up. */
    public long unmatchedOutcomes() {
        return unmatchedOutcomes;
    }

    /** Decisions given up without an outcome (more than the pending limit came after them). */
    public long withoutOutcome() {
        return withoutOutcome;
    }

    /** Decisions awaiting their outcome. */
    public int pending() {
        return pending.size();
    }

    public long rounds() {
        return rounds;
    }

    /** Whether the challenger was promoted (the evaluation is then over). */
    public boolean promoted() {
        return promoted;
    }

    /** Decisions scored when it was promoted (0 before). */
    public long promotedAt() {
        return promotedAt;
    }
}
