package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.RequestSink;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one trace format: turns a (decompressed, buffered) byte stream into requests, in order,
 * reporting malformed lines or records to {@link ParseErrors}. Implementations are stateless and
 * thread-safe; one call reads one stream.
 */
public interface TraceReader {

    /**
     * @param in     the trace's bytes, already decompressed
     * @param sink   receives each well-formed request
     * @param errors where malformed input goes (throws in strict mode)
     */
    void read(InputStream in, RequestSink sink, ParseErrors errors) throws IOException;
}
