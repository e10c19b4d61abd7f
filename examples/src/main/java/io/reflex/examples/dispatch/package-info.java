/**
 * Example: ride dispatch with the engine's LOMAR matcher ({@code io.reflex.engine.matching}).
 * {@link io.reflex.examples.dispatch.DispatchService} treats drivers
 * ({@link io.reflex.examples.dispatch.Driver}) as offline nodes and each
 * {@link io.reflex.examples.dispatch.RideRequest} as an online item: a learned scorer picks the
 * driver or declines, and the robustness switch falls back to greedy dispatch whenever following it
 * could leave the shift below {@code ρ ×} greedy's earnings, less {@code B}. Each
 * {@link io.reflex.examples.dispatch.Dispatch} reports who decided and the running guarantee.
 * {@link io.reflex.examples.dispatch.DispatchDemo} runs one simulated shift; without a model it
 * writes an untrained random scorer, since the guarantee does not depend on the scorer being good.
 *
 * <p>Threading: a dispatcher is not thread-safe (one per dispatching thread); the matcher allocates
 * nothing per decision, the service one {@code Dispatch} per request. The demo runs on the main thread.
 */
package io.reflex.examples.dispatch;
