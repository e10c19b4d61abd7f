package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;

/**
 * {@code cache2k}: the cache2k benchmark traces' binary layout.
 * <pre>
 * record (4 bytes, repeated to the end of the file, no header):
 *   offset 0  int32 key, big-endian
 * </pre>
 * No times, sizes, TTLs or RTTs. A trailing partial record is malformed. Stateless and thread-safe.
 */
public final class Cache2kTraceReader implements TraceReader {

    /** Bytes per record. */
    public static final int RECORD_BYTES = 4;

    @Override
    public void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException {
        BinaryRecords.read(in, RECORD_BYTES, ByteOrder.BIG_ENDIAN, errors, (buffer, record, offset) ->
                sink.request(buffer.getInt(), RequestSink.NO_TIME, RequestSink.NO_SIZE, RequestSink.NO_TTL,
                        RequestSink.NO_RTT));
    }
}
