/**
 * Loaded models and how they are evaluated.
 *
 * <p>{@link io.reflex.engine.policy.PolicyLoader} turns an ONNX file into a
 * {@link io.reflex.engine.policy.Policy} after validating it (shapes, finite weights, refused
 * metadata, golden pairs). Two {@link io.reflex.engine.policy.Backend}s serve a policy: ONNX Runtime,
 * which takes any graph, and Reflex's own Vector API evaluator for MLP-like graphs
 * ({@code VectorMlp}, compiled from the {@link io.reflex.engine.onnx.MlpGraph} that
 * {@code io.reflex.engine.onnx} recovers). The fast path serves a model only after it agreed with
 * ONNX Runtime within a {@link io.reflex.engine.policy.RelativeTolerance} on seeded and golden
 * inputs; otherwise ONNX Runtime serves it and {@link io.reflex.engine.policy.Policy#fastPathStatus()}
 * says why. {@link io.reflex.engine.policy.VectorModule} checks that the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and names the flag when it was not.
 *
 * <p>Threading: a policy and the loader are thread-safe and meant to be shared; each thread takes
 * its own {@link io.reflex.engine.policy.Policy.Evaluator}, which owns its buffers (and, for ONNX
 * Runtime, its native tensors) and allocates nothing per evaluation. Closing a policy closes every
 * evaluator it handed out, so close it only when no thread is evaluating.
 */
package io.reflex.engine.policy;
