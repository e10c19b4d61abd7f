package io.reflex.adapters.spark;

import io.reflex.trainer.workload.CsvTraceWriter;
import io.reflex.trainer.workload.WorkloadKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small generated fleet for the tests: one CSV access log per cache node, each from its own seed. */
final class FleetLogs {

    private FleetLogs() {
    }

    /** Writes {@code nodes} logs of {@code requests} Zipf requests each into {@code dir}; returns them sorted. */
    static List<Path> write(Path dir, int nodes, int requests, long seed) throws IOException {
        Files.createDirectories(dir);
        List<Path> logs = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            Path log = dir.resolve(String.format("node-%02d.csv", n));
            try (CsvTraceWriter w = new CsvTraceWriter(log)) {
                WorkloadKind.ZIPF.create(seed * 100 + n, requests, requests / 8).generate(w);
            }
            logs.add(log);
        }
        return logs;
    }
}
