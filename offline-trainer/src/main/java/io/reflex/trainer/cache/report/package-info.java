/**
 * Reports of simulation results, one class per output kind, every chart drawn by XChart and exported
 * as SVG ({@code InlineSvg}, with the shared look in {@code ChartStyle}):
 * {@link io.reflex.trainer.cache.report.HitRatioChart} draws hit ratio (and byte hit ratio) by cache
 * size, as {@code .svg} files beside the numbers in {@code results.csv} for {@code ./reflex simulate
 * --report}, and inline in the quickstart report;
 * {@link io.reflex.trainer.cache.report.EvictionReport} writes the self-contained HTML report of
 * {@code ./reflex quickstart} (results tables, each held-out trace, hit ratio by size, the policies
 * defined, the training curve, decision latencies, how to reproduce the run). Clairvoyant references
 * are marked apart from the policies in both.
 *
 * <p>All stateless and thread-safe; each call builds its output.
 */
package io.reflex.trainer.cache.report;
