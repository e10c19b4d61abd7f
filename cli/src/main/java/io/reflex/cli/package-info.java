/**
 * The picocli commands behind {@code ./reflex}. {@link io.reflex.cli.ReflexCommand} is the root
 * and the one public entry point; its subcommands are package-private, one class per command group:
 * {@code simulate}, {@code workload}, {@code train}, {@code evaluate}, {@code quickstart},
 * {@code eviction}, {@code bench}, {@code model}, {@code log}, {@code ope}, {@code promote},
 * {@code matching}, {@code recommend} and {@code sidecar}. The commands parse and report; the work is
 * done by the modules below this one (the trainer's simulator, trainers and off-policy evaluation,
 * the recommender, the sidecar, the harness's benchmarks) and by the engine.
 *
 * <p>Every command prints a table by default and a single JSON object on stdout with {@code --json};
 * logs and progress go to stderr. A usage error (a bad flag or value, often a missing file) exits 2, a
 * failure while running (malformed input, a model the engine refuses) exits 1, each with one line
 * naming what was wrong.
 */
package io.reflex.cli;
