package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contracts of {@code ./reflex simulate} and {@code ./reflex workload} (contracts.md). */
class CacheCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path trap(int requests) {
        Path file = dir.resolve("trap.csv");
        Run r = run("workload", "trap", "--seed", "1", "--requests", Integer.toString(requests), "--out", file.toString());
        assertEquals(0, r.exit(), r.err());
        return file;
    }

    @Test
    void simulatePrintsOneResultPerPolicyAndSizeWithTheContractFields() throws Exception {
        Path trace = trap(4_000);

        Run r = run("simulate", "--trace", trace.toString(), "--format", "csv", "--policies", "lru,wtinylfu,belady",
                "--sizes", "2MB,8MB,100", "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertEquals(trace.toString(), v.get("trace").asText());
        assertEquals(4_000, v.get("requests").asInt());
        JsonNode results = v.get("results");
        assertEquals(9, results.size());
        List<String> seen = new ArrayList<>();
        for (JsonNode row : results) {
            for (String field : new String[] {"policy", "size", "hit_ratio", "byte_hit_ratio", "requests_per_sec"}) {
                assertTrue(row.has(field), "missing " + field + " in " + row);
            }
            double hit = row.get("hit_ratio").asDouble();
            assertTrue(hit >= 0 && hit <= 1, row.toString());
            assertTrue(row.get("requests_per_sec").asLong() > 0, row.toString());
            seen.add(row.get("policy").asText() + "@" + row.get("size").asText());
        }
        assertEquals(List.of("lru@2MB", "lru@8MB", "lru@100", "wtinylfu@2MB", "wtinylfu@8MB", "wtinylfu@100",
                "belady@2MB", "belady@8MB", "belady@100"), seen, "sizes echo the command line, in order");
        assertTrue(results.get(0).get("hit_ratio").asDouble() < results.get(1).get("hit_ratio").asDouble(),
                "a bigger cache hits more");
    }

    @Test
    void simulateRunsTheStandardTwelveByDefaultAndPrintsATable() {
        Path trace = trap(2_000);

        Run r = run("simulate", "--trace", trace.toString(), "--format", "csv", "--sizes", "4MB");

        assertEquals(0, r.exit(), r.err());
        for (String policy : new String[] {"lru", "fifo", "lfu", "size", "gdsf", "adaptive-lru", "hybrid", "arc", "sieve",
                "s3fifo", "wtinylfu", "belady"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(policy + " ")), "no row for " + policy + ":\n" + r.out());
        }
        assertTrue(r.out().contains("hit ratio"), r.out());
    }

    @Test
    void reportWritesAReadableHitRatioChartAndItsNumbers() throws Exception {
        Path trace = trap(2_000);
        Path report = dir.resolve("report");

        Run r = run("simulate", "--trace", trace.toString(), "--format", "csv", "--policies", "lru,gdsf,belady",
                "--sizes", "1MB,4MB,16MB", "--report", report.toString(), "--json");

        assertEquals(0, r.exit(), r.err());
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setNamespaceAware(true);
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        for (String file : new String[] {"hit-ratio.svg", "byte-hit-ratio.svg"}) {
            Element svg = xml.newDocumentBuilder().parse(report.resolve(file).toFile()).getDocumentElement();
            assertEquals("svg", svg.getLocalName(), file);
            assertTrue(Integer.parseInt(svg.getAttribute("width").replace("px", "")) >= 800
                    && Integer.parseInt(svg.getAttribute("height").replace("px", "")) >= 400, file);
            assertTrue(svg.getElementsByTagNameNS("*", "path").getLength() > 10, file + " has drawn content");
        }
        List<String> numbers = Files.readAllLines(report.resolve("results.csv"));
        assertEquals("policy,size,hit_ratio,byte_hit_ratio,requests_per_sec", numbers.getFirst());
        assertEquals(10, numbers.size());
        assertEquals(report.resolve("hit-ratio.svg").toString(), r.json().get("report").asText());
    }

    @Test
    void anUnknownPolicyExitsNonZeroWithOneLineNamingIt() {
        Path trace = trap(500);

        Run r = run("simulate", "--trace", trace.toString(), "--format", "csv", "--policies", "lru,mru", "--sizes", "1MB");

        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown policy 'mru'"), r.err());
        assertTrue(r.out().isEmpty());
    }

    @Test
    void anUnknownFormatABadSizeAndAMissingFileExitNonZeroWithOneLine() {
        Path trace = trap(500);
        Run format = run("simulate", "--trace", trace.toString(), "--format", "parquet", "--sizes", "1MB");
        Run size = run("simulate", "--trace", trace.toString(), "--format", "csv", "--sizes", "1XB");
        Run missing = run("simulate", "--trace", dir.resolve("nope.csv").toString(), "--format", "csv", "--sizes", "1MB");

        for (Run r : List.of(format, size, missing)) {
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertTrue(format.err().contains("unknown trace format 'parquet'"), format.err());
        assertTrue(size.err().contains("'1XB'"), size.err());
        assertTrue(missing.err().contains("trace file not found") && missing.err().contains("nope.csv"), missing.err());
    }

    @Test
    void aMalformedLineStopsTheRunNamingFileAndLineUnlessLenient() throws Exception {
        Path trace = dir.resolve("bad.csv");
        Files.writeString(trace, "time,key,size\n0,1,10\n1,2,ten\n2,1,10\n");

        Run strict = run("simulate", "--trace", trace.toString(), "--format", "csv", "--sizes", "2", "--json");
        Run lenient = run("simulate", "--trace", trace.toString(), "--format", "csv", "--sizes", "2", "--json",
                "--lenient", "--policies", "lru");

        assertEquals(1, strict.exit());
        assertEquals(1, strict.err().strip().lines().count(), strict.err());
        assertTrue(strict.err().contains(trace + ":3: size 'ten'"), strict.err());
        assertEquals(0, lenient.exit(), lenient.err());
        assertEquals(1, lenient.json().get("skipped_lines").asInt());
        assertEquals(2, lenient.json().get("requests").asInt());
        assertTrue(lenient.err().contains("skipped 1 malformed"), lenient.err());
    }

    @Test
    void simulateRefusesATraceWithoutRequestsInOneLineNamingIt() throws Exception {
        Path trace = Files.writeString(dir.resolve("header-only.csv"), "time,key,size\n");

        Run r = run("simulate", "--trace", trace.toString(), "--format", "csv", "--sizes", "10", "--json");

        assertEquals(1, r.exit(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(trace + ": ") && r.err().contains("no requests"), r.err());
        assertTrue(r.out().isEmpty(), "no hit ratio of 0 is printed: " + r.out());
    }

    @Test
    void simulateLenientKeepsTheRequestsBeforeTheDamageOfATruncatedGzipAndSaysSo() throws Exception {
        Path whole = dir.resolve("trap.csv.gz");
        assertEquals(0, run("workload", "trap", "--seed", "4", "--requests", "20000", "--out", whole.toString()).exit());
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.csv.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Run strict = run("simulate", "--trace", cut.toString(), "--format", "csv", "--sizes", "100", "--policies", "lru");
        Run lenient = run("simulate", "--trace", cut.toString(), "--format", "csv", "--sizes", "100", "--policies", "lru",
                "--lenient", "--json");

        assertEquals(1, strict.exit());
        assertEquals(1, strict.err().strip().lines().count(), strict.err());
        assertTrue(strict.err().contains(cut + ": ") && strict.err().contains(" requests ("), strict.err());
        assertEquals(0, lenient.exit(), lenient.err());
        int kept = lenient.json().get("requests").asInt();
        assertTrue(kept > 1_000 && kept < 20_000, "kept " + kept);
        assertTrue(lenient.err().contains(cut.toString()) && lenient.err().contains(String.format(java.util.Locale.ROOT, "kept the %,d requests", kept)),
                lenient.err());
    }

    @Test
    void anOutputUnderARegularFileIsRefusedSayingTheParentIsAFile() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "not a directory");

        Run workload = run("workload", "zipf", "--requests", "100", "--out", plain.resolve("w.csv").toString());
        Run report = run("simulate", "--trace", trap(500).toString(), "--format", "csv", "--sizes", "10", "--policies",
                "lru", "--report", plain.resolve("charts").toString());

        for (Run r : List.of(workload, report)) {
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(plain + " is a file, not a directory"), r.err());
            assertTrue(r.out().isEmpty(), r.out());
        }
    }

    @Test
    void workloadWritesTheSameCsvForTheSameSeed() throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");

        Run first = run("workload", "zipf", "--seed", "9", "--requests", "5000", "--objects", "300", "--out", a.toString(),
                "--json");
        Run second = run("workload", "zipf", "--seed", "9", "--requests", "5000", "--objects", "300", "--out", b.toString());

        assertEquals(0, first.exit(), first.err());
        assertEquals(0, second.exit(), second.err());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals("time,key,size,ttl,rtt", Files.readAllLines(a).getFirst());
        assertEquals(5_001, Files.readAllLines(a).size());
        JsonNode v = first.json();
        assertEquals("zipf", v.get("kind").asText());
        assertEquals(5_000, v.get("requests").asInt());
        assertTrue(v.get("objects").asInt() > 100 && v.get("objects").asInt() <= 300);
    }

    @Test
    void anUnknownWorkloadExitsNonZeroWithOneLine() {
        Run r = run("workload", "tarp", "--out", dir.resolve("x.csv").toString());

        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown workload 'tarp'"), r.err());
    }
}
