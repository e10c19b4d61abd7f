/**
 * Reports of simulation results, one class per output kind:
 * {@link io.reflex.trainer.cache.report.HitRatioChart} draws PNG line charts of hit ratio (and byte
 * hit ratio) by cache size with the numbers beside them in {@code results.csv};
 * {@link io.reflex.trainer.cache.report.EvictionReport} writes the self-contained HTML report of
 * {@code ./reflex quickstart} (results tables, hit ratio by size, the training curve, decision
 * latencies, how to reproduce the run) with inline SVG from
 * {@link io.reflex.trainer.cache.report.SvgCharts}. Clairvoyant references are marked apart from the
 * policies in both.
 *
 * <p>All stateless and thread-safe; each call builds its output.
 */
package io.reflex.trainer.cache.report;
