package io.reflex.trainer.workload;

import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;

/**
 * A seeded request generator. The same settings (seed included) always produce the same requests,
 * bit for bit, on any JVM: generators draw from {@link java.util.SplittableRandom} and use
 * {@link StrictMath}. Instances are immutable and thread-safe; each {@link #generate} call starts
 * from the seed again.
 */
public interface Workload {

    /** The kind's command-line name ({@code trap}, {@code zipf}, {@code bursts}). */
    String kind();

    /** Number of requests it generates. */
    int requests();

    /** Writes every request, in order, to the sink. */
    void generate(RequestSink sink);

    /** The requests as an in-memory trace named after the kind. */
    default Trace toTrace() {
        TraceBuilder builder = new TraceBuilder(requests());
        generate(builder);
        return builder.build(kind() + " workload");
    }
}
