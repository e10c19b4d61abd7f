package io.reflex.examples.dispatch;

/**
 * A rider asking for a ride: where the pickup is and what the ride pays. Immutable.
 *
 * @param id   display name
 * @param x    pickup, km east
 * @param y    pickup, km north
 * @param fare what the ride pays, in [0, the service's fare cap]
 */
public record RideRequest(String id, double x, double y, double fare) {
}
