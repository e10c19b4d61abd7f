package io.reflex.cli;

import io.reflex.trainer.ope.Estimate;
import io.reflex.trainer.ope.LoggedDecisions;
import io.reflex.trainer.ope.OnnxActionScorer;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading a decision log and a policy model for the ope and promote commands, with one-line errors. Stateless. */
final class OpeInputs {

    private OpeInputs() {
    }

    /** Reads {@code dir}; a missing directory or an empty log is a parameter error naming it. */
    static LoggedDecisions readLog(CommandLine.Model.CommandSpec spec, Path dir, String loop) {
        Args.require(spec.commandLine(), Files.isDirectory(dir), "--log %s: decision log directory not found", dir);
        LoggedDecisions logged = LoggedDecisions.read(dir, loop);
        if (logged.decisions() == 0) {
            throw new IllegalArgumentException("decision log " + dir + " holds no decision"
                    + (logged.tornTailsSkipped() > 0 ? " (" + logged.tornTailsSkipped() + " torn tails skipped)" : ""));
        }
        for (var d : logged.damage()) {
            spec.commandLine().getErr().println("warning: the estimates leave out what this damage lost: " + d.describe());
        }
        return logged;
    }

    /** Loads {@code model} and checks that it takes the logged features. */
    static OnnxActionScorer loadModel(Path model, LoggedDecisions logged) {
        OnnxActionScorer scorer = OnnxActionScorer.load(model);
        if (scorer.featureCount() != logged.featureCount()) {
            scorer.close();
            throw new IllegalArgumentException(model + ": the model takes " + scorer.featureCount()
                    + " features, but the decisions in " + logged.dir() + " have " + logged.featureCount());
        }
        return scorer;
    }

    static Map<String, Object> toJson(Estimate e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("value", OpeFormat.round(e.value()));
        m.put("ci_low", OpeFormat.round(e.ciLow()));
        m.put("ci_high", OpeFormat.round(e.ciHigh()));
        return m;
    }
}
