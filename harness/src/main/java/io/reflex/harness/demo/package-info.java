/**
 * {@code ./reflex adapt demo}: a workload that changes character, served by an adapting deployment
 * in each real host (the Caffeine adapter; the patched NGINX with its sidecar), beside the same
 * model without adaptation and the classical policies in the simulator
 * ({@link io.reflex.harness.demo.AdaptDemo}).
 */
package io.reflex.harness.demo;
