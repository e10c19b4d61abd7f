package io.reflex.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.reflex.engine.log.LogRecord;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Decision log records as JSON Lines: one object per record, its fields named as {@code LogFormat}
 * names them ({@code type}, {@code sequence}, {@code decision_id}, {@code epoch_micros}, and for a
 * decision {@code loop}, {@code model_version}, {@code action}, {@code propensity},
 * {@code features}; for an outcome {@code reward}). Floats are written as the shortest decimal that
 * reads back to the same float; NaN and the infinities, which JSON has no number for, as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 *
 * <p>Not thread-safe; streams, holding no record after it is written. Closing flushes and leaves
 * the underlying writer open.
 */
final class JsonLines implements AutoCloseable {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final PrintWriter out;
    private final JsonGenerator json;
    private boolean any;

    JsonLines(PrintWriter out) {
        this.out = out;
        try {
            this.json = FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
    }

    void write(LogRecord record) {
        try {
            json.writeStartObject();
            switch (record) {
                case LogRecord.Decision d -> {
                    json.writeStringField("type", "decision");
                    json.writeNumberField("sequence", d.sequence());
                    json.writeNumberField("decision_id", d.decisionId());
                    json.writeNumberField("epoch_micros", d.epochMicros());
                    json.writeStringField("loop", d.loop());
                    json.writeNumberField("model_version", d.modelVersion());
                    json.writeNumberField("action", d.action());
                    json.writeNumberField("propensity", d.propensity());
                    json.writeArrayFieldStart("features");
                    for (float f : d.features()) {
                        json.writeNumber(f);
                    }
                    json.writeEndArray();
                }
                case LogRecord.Outcome o -> {
                    json.writeStringField("type", "outcome");
                    json.writeNumberField("sequence", o.sequence());
                    json.writeNumberField("decision_id", o.decisionId());
                    json.writeNumberField("epoch_micros", o.epochMicros());
                    json.writeNumberField("reward", o.reward());
                }
            }
            json.writeEndObject();
            any = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export", e);
        }
    }

    @Override
    public void close() throws IOException {
        json.close();
        if (any) {
            out.println();
        }
        out.flush();
    }
}
