/**
 * The decision log: the decisions a loop makes (input, action, propensity and model version) and the
 * outcomes observed later, written to disk so that off-policy evaluation
 * ({@code io.reflex.trainer.ope}) can judge a candidate policy on real traffic.
 *
 * <p>{@link io.reflex.engine.log.DecisionLogWriter} appends to segmented files of framed,
 * CRC32C-checksummed records (the byte layout is documented in {@code LogFormat}) through one
 * {@link io.reflex.engine.log.DecisionLogWriter.LoopLog} per decision loop;
 * {@link io.reflex.engine.log.DecisionLogReader} reads them back as
 * {@link io.reflex.engine.log.LogRecord}s, skipping a torn tail left by a crash and resynchronising
 * after a corrupt record, and reports each skipped range and missing segment as a
 * {@link io.reflex.engine.log.LogDamage}. A writer never appends to an existing segment, so a torn
 * tail is always the end of one.
 *
 * <p>Threading: the writer is thread-safe and never blocks a deciding thread; appending copies into
 * a preallocated ring and allocates nothing, and a full ring drops the record and counts it rather
 * than waiting. One writer thread drains the ring. The reader is offline code: not thread-safe, and
 * it allocates a record per delivery.
 */
package io.reflex.engine.log;
