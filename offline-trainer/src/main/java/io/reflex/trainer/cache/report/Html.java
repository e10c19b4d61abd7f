package io.reflex.trainer.cache.report;

/** Text into HTML and SVG markup. Stateless and thread-safe. */
final class Html {

    private Html() {
    }

    /** {@code s} with the characters that markup or a quoted attribute would read escaped. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
                .replace("\"", "&quot;");
    }
}
