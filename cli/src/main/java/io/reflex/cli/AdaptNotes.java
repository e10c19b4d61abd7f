package io.reflex.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How both modes of {@code ./reflex adapt} print a note (a skipped round, a settled tail): a JSON
 * object per line ({@code {"event":"note","at_<unit>":N,"detail":...}}) or a line of text. One
 * place, so that the two modes' notes stay alike. Stateless.
 */
final class AdaptNotes {

    private AdaptNotes() {
    }

    /**
     * @param unit what the position counts: {@code request} (access logs) or {@code decision}
     *             (decision logs)
     */
    static void print(PrintWriter out, boolean json, String unit, long at, String line) {
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("event", "note");
            root.put("at_" + unit, at);
            root.put("detail", line);
            Json.print(out, root);
        } else {
            out.printf(Locale.ROOT, "adapt: at %s %,d: %s%n", unit, at, line);
            out.flush();
        }
    }
}
