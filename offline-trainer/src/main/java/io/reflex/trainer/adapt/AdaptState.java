package io.reflex.trainer.adapt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code adapt} keeps between runs, in one file ({@value #FILE_NAME} in the state directory) so
 * that the log position and the window it fed are always saved together: a run that stops anywhere
 * resumes with every line either in the window or still to read, never both, never neither.
 *
 * <p>Layout (big-endian, {@link java.io.DataOutput}): the magic {@code RFXADAPT}, a version (u32,
 * 1), the log position (the file identity as modified UTF-8 with a presence byte, the byte offset,
 * the line, the CRC-32C of the file's start), the counters (requests at the last round, rounds, promotions, malformed lines; u64
 * each), the window ({@link RequestWindow}'s count added, count held, then 32 bytes a request,
 * oldest first), and a CRC-32C of everything before it (u32), in {@code CheckedStateFile}'s
 * envelope: written to a temporary file, forced to disk and renamed over the old one, so a crash
 * leaves the old state or the new, whole.
 *
 * <p>Mutable and not thread-safe; the follower's thread owns it.
 */
public final class AdaptState {

    /** The state file's name inside the state directory. */
    public static final String FILE_NAME = "adapt-state.bin";

    private static final long MAGIC = 0x5246584144415054L; // "RFXADAPT"
    private static final int VERSION = 1;

    private LogFollower.Position position;
    private final RequestWindow window;
    private long requestsAtLastRound;
    private long rounds;
    private long promotions;
    private long malformed;

    private AdaptState(LogFollower.Position position, RequestWindow window) {
        this.position = position;
        this.window = window;
    }

    /** A fresh state: the log from its start, an empty window. */
    public static AdaptState fresh(int windowCapacity) {
        return new AdaptState(LogFollower.Position.START, new RequestWindow(windowCapacity));
    }

    /**
     * The state saved in {@code dir}, or a fresh one when there is none.
     *
     * @throws IOException naming the file when it is there but damaged or of another version: it is
     *                     never replaced silently (move it aside to start afresh)
     */
    public static AdaptState loadOrFresh(Path dir, int windowCapacity) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return fresh(windowCapacity);
        }
        return CheckedStateFile.load(file, MAGIC, VERSION, "an adapt state file", in -> {
            String id = in.readBoolean() ? in.readUTF() : null;
            LogFollower.Position position = new LogFollower.Position(id, in.readLong(), in.readLong(), in.readInt());
            long atLastRound = in.readLong();
            long rounds = in.readLong();
            long promotions = in.readLong();
            long malformed = in.readLong();
            RequestWindow window = RequestWindow.readFrom(in, windowCapacity);
            AdaptState s = new AdaptState(position, window);
            s.requestsAtLastRound = atLastRound;
            s.rounds = rounds;
            s.promotions = promotions;
            s.malformed = malformed;
            return s;
        });
    }

    /** Writes this state to {@code dir} atomically (temporary file, force, rename). */
    public void save(Path dir) throws IOException {
        CheckedStateFile.save(dir.resolve(FILE_NAME), MAGIC, VERSION, out -> {
            out.writeBoolean(position.fileId() != null);
            if (position.fileId() != null) {
                out.writeUTF(position.fileId());
            }
            out.writeLong(position.offset());
            out.writeLong(position.line());
            out.writeInt(position.head());
            out.writeLong(requestsAtLastRound);
            out.writeLong(rounds);
            out.writeLong(promotions);
            out.writeLong(malformed);
            window.writeTo(out);
        });
    }

    public LogFollower.Position position() {
        return position;
    }

    public void position(LogFollower.Position at) {
        this.position = Objects.requireNonNull(at, "position");
    }

    public RequestWindow window() {
        return window;
    }

    /** Requests added to the window when the last round ran (0 before any). */
    public long requestsAtLastRound() {
        return requestsAtLastRound;
    }

    /** Records a round run now, and whether it promoted its model. */
    public void roundRan(boolean promoted) {
        requestsAtLastRound = window.added();
        rounds++;
        if (promoted) {
            promotions++;
        }
    }

    /** Records a round that was due but could not train (the window gave nothing to learn from). */
    public void roundSkipped() {
        requestsAtLastRound = window.added();
    }

    public long rounds() {
        return rounds;
    }

    public long promotions() {
        return promotions;
    }

    public long malformed() {
        return malformed;
    }

    public void addMalformed(long lines) {
        malformed += lines;
    }
}
