package io.reflex.trainer.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.trace.TraceFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A suite manifest: a named list of traces, each with its format and the capacities to compare at,
 * and the fraction {@code split} of each trace's requests (in time order) that trains; the rest
 * evaluates. The JSON layout, as in {@code shared/data/traces/dev/suite.json}:
 *
 * <pre>{@code
 * {"name": "dev", "split": 0.5,
 *  "traces": [{"file": "../cache2k-web07.trace.xz", "format": "cache2k", "sizes": ["200", "2000"]},
 *             {"file": "sample.oracleGeneral.bin", "format": "oracle-general", "sizes": ["20MB"]}]}
 * }</pre>
 *
 * {@code file} is relative to the manifest's folder (or absolute); {@code format} is a
 * {@code --format} name ({@link TraceFormat}); each size is a string a {@link Capacity} parses (a bare
 * number is entries, {@code 20MB} bytes) and is echoed exactly as written in results.
 *
 * <p>Immutable and thread-safe.
 *
 * @param file   the manifest itself
 * @param name   the suite's name
 * @param split  the training fraction, in (0, 1)
 * @param traces the entries, in manifest order
 */
public record SuiteManifest(Path file, String name, double split, List<Entry> traces) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One trace of the suite.
     *
     * @param file   the {@code file} field as written (what results call the trace)
     * @param path   the trace file, resolved against the manifest's folder
     * @param format its format
     * @param sizes  its capacities, labelled exactly as written
     */
    public record Entry(String file, Path path, TraceFormat format, List<Capacity> sizes) {
        public Entry {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(format, "format");
            sizes = List.copyOf(sizes);
        }
    }

    public SuiteManifest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        traces = List.copyOf(traces);
    }

    /**
     * Reads and validates a manifest; every trace file must exist.
     *
     * @throws NoSuchFileException      when the manifest does not exist
     * @throws IllegalArgumentException one line naming the manifest and the field at fault (bad JSON,
     *                                  a missing field, a split outside (0, 1), an unknown format, a
     *                                  bad size, a trace file that does not exist)
     */
    public static SuiteManifest read(Path manifest) throws IOException {
        if (!Files.isRegularFile(manifest)) {
            throw new NoSuchFileException(manifest.toString(), null, "manifest not found");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(manifest.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(manifest + ": not JSON: " + e.getOriginalMessage().replace('\n', ' '), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(manifest + ": must be a JSON object with name, split and traces");
        }
        String name = text(manifest, root, "name");
        JsonNode split = root.get("split");
        if (split == null || !split.isNumber() || !(split.asDouble() > 0 && split.asDouble() < 1)) {
            throw new IllegalArgumentException(manifest + ": split must be a number in (0, 1), got " + split);
        }
        JsonNode traces = root.get("traces");
        if (traces == null || !traces.isArray() || traces.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": traces must be a non-empty array");
        }
        Path folder = manifest.toAbsolutePath().getParent();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            entries.add(entry(manifest, "traces[" + i + "]", traces.get(i), folder));
        }
        return new SuiteManifest(manifest, name, split.asDouble(), entries);
    }

    private static Entry entry(Path manifest, String where, JsonNode node, Path folder) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(manifest + ": " + where + " must be an object with file, format and sizes");
        }
        String file = text(manifest, node, where + ".file", "file");
        String formatName = text(manifest, node, where + ".format", "format");
        TraceFormat format;
        try {
            format = TraceFormat.fromLabel(formatName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(manifest + ": " + where + ".format: " + e.getMessage(), e);
        }
        JsonNode sizes = node.get("sizes");
        if (sizes == null || !sizes.isArray() || sizes.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": " + where + ".sizes must be a non-empty array of strings");
        }
        List<Capacity> capacities = new ArrayList<>();
        for (int s = 0; s < sizes.size(); s++) {
            JsonNode size = sizes.get(s);
            String at = where + ".sizes[" + s + "]";
            if (!size.isTextual()) {
                throw new IllegalArgumentException(manifest + ": " + at + " must be a string such as \"200\" or \"20MB\", got "
                        + size);
            }
            try {
                Capacity parsed = Capacity.parse(size.asText());
                // The label is the manifest's text exactly, so results echo it.
                capacities.add(new Capacity(parsed.kind(), parsed.value(), size.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(manifest + ": " + at + ": " + e.getMessage(), e);
            }
        }
        Path path = folder.resolve(file).normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(manifest + ": " + where + ".file: trace file not found: " + path);
        }
        return new Entry(file, path, format, capacities);
    }

    private static String text(Path manifest, JsonNode node, String field) {
        return text(manifest, node, field, field);
    }

    private static String text(Path manifest, JsonNode node, String where, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(manifest + ": " + where + " must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    /**
     * The entries whose file name contains one of {@code parts} (all of them when {@code parts} is
     * empty), in manifest order.
     *
     * @throws IllegalArgumentException naming the parts and the manifest when none matches
     */
    public List<Entry> select(List<String> parts) {
        if (parts == null || parts.isEmpty()) {
            return traces;
        }
        List<Entry> chosen = new ArrayList<>();
        for (Entry e : traces) {
            String fileName = e.path().getFileName().toString();
            if (parts.stream().anyMatch(fileName::contains)) {
                chosen.add(e);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no trace of " + file + " has a file name containing any of " + parts);
        }
        return List.copyOf(chosen);
    }
}
