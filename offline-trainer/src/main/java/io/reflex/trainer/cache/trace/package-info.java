/**
 * Trace readers, one per format: {@link io.reflex.trainer.cache.trace.TraceFormat} names the formats
 * {@code --format} accepts (csv, nginx access logs, lirs, adaptsize, cache2k, libCacheSim's
 * oracle-general) and reads a file of any of them into a {@link io.reflex.trainer.cache.Trace},
 * decompressing by extension ({@link io.reflex.trainer.cache.trace.Compression}: gzip, xz, zstd). Each
 * {@link io.reflex.trainer.cache.trace.TraceReader} documents its layout in its class comment.
 * Malformed input goes to {@link io.reflex.trainer.cache.trace.ParseErrors}, which under
 * {@link io.reflex.trainer.cache.trace.Strictness#STRICT} throws a
 * {@link io.reflex.trainer.cache.trace.MalformedTraceException} naming the file and line (or record
 * and byte offset), and under {@code LENIENT} counts the line and skips it. A line quoted in a
 * message has its control bytes escaped and is cut to 80 characters. Damaged compressed input
 * fails a strict read naming how far it got; a lenient read keeps what came before it. A file
 * without a single request is an {@link io.reflex.trainer.cache.trace.EmptyTraceException}.
 *
 * <p>Threading: readers and formats are stateless and thread-safe (one call reads one stream); a
 * {@code ParseErrors} serves one read.
 */
package io.reflex.trainer.cache.trace;
