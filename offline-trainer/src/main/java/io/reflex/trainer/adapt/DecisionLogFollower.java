package io.reflex.trainer.adapt;

import io.reflex.engine.log.DecisionLogReader;
import io.reflex.engine.log.LogDamage;
import io.reflex.engine.log.LogRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows a growing decision log (the engine's segmented format) from a position, a log sequence,
 * with the engine's own {@link DecisionLogReader} (the reader {@code log verify} uses): each
 * {@link #poll} delivers the records written since the last, new segments included, and moves the
 * position past them.
 *
 * <p>Bytes at the end of the last segment that make no record yet (a record the writer is still
 * writing, or a crash's torn tail) are waited on: not delivered, not reported, read again by the
 * next poll. Once a later segment exists the reader settles them: a torn tail when the later
 * segment continues the sequence (a writer that crashed and restarted), corruption when records are
 * missing; either is reported once as a note, and the records after it are delivered.
 *
 * <p>Not thread-safe; allocates per poll (the records delivered).
 */
public final class DecisionLogFollower {

    /**
     * What a poll read.
     *
     * @param records      records delivered
     * @param notes        damage found, one line each, each reported once
     * @param waitingOnTail whether the log ends in bytes that make no record yet
     */
    public record Poll(long records, List<String> notes, boolean waitingOnTail) {
    }

    private final DecisionLogReader reader;
    private final Set<String> reported = new HashSet<>();
    private long position;

    /**
     * @param dir  the log directory (it must exist)
     * @param from the first sequence to deliver
     * @throws java.io.UncheckedIOException when the directory is missing
     */
    public DecisionLogFollower(Path dir, long from) {
        this.reader = DecisionLogReader.open(dir).onDamage(d -> { });
        this.position = from;
    }

    /** Delivers the records from the position on, in sequence order, and moves the position past them. */
    public Poll poll(Consumer<LogRecord> sink) {
        reader.from(position).forEach(sink);
        List<LogDamage> damage = reader.damage();
        boolean waiting = reader.endsInOpenTail();
        int settled = waiting ? damage.size() - 1 : damage.size();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < settled; i++) {
            String line = damage.get(i).describe();
            // The segment holding the position is read again by the next poll, its damage with it.
            if (reported.add(line)) {
                notes.add(line);
            }
        }
        position = reader.nextSequence();
        return new Poll(reader.records(), notes, waiting);
    }

    /** The first sequence the next poll delivers. */
    public long position() {
        return position;
    }
}
