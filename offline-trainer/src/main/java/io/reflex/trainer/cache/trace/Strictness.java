package io.reflex.trainer.cache.trace;

/** What a trace reader does with a malformed line or record. */
public enum Strictness {
    /** Stop at the first one, naming the file and the line (or record). */
    STRICT,
    /**
     * Skip it, count it, and report the count when done ({@code Trace.malformedSkipped()}); at
     * damaged input (a truncated or corrupt compressed file), keep the requests read before it and
     * say where reading stopped ({@code Trace.truncation()}).
     */
    LENIENT
}
