/**
 * Command-line options that belong to the trainer's settings and that more than one command takes:
 * {@link io.reflex.trainer.cli.BehaviourOptions}, the exploring behaviour of {@code ./reflex train
 * eviction} (the {@code cli} module) and {@code ./reflex replay} (the Spark module), written once as a
 * picocli mixin; and {@link io.reflex.trainer.cli.CommandLines}, how both jars run their command
 * trees. The commands themselves live in those modules.
 */
package io.reflex.trainer.cli;
