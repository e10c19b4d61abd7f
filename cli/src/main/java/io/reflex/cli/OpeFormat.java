package io.reflex.cli;

/** Rounding shared by the ope and promote commands' output. Stateless. */
final class OpeFormat {

    private OpeFormat() {
    }

    /** Six significant decimals: enough for relative errors of a fraction of a percent. */
    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }
}
