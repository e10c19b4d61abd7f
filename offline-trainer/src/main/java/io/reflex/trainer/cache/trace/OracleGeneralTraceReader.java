package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;

/**
 * {@code oracle-general}: libCacheSim's {@code oracleGeneral} binary layout.
 * <pre>
 * record (24 bytes, little-endian, repeated to the end of the file, no header):
 *   offset  0  uint32 time              seconds
 *   offset  4  uint64 id                object id
 *   offset 12  uint32 size              bytes (0 counts as 1)
 *   offset 16  int64  next_access_vtime index of the next request for id, -1 if none
 * </pre>
 * {@code next_access_vtime} is read and checked ({@code >= -1}) but not trusted: the simulator
 * computes the future from the requests themselves. A trailing partial record, or a
 * {@code next_access_vtime} below -1, is malformed. Stateless and thread-safe.
 */
public final class OracleGeneralTraceReader implements TraceReader {

    /** Bytes per record. */
    public static final int RECORD_BYTES = 24;

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BinaryRecords.read(in, RECORD_BYTES, ByteOrder.LITTLE_ENDIAN, errors, (buffer, record, offset) -> {
            long time = buffer.getInt() & 0xFFFF_FFFFL;
            long id = buffer.getLong();
            long size = buffer.getInt() & 0xFFFF_FFFFL;
            long next = buffer.getLong();
            if (next < -1) {
                errors.malformedRecord(record, offset, "next_access_vtime " + next + " is below -1");
                return;
            }
            sink.request(id, time, size, RequestSink.NO_TTL, RequestSink.NO_RTT);
        });
    }
}
