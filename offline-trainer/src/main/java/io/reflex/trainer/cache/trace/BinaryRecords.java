package io.reflex.trainer.cache.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads fixed-size binary records in blocks and hands each whole one to a handler; a trailing partial
 * record is reported as malformed (truncated). Shared by the binary readers. Stateless.
 */
final class BinaryRecords {

    /** Handles one record at the buffer's position (the handler must consume exactly one record). */
    @FunctionalInterface
    interface RecordHandler {
        void record(ByteBuffer buffer, long recordNumber, long offset) throws IOException;
    }

    private BinaryRecords() {
    }

    static void read(InputStream in, int recordSize, ByteOrder order, ParseErrors errors, RecordHandler handler)
            throws IOException {
        byte[] block = new byte[recordSize * 8192];
        ByteBuffer buffer = ByteBuffer.wrap(block).order(order);
        int filled = 0;
        long record = 0;
        while (true) {
            int n = in.read(block, filled, block.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
            int whole = filled / recordSize * recordSize;
            for (int p = 0; p < whole; p += recordSize) {
                buffer.position(p);
                record++;
                handler.record(buffer, record, (record - 1) * recordSize);
            }
            System.arraycopy(block, whole, block, 0, filled - whole);
            filled -= whole;
        }
        if (filled > 0) {
            errors.malformedRecord(record + 1, record * recordSize,
                    "truncated record: " + filled + " of " + recordSize + " bytes at the end of the file");
        }
    }
}
