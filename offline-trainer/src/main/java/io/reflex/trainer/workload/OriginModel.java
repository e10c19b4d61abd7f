package io.reflex.trainer.workload;

/**
 * The origin the generated workloads pretend to fetch from, and the rounding their output uses so
 * that a trace generated in memory and the same trace read back from CSV are identical. Stateless.
 */
final class OriginModel {

    /** Fixed part of an origin fetch, in milliseconds. */
    static final double BASE_RTT_MILLIS = 50;
    /** Origin bandwidth: 50 MiB/s. */
    static final double BYTES_PER_SECOND = 50.0 * 1024 * 1024;
    static final long KIB = 1024;

    private OriginModel() {
    }

    /** Origin RTT of an object of {@code size} bytes: 50 ms + size / (50 MiB/s), in ms (to 1 µs). */
    static double rttMillis(long size) {
        return roundMillis(BASE_RTT_MILLIS + size / BYTES_PER_SECOND * 1000);
    }

    /** Rounds to three decimals, as {@link CsvTraceWriter} writes. */
    static double roundMillis(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
