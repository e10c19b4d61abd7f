/**
 * Training learned eviction offline, by two routes, and checking the result in the simulator.
 *
 * <p>Reinforcement learning on Cold-RL's six features: {@link io.reflex.trainer.rl.TransitionRecorder}
 * replays a trace under an exploring behaviour policy (LRU, or an earlier model served by the engine),
 * encoding candidates with the engine's own {@link io.reflex.engine.eviction.EvictionFeatures} and
 * logging each choice with its probability; after the replay it labels every candidate with a
 * hindsight reward from the trace's future, into a {@link io.reflex.trainer.rl.TransitionSet}.
 * {@link io.reflex.trainer.rl.DoubleDqnTrainer} fits a dueling Double DQN (settings in
 * {@link io.reflex.trainer.rl.DqnConfig}) and {@link io.reflex.trainer.rl.EvictionTraining} runs the
 * whole pipeline, rounds included, and exports the network as ONNX with golden pairs and the metadata
 * the engine and the simulator read. Transitions kept outside the trainer (a fleet replay's Parquet)
 * come through a {@link io.reflex.trainer.rl.TransitionSource}, streamed into a
 * {@link io.reflex.trainer.rl.TransitionReservoir}: a replay buffer of bounded size. Relaxed Belady on the {@code history-1} schema:
 * {@link io.reflex.trainer.rl.NextAccessSamples} records the rows of a replay's decisions labelled with
 * each object's time to its next request, and {@link io.reflex.trainer.rl.NextAccessTraining} fits a
 * regression network to them and exports it. {@link io.reflex.trainer.rl.EvictionEvaluation} replays the
 * exported model, served by the engine, beside the classical policies.
 *
 * <p>Deterministic: the same trace, settings and seed give the same model bytes. The pipelines and the
 * evaluation are stateless and thread-safe, each call with its own buffers; a recorder or sample
 * collector serves one replay on one thread; the DQN trainer is not thread-safe and allocates its batch
 * buffers once; a built transition set is immutable and may be shared.
 */
package io.reflex.trainer.rl;
