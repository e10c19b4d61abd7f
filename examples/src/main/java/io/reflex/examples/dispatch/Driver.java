package io.reflex.examples.dispatch;

/**
 * A driver waiting for riders during a shift: where they are and how many rides they can take.
 * Immutable.
 *
 * @param id    display name
 * @param x     position, km east
 * @param y     position, km north
 * @param rides rides this driver can take in the shift (the offline node's capacity), at least 1
 */
public record Driver(String id, double x, double y, int rides) {
    public Driver {
        if (rides < 1) {
            throw new IllegalArgumentException("driver " + id + " must take at least 1 ride, got " + rides);
        }
    }
}
