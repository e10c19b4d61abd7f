/**
 * Reading and writing ONNX models, without executing them.
 *
 * <p>{@link io.reflex.engine.onnx.OnnxModel} reads a file and checks its structure: graph, inputs
 * and outputs ({@link io.reflex.engine.onnx.TensorSpec}), metadata, finite weights and
 * {@link io.reflex.engine.onnx.GoldenPairs}, the input/output pairs every loader must reproduce.
 * {@link io.reflex.engine.onnx.MlpGraph}, a chain of {@link io.reflex.engine.onnx.Dense} and
 * {@link io.reflex.engine.onnx.Activation} layers with an optional dueling head, is the common
 * ground between the reader, the writer and the Vector API evaluator in
 * {@code io.reflex.engine.policy}: {@link io.reflex.engine.onnx.OnnxModel#toMlpGraph(String)}
 * recovers one from a graph or throws {@link io.reflex.engine.onnx.UnsupportedGraphException} naming
 * the node at fault, and {@link io.reflex.engine.onnx.OnnxModelWriter} writes one as ONNX (the
 * trainers export through it). A file that cannot be loaded raises
 * {@link io.reflex.engine.onnx.ModelLoadException}, naming the file and the problem.
 *
 * <p>Threading: models, graphs, layers and specs are immutable and may be shared. A writer is a
 * mutable builder for one thread, and writes a file through a temporary file and an atomic move,
 * so a reader never sees half a model.
 */
package io.reflex.engine.onnx;
