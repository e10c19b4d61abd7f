package io.reflex.engine.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Appends decisions and outcomes to a segmented, checksummed log (layout in {@code LogFormat}'s
 * Javadoc) without ever blocking the deciding thread.
 *
 * <p>Deciding threads copy a record into a preallocated ring of fixed-size slots (a CAS claims the
 * next sequence number, a release store publishes it); a single writer thread drains the ring in
 * sequence order, frames each record (magic, length, sequence) and checksums it with CRC32C, writes
 * batches to the current segment, and
 * rotates segments by size. When the ring is full a record is dropped and counted
 * ({@link #dropped()}), never silently lost and never waited for. {@link #flushedSequence()} and the
 * flush listener report what has reached the operating system (or the disk, with
 * {@link Durability#FSYNC}): after a process crash every record so reported is read back.
 *
 * <p>Thread-safe: any number of threads may append through {@link LoopLog}s. Appending allocates
 * nothing.
 */
public final class DecisionLogWriter implements AutoCloseable {

    /** When a written batch counts as flushed. */
    public enum Durability {
        /** Handed to the operating system: survives a crash of the process, not of the machine. */
        OS,
        /** Forced to the device after each batch: survives a machine crash, costs a sync per batch. */
        FSYNC
    }

    /** The bit of {@link #head} that close sets (sequences never reach it). */
    private static final long CLOSED = Long.MIN_VALUE;
    private static final System.Logger LOG = System.getLogger(DecisionLogWriter.class.getName());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final int capacity;
    private final int slotBytes;
    private final int maxFeatures;
    private final long segmentBytes;
    private final Durability durability;
    private final LongConsumer onFlushed;
    private final long epochOffsetNanos;

    private final byte[] ring;
    private final int[] lengths;
    private final AtomicLongArray published;
    /**
     * The next sequence to claim, with {@link #CLOSED} set once close has begun. Closing is part of
     * the word every claim CASes, so a claim either lands before close (and close's writer drains
     * it) or sees the bit and is refused: no append can slip between a check and its claim.
     */
    private final AtomicLong head;
    private volatile long tail;
    private volatile long flushed;
    private final LongAdder dropped = new LongAdder();
    private final long firstSequence;

    private final Thread writer;
    private volatile Throwable failure;

    // Writer-thread state.
    private FileChannel channel;
    private long segmentPosition;
    private final ByteBuffer batch;
    private final CRC32C crc = new CRC32C();

    private DecisionLogWriter(Builder b) {
        this.dir = b.dir;
        this.capacity = b.capacity;
        this.maxFeatures = b.maxFeatures;
        this.slotBytes = LogFormat.DECISION_FIXED_BYTES + LogFormat.MAX_LOOP_NAME_BYTES + 4 * maxFeatures;
        this.segmentBytes = b.segmentBytes;
        this.durability = b.durability;
        this.onFlushed = b.onFlushed;
        this.epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        this.ring = new byte[Math.multiplyExact(capacity, slotBytes)];
        this.lengths = new int[capacity];
        this.published = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            published.set(i, -1);
        }
        this.batch = ByteBuffer.allocateDirect(Math.max(1 << 18, 4 * (slotBytes + LogFormat.RECORD_HEADER_BYTES)))
                .order(ByteOrder.LITTLE_ENDIAN);

        long next = recover();
        this.firstSequence = next;
        this.head = new AtomicLong(next);
        this.tail = next;
        this.flushed = next - 1;
        openSegment(next);
        this.writer = Thread.ofPlatform().daemon().name("reflex-decision-log").unstarted(this::drainLoop);
        writer.start();
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** An appender for one decision loop; its name is encoded once, here. */
    public LoopLog forLoop(String loop) {
        return new LoopLog(loop);
    }

    /** The sequence this writer started at (the first record it appends gets it). */
    public long firstSequence() {
        return firstSequence;
    }

    /** The last sequence number known to be written (or synced, with FSYNC); firstSequence - 1 if none. */
    public long flushedSequence() {
        return flushed;
    }

    /** Records dropped because the ring was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Records accepted into the ring so far. */
    public long appended() {
        return (head.get() & ~CLOSED) - firstSequence;
    }

    /** Drains what is queued, writes and syncs it, and closes the segment. */
    @Override
    public void close() {
        long h = head.get();
        while ((h & CLOSED) == 0 && !head.compareAndSet(h, h | CLOSED)) {
            h = head.get();
        }
        if ((h & CLOSED) != 0) {
            return;
        }
        // Every sequence below h was claimed before the bit was set; its claimant publishes it
        // (nothing between a claim and its publish can fail), and the writer drains up to h.
        LockSupport.unpark(writer);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure;
        if (f != null) {
            throw new UncheckedIOException("decision log " + dir + " failed", f instanceof IOException io ? io : new IOException(f));
        }
    }

    /**
     * Appends records for one loop. Thread-safe; allocation-free.
     */
    public final class LoopLog {
        private final byte[] name;

        private LoopLog(String loop) {
            this.name = Objects.requireNonNull(loop, "loop").getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > LogFormat.MAX_LOOP_NAME_BYTES) {
                throw new IllegalArgumentException("loop name must be 1.." + LogFormat.MAX_LOOP_NAME_BYTES
                        + " UTF-8 bytes, got " + name.length);
            }
        }

        /**
         * Logs a decision.
         *
         * @param modelVersion the deciding model version's sequence (0 for the fallback)
         * @param features     the policy input; the first {@code featureCount} values are logged
         * @return the decision's id (to attach an outcome), or -1 if the record was dropped
         */
        public long decision(long modelVersion, float[] features, int featureCount, int action, float propensity) {
            if (featureCount < 0 || featureCount > maxFeatures || featureCount > features.length) {
                throw new IllegalArgumentException("feature count " + featureCount + " is outside [0, "
                        + Math.min(maxFeatures, features.length) + "]");
            }
            long seq = claim();
            if (seq < 0) {
                return -1;
            }
            int slot = (int) (seq % capacity);
            int p = slot * slotBytes;
            byte[] r = ring;
            header(r, p, LogFormat.DECISION, seq);
            LONG.set(r, p + LogFormat.DECISION_MODEL, modelVersion);
            INT.set(r, p + LogFormat.DECISION_ACTION, action);
            INT.set(r, p + LogFormat.DECISION_PROPENSITY, Float.floatToRawIntBits(propensity));
            SHORT.set(r, p + LogFormat.DECISION_NAME_LENGTH, (short) name.length);
            System.arraycopy(name, 0, r, p + LogFormat.DECISION_NAME, name.length);
            int q = p + LogFormat.DECISION_NAME + name.length;
            SHORT.set(r, q, (short) featureCount);
            q += 2;
            for (int i = 0; i < featureCount; i++) {
                INT.set(r, q + 4 * i, Float.floatToRawIntBits(features[i]));
            }
            publish(slot, seq, q + 4 * featureCount - p);
            return seq;
        }

        /**
         * Logs an outcome (a reward) for an earlier decision.
         *
         * @return the record's sequence, or -1 if it was dropped
         */
        public long outcome(long decisionId, float reward) {
            long seq = claim();
            if (seq < 0) {
                return -1;
            }
            int slot = (int) (seq % capacity);
            int p = slot * slotBytes;
            byte[] r = ring;
            header(r, p, LogFormat.OUTCOME, decisionId);
            INT.set(r, p + LogFormat.OUTCOME_REWARD, Float.floatToRawIntBits(reward));
            publish(slot, seq, LogFormat.OUTCOME_PAYLOAD_BYTES);
            return seq;
        }
    }

    /**
     * Claims the next sequence, or returns -1 (counted as dropped) when the ring is full. A successful
     * claim must be followed by {@link #publish}: {@link #close()} has the writer drain every sequence
     * claimed before it, so a record claimed before close is always written.
     *
     * @throws IllegalStateException once close has begun
     */
    private long claim() {
        for (;;) {
            long h = head.get();
            if ((h & CLOSED) != 0) {
                throw new IllegalStateException("decision log " + dir + " is closed");
            }
            if (h - tail >= capacity) {
                dropped.increment();
                return -1;
            }
            if (head.compareAndSet(h, h + 1)) {
                return h;
            }
        }
    }

    private void publish(int slot, long seq, int length) {
        lengths[slot] = length;
        published.setRelease(slot, seq);
    }

    /** The payload's common start: record version, type, the decision id, and the time. */
    private void header(byte[] r, int p, byte type, long decisionId) {
        r[p + LogFormat.PAYLOAD_VERSION] = LogFormat.RECORD_VERSION;
        r[p + LogFormat.PAYLOAD_TYPE] = type;
        LONG.set(r, p + LogFormat.ID, decisionId);
        LONG.set(r, p + LogFormat.MICROS, nowMicros());
    }

    private long nowMicros() {
        return (System.nanoTime() + epochOffsetNanos) / 1_000;
    }

    // ---- writer thread ----

    private void drainLoop() {
        try {
            for (;;) {
                long t = tail;
                long start = t;
                while (published.getAcquire((int) (t % capacity)) == t) {
                    int slot = (int) (t % capacity);
                    int length = lengths[slot];
                    int recordBytes = LogFormat.RECORD_HEADER_BYTES + length;
                    if (segmentPosition + batch.position() + recordBytes > segmentBytes
                            && segmentPosition + batch.position() > LogFormat.HEADER_BYTES) {
                        tail = t;
                        writeBatch(t);
                        rotate(t);
                    } else if (batch.remaining() < recordBytes) {
                        tail = t;
                        writeBatch(t);
                    }
                    frame(t, slot, length);
                    t++;
                }
                if (t != start || batch.position() > 0) {
                    // The slots are copied: producers may reuse them before the write completes.
                    tail = t;
                    writeBatch(t);
                } else if (head.get() == (t | CLOSED)) {
                    break;
                } else {
                    LockSupport.parkNanos(50_000);
                }
            }
            channel.force(false);
            channel.close();
        } catch (IOException | RuntimeException e) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "decision log writer for " + dir + " stopped", e);
        }
    }

    /** Appends record {@code sequence} from its slot to the batch, framed and checksummed. */
    private void frame(long sequence, int slot, int length) {
        int start = batch.position();
        batch.putInt(LogFormat.RECORD_MAGIC).putInt(0).putInt(length).putLong(sequence)
                .put(ring, slot * slotBytes, length);
        int end = batch.position();
        // The CRC covers the length, the sequence and the payload: everything after the CRC field.
        batch.limit(end).position(start + LogFormat.RECORD_LENGTH);
        crc.reset();
        crc.update(batch);
        batch.limit(batch.capacity());
        batch.putInt(start + LogFormat.RECORD_CRC, (int) crc.getValue());
    }

    private void writeBatch(long nextSequence) throws IOException {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        while (batch.hasRemaining()) {
            segmentPosition += channel.write(batch);
        }
        batch.clear();
        if (durability == Durability.FSYNC) {
            channel.force(false);
        }
        flushed = nextSequence - 1;
        onFlushed.accept(nextSequence - 1);
    }

    private void rotate(long firstSequenceOfNext) throws IOException {
        if (durability == Durability.FSYNC) {
            channel.force(false);
        }
        channel.close();
        openSegment(firstSequenceOfNext);
    }

    private void openSegment(long first) {
        Path file = dir.resolve(LogFormat.segmentName(first));
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            ByteBuffer h = LogFormat.header(first);
            while (h.hasRemaining()) {
                channel.write(h);
            }
            segmentPosition = LogFormat.HEADER_BYTES;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create decision log segment " + file, e);
        }
    }

    /**
     * Finds where to resume: one past the last valid record. A last segment without a valid record
     * (created just before a crash) holds nothing to keep and is replaced.
     */
    private long recover() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create decision log directory " + dir, e);
        }
        List<Path> segments = DecisionLogReader.segments(dir);
        if (segments.isEmpty()) {
            return 0;
        }
        DecisionLogReader reader = DecisionLogReader.open(dir);
        reader.forEach(r -> { });
        long next = reader.nextSequence();
        Path reuse = dir.resolve(LogFormat.segmentName(next));
        if (Files.exists(reuse)) {
            try {
                LOG.log(System.Logger.Level.WARNING, "replacing {0}: it holds no valid record", reuse);
                Files.delete(reuse);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replace empty decision log segment " + reuse, e);
            }
        }
        return next;
    }

    /** Validated settings. */
    public static final class Builder {
        private final Path dir;
        private int capacity = 1 << 14;
        private int maxFeatures = 256;
        private long segmentBytes = 64L << 20;
        private Durability durability = Durability.OS;
        private LongConsumer onFlushed = s -> { };

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Records the ring holds before appends are dropped (default 16384). */
        public Builder capacity(int records) {
            if (records < 2 || records > 1 << 24) {
                throw new IllegalArgumentException("capacity must be in [2, 16777216] records, got " + records);
            }
            this.capacity = records;
            return this;
        }

        /** The most features one decision may carry (default 256); sizes the ring's slots. */
        public Builder maxFeatures(int features) {
            if (features < 0 || features > 65_535) {
                throw new IllegalArgumentException("max features must be in [0, 65535], got " + features);
            }
            this.maxFeatures = features;
            return this;
        }

        /** Segment size at which the writer starts a new segment (default 64 MiB; readers map a segment whole). */
        public Builder segmentBytes(long bytes) {
            if (bytes < 4096 || bytes > 1L << 30) {
                throw new IllegalArgumentException("segment size must be in [4096, 1073741824] bytes, got " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** Called on the writer thread with the last flushed sequence after each write. */
        public Builder onFlushed(LongConsumer listener) {
            this.onFlushed = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public DecisionLogWriter open() {
            return new DecisionLogWriter(this);
        }
    }
}
