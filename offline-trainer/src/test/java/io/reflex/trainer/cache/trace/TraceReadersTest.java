package io.reflex.trainer.cache.trace;

import io.reflex.trainer.cache.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceReadersTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Compression.openOutput(file)) {
            out.write(content);
        }
        return file;
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static double[] column(Trace t, java.util.function.IntToDoubleFunction f) {
        double[] v = new double[t.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(i);
        }
        return v;
    }

    private static int[] objects(Trace t) {
        int[] v = new int[t.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.object(i);
        }
        return v;
    }

    private static void assertSameTrace(Trace expected, Trace actual) {
        assertEquals(expected.length(), actual.length());
        assertEquals(expected.objectCount(), actual.objectCount());
        assertArrayEquals(objects(expected), objects(actual));
        assertArrayEquals(column(expected, expected::time), column(actual, actual::time));
        assertArrayEquals(column(expected, i -> expected.size(i)), column(actual, i -> actual.size(i)));
        assertArrayEquals(column(expected, expected::ttlSeconds), column(actual, actual::ttlSeconds));
        assertArrayEquals(column(expected, expected::rttMillis), column(actual, actual::rttMillis));
    }

    // ---- csv

    @Test
    void csvWithAHeaderReadsTimeKeySizeTtlAndRtt() throws IOException {
        Path f = write("h.csv", "time,key,size,ttl,rtt\n0.5,/a.jpg,100,60,12.5\n1.0,42,200,,\n# comment\n\n1.5,/a.jpg,0,60,-\n");

        Trace t = TraceFormat.CSV.read(f, Strictness.STRICT);

        assertEquals(3, t.length());
        assertEquals(2, t.objectCount());
        assertEquals("/a.jpg", t.key(t.object(2)));
        assertEquals("42", t.key(t.object(1)));
        assertArrayEquals(new double[] {0.5, 1.0, 1.5}, column(t, t::time));
        assertArrayEquals(new double[] {100, 200, 1}, column(t, i -> t.size(i)), "size 0 counts as 1");
        assertArrayEquals(new double[] {60, 0, 60}, column(t, t::ttlSeconds));
        assertEquals(12.5, t.rttMillis(0));
        assertTrue(Double.isNaN(t.rttMillis(1)) && Double.isNaN(t.rttMillis(2)));
    }

    @Test
    void csvWithoutAHeaderReadsColumnsByPosition() throws IOException {
        Path f = write("n.csv", "0,1,10\n1,2,20,5\n2,1,10,0,7\n");

        Trace t = TraceFormat.CSV.read(f, Strictness.STRICT);

        assertArrayEquals(new int[] {0, 1, 0}, objects(t));
        assertArrayEquals(new double[] {0, 5, 0}, column(t, t::ttlSeconds));
        assertEquals(7.0, t.rttMillis(2));
    }

    @Test
    void csvHeaderColumnsMayComeInAnyOrderAndKeysMayBeQuoted() throws IOException {
        Path f = write("o.csv", "key,size,time\n\"a,b\",5,1.0\n\"say \"\"hi\"\"\",6,2.0\n");

        Trace t = TraceFormat.CSV.read(f, Strictness.STRICT);

        assertEquals("a,b", t.key(0));
        assertEquals("say \"hi\"", t.key(1));
        assertEquals(6, t.size(1));
        assertEquals(2.0, t.time(1));
    }

    // ---- strict and lenient, every text format

    private static final Map<TraceFormat, String> ONE_BAD_LINE_AT_3 = Map.of(
            TraceFormat.CSV, "0,1,10\n1,2,20\n2,3,big\n3,1,10\n",
            TraceFormat.LIRS, "1\n2\nthree\n1\n",
            TraceFormat.ADAPTSIZE, "1 7 100\n2 8 200\n3 9\n4 7 100\n",
            TraceFormat.NGINX, """
                    10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 10 "-" "ua"
                    10.0.0.1 - - [10/Oct/2000:13:55:37 -0700] "GET /b HTTP/1.1" 200 20 "-" "ua"
                    10.0.0.1 - - [10/Oct/2000:13:55:38 -0700] "\\x16\\x03\\x01" 400 0 "-" "-"
                    10.0.0.1 - - [10/Oct/2000:13:55:39 -0700] "GET /a HTTP/1.1" 200 10 "-" "ua"
                    """);

    @ParameterizedTest
    @ValueSource(strings = {"csv", "lirs", "adaptsize", "nginx"})
    void strictModeStopsAtTheFirstMalformedLineNamingFileAndLine(String format) throws IOException {
        TraceFormat f = TraceFormat.fromLabel(format);
        Path file = write("bad-" + format + ".txt.gz", ONE_BAD_LINE_AT_3.get(f));

        MalformedTraceException e = assertThrows(MalformedTraceException.class, () -> f.read(file, Strictness.STRICT));

        assertTrue(e.getMessage().startsWith(file + ":3: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "lirs", "adaptsize", "nginx"})
    void lenientModeSkipsMalformedLinesAndCountsThem(String format) throws IOException {
        TraceFormat f = TraceFormat.fromLabel(format);
        Path file = write("bad-" + format + ".txt", ONE_BAD_LINE_AT_3.get(f));

        Trace t = f.read(file, Strictness.LENIENT);

        assertEquals(3, t.length());
        assertEquals(1, t.malformedSkipped());
        assertEquals(t.object(0), t.object(2), "the lines after the bad one are read");
    }

    // ---- compression, every format

    private static byte[] cache2kBytes(int... keys) {
        ByteBuffer b = ByteBuffer.allocate(4 * keys.length).order(ByteOrder.BIG_ENDIAN);
        for (int k : keys) {
            b.putInt(k);
        }
        return b.array();
    }

    private static byte[] oracleBytes(long[][] records) {
        ByteBuffer b = ByteBuffer.allocate(24 * records.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] r : records) {
            b.putInt((int) r[0]).putLong(r[1]).putInt((int) r[2]).putLong(r[3]);
        }
        return b.array();
    }

    private static final Map<TraceFormat, byte[]> SAMPLES = Map.of(
            TraceFormat.CSV, "time,key,size,ttl,rtt\n1.5,a,10,60,5\n2.5,b,20,0,\n3.5,a,10,60,5\n".getBytes(StandardCharsets.UTF_8),
            TraceFormat.LIRS, "5\n6\n5\n".getBytes(StandardCharsets.UTF_8),
            TraceFormat.ADAPTSIZE, "1 5 100\n2\t6\t200\n3 5 100\n".getBytes(StandardCharsets.UTF_8),
            TraceFormat.NGINX, ("reflex1 1700000000.250 GET \"httpo/a\" 200 10 MISS \"0.050\" \"max-age=60\"\n"
                    + "10.0.0.1 - - [14/Nov/2023:22:13:21 +0000] \"GET /b HTTP/1.1\" 200 20 \"-\" \"ua\"\n"
                    + "reflex1 1700000002.000 GET \"httpo/a\" 200 10 HIT \"-\" \"-\"\n").getBytes(StandardCharsets.UTF_8),
            TraceFormat.CACHE2K, cache2kBytes(5, 6, 5),
            TraceFormat.ORACLE_GENERAL, oracleBytes(new long[][] {{1, 5, 10, 2}, {2, 6, 20, -1}, {3, 5, 10, -1}}));

    @ParameterizedTest
    @ValueSource(strings = {"csv", "nginx", "lirs", "adaptsize", "cache2k", "oracle-general"})
    void everyFormatReadsTheSameFromGzipXzAndZstandardFiles(String format) throws IOException {
        TraceFormat f = TraceFormat.fromLabel(format);
        Trace plain = f.read(write("plain.trace", SAMPLES.get(f)), Strictness.STRICT);
        assertEquals(3, plain.length());
        assertEquals(2, plain.objectCount());
        assertArrayEquals(new int[] {0, 1, 0}, objects(plain));

        for (String ext : new String[] {".gz", ".xz", ".zst"}) {
            Path file = write("sample.trace" + ext, SAMPLES.get(f));
            assertFalse(java.util.Arrays.equals(SAMPLES.get(f), Files.readAllBytes(file)), "compressed " + ext);
            assertSameTrace(plain, f.read(file, Strictness.STRICT));
        }
    }

    // ---- nginx

    @Test
    void nginxCombinedLinesGiveTheTargetItsSizeAndTheLocalTime() throws IOException {
        Path f = write("access.log", """
                203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"
                203.0.113.9 - - [10/Oct/2000:13:55:37 -0700] "POST /form HTTP/1.0" 200 5 "-" "-"
                203.0.113.9 - - [10/Oct/2000:13:55:38 -0700] "HEAD /apache_pb.gif?x=1 HTTP/1.0" 304 - "-" "-"
                """);

        Trace t = TraceFormat.NGINX.read(f, Strictness.STRICT);

        assertEquals(2, t.length(), "POST is not cacheable and is skipped");
        assertEquals(0, t.malformedSkipped());
        assertEquals("/apache_pb.gif?x=1", t.key(t.object(0)));
        assertEquals(t.object(0), t.object(1));
        long epoch = ZonedDateTime.parse("10/Oct/2000:13:55:36 -0700",
                DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)).toEpochSecond();
        assertEquals(epoch, t.time(0));
        assertEquals(epoch + 2, t.time(1));
        assertEquals(2326, t.size(0));
        assertEquals(1, t.size(1), "a body of '-' (0 bytes) counts as 1");
        assertFalse(t.hasTtls());
        assertFalse(t.hasRtts());
    }

    @Test
    void nginxExtendedLinesGiveTheCacheKeyOriginRttAndTtl() throws IOException {
        Path f = write("ext.log", """
                reflex1 1700000000.123 GET "httpsorigin.example/a.jpg?x=1" 200 51234 MISS "0.050" "public, max-age=600"
                reflex1 1700000001.500 GET "httpsorigin.example/a.jpg?x=1" 200 51234 HIT "-" "-"
                reflex1 1700000002.000 POST "httpsorigin.example/form" 200 12 MISS "0.010" "-"
                reflex1 1700000003.000 GET "httpsorigin.example/b" 200 100 MISS "0.010, 0.040" "s-maxage=60, max-age=600"
                """);

        Trace t = TraceFormat.NGINX.read(f, Strictness.STRICT);

        assertEquals(3, t.length());
        assertEquals("httpsorigin.example/a.jpg?x=1", t.key(0));
        assertEquals(1700000000.123, t.time(0));
        assertEquals(51234, t.size(0));
        assertEquals(50.0, t.rttMillis(0), 1e-3);
        assertTrue(Double.isNaN(t.rttMillis(1)), "a hit has no upstream time");
        assertEquals(50.0, t.rttMillis(2), 1e-3, "two upstream tries add up");
        assertArrayEquals(new double[] {600, 0, 60}, column(t, t::ttlSeconds), "s-maxage wins over max-age");
    }

    @Test
    void theDocumentedLogFormatWritesLinesTheReaderAccepts() throws IOException {
        // Expand the log_format line as NGINX would, variable by variable.
        Map<String, String> values = Map.ofEntries(Map.entry("msec", "1700000000.123"),
                Map.entry("request_method", "GET"), Map.entry("scheme", "https"), Map.entry("proxy_host", "origin"),
                Map.entry("request_uri", "/img/1.png?w=2"), Map.entry("status", "200"),
                Map.entry("body_bytes_sent", "4096"), Map.entry("upstream_cache_status", "MISS"),
                Map.entry("upstream_response_time", "0.120"), Map.entry("upstream_http_cache_control", "max-age=300"));
        String format = NginxLogReader.LOG_FORMAT;
        assertTrue(format.startsWith("log_format reflex '") && format.endsWith("';"), format);
        String template = format.substring("log_format reflex '".length(), format.length() - 2);
        Matcher m = Pattern.compile("\\$([a-z_]+)").matcher(template);
        StringBuilder line = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            assertTrue(v != null, "unexpected variable $" + m.group(1));
            m.appendReplacement(line, Matcher.quoteReplacement(v));
        }
        m.appendTail(line);

        Trace t = TraceFormat.NGINX.read(write("expanded.log", line + "\n"), Strictness.STRICT);

        assertEquals(1, t.length());
        assertEquals("httpsorigin/img/1.png?w=2", t.key(0));
        assertEquals(4096, t.size(0));
        assertEquals(120.0, t.rttMillis(0), 1e-3);
        assertEquals(300.0, t.ttlSeconds(0));
    }

    // ---- binary formats

    @Test
    void lirsCheckpointLinesAreSkippedNotReadAsKeys() throws IOException {
        Path f = write("pools.trace.gz", "1\n2\n*\n1\n  *  \n\n3\n");

        Trace t = TraceFormat.LIRS.read(f, Strictness.STRICT);

        assertEquals(4, t.length(), "a '*' line is a checkpoint, not a request");
        assertEquals(0, t.malformedSkipped());
        assertArrayEquals(new int[] {0, 1, 0, 2}, objects(t));
        assertEquals("3", t.key(t.object(3)));
    }

    @Test
    void cache2kKeysAreBigEndianInt32AndATruncatedTailIsMalformed() throws IOException {
        byte[] bytes = cache2kBytes(1, 0x01020304, 1);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length + 2);
        Path file = write("cut.cache2k", cut);

        MalformedTraceException e = assertThrows(MalformedTraceException.class,
                () -> TraceFormat.CACHE2K.read(file, Strictness.STRICT));
        assertTrue(e.getMessage().startsWith(file + ": record 4 (byte 12): truncated"), e.getMessage());

        Trace t = TraceFormat.CACHE2K.read(file, Strictness.LENIENT);
        assertEquals(3, t.length());
        assertEquals(1, t.malformedSkipped());
        assertEquals("16909060", t.key(t.object(1)));
        assertFalse(t.hasTimes() || t.hasSizes());
        assertEquals(1.0, t.time(1), "position stands for time");
    }

    @Test
    void oracleGeneralRecordsAre24LittleEndianBytes() throws IOException {
        long bigId = 0x1_0000_0000L + 7;
        Path file = write("t.oracleGeneral", oracleBytes(new long[][] {{100, bigId, 0xFFFF_FFF0L, 1}, {0xFFFF_FFFEL, 3, 0, -1}}));

        Trace t = TraceFormat.ORACLE_GENERAL.read(file, Strictness.STRICT);

        assertEquals(2, t.length());
        assertEquals(Long.toString(bigId), t.key(0));
        assertEquals(100, t.time(0));
        assertEquals(0xFFFF_FFF0L, t.size(0), "sizes are unsigned 32-bit");
        assertEquals(0xFFFF_FFFEL, t.time(1), "times are unsigned 32-bit");
        assertEquals(1, t.size(1));
    }

    @Test
    void oracleGeneralRejectsANextAccessBelowMinusOneNamingTheRecord() throws IOException {
        Path file = write("bad.oracleGeneral", oracleBytes(new long[][] {{1, 5, 10, 1}, {2, 5, 10, -9}}));

        MalformedTraceException e = assertThrows(MalformedTraceException.class,
                () -> TraceFormat.ORACLE_GENERAL.read(file, Strictness.STRICT));
        assertTrue(e.getMessage().startsWith(file + ": record 2 (byte 24): next_access_vtime -9"), e.getMessage());
    }

    // ---- errors about files and formats

    @Test
    void aMissingFileAndAnUnknownFormatAreNamed() {
        Path absent = dir.resolve("absent.csv");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TraceFormat.CSV.read(absent, Strictness.STRICT));
        assertTrue(e.getMessage().contains(absent.toString()));
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> TraceFormat.fromLabel("parquet"));
        assertTrue(u.getMessage().contains("'parquet'") && u.getMessage().contains("oracle-general"), u.getMessage());
    }

    @Test
    void corruptCompressedDataIsReportedWithTheFileName() throws IOException {
        Path file = dir.resolve("broken.csv.xz");
        Files.write(file, "this is not xz data".getBytes(StandardCharsets.UTF_8));

        IOException e = assertThrows(IOException.class, () -> TraceFormat.CSV.read(file, Strictness.STRICT));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void anXzFileDeclaringAHugeDictionaryIsRefusedBeforeTheHeapIsAskedForIt() throws IOException {
        Path file = write("huge-dictionary.lirs.xz", "1\n2\n");
        byte[] b = Files.readAllBytes(file);
        // The block header follows the 12-byte stream header: its size, flags, the LZMA2 filter
        // (id 0x21, one property byte: the dictionary size) and a CRC32. 37 declares 1.5 GiB.
        int header = 12;
        int headerSize = ((b[header] & 0xFF) + 1) * 4;
        assertEquals(0x21, b[header + 2], "LZMA2 filter");
        b[header + 4] = 37;
        CRC32 crc = new CRC32();
        crc.update(b, header, headerSize - 4);
        ByteBuffer.wrap(b, header + headerSize - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        Files.write(file, b);

        IOException e = assertThrows(IOException.class, () -> TraceFormat.LIRS.read(file, Strictness.LENIENT));

        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("limit was "
                + Compression.XZ_MEMORY_LIMIT_KIB + " KiB"), e.getMessage());
    }

    // ---- traces without requests, damaged compressed data, binary garbage

    @ParameterizedTest
    @ValueSource(strings = {"csv", "nginx", "lirs", "adaptsize", "cache2k", "oracle-general"})
    void anEmptyTraceIsAnErrorNamingTheFile(String format) throws IOException {
        Path file = write("empty-" + format + ".trace.gz", "");

        IOException e = assertThrows(IOException.class, () -> TraceFormat.fromLabel(format).read(file, Strictness.STRICT));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("no requests"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aCsvTraceOfAHeaderAndCommentsOnlyIsAnErrorEvenWhenLenient() throws IOException {
        Path file = write("header.csv", "time,key,size\n# nothing yet\n\n");

        IOException e = assertThrows(IOException.class, () -> TraceFormat.CSV.read(file, Strictness.LENIENT));

        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("no requests"), e.getMessage());
    }

    /** {@code lines} seeded csv requests, {@code i,key,size} with keys drawn from 500. */
    private static String seededCsv(long seed, int lines) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("time,key,size\n");
        for (int i = 0; i < lines; i++) {
            csv.append(i).append(',').append(random.nextInt(500)).append(',').append(1 + random.nextInt(4096)).append('\n');
        }
        return csv.toString();
    }

    /** The first half of a gzip file of {@code csv}: what a copy cut short leaves. */
    private Path truncatedGzip(String name, String csv) throws IOException {
        byte[] whole = Files.readAllBytes(write(name + ".whole.csv.gz", csv));
        return Files.write(dir.resolve(name + ".csv.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
    }

    @Test
    void aTruncatedGzipTraceSaysHowFarItGot() throws IOException {
        Path file = truncatedGzip("cut", seededCsv(21, 20_000));

        IOException e = assertThrows(IOException.class, () -> TraceFormat.CSV.read(file, Strictness.STRICT));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        Matcher far = Pattern.compile("after ([0-9,]+) requests \\(([0-9,]+) bytes of decompressed data\\)")
                .matcher(e.getMessage());
        assertTrue(far.find(), "says how far it got: " + e.getMessage());
        assertTrue(Long.parseLong(far.group(1).replace(",", "")) > 1_000, e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void lenientReadingOfATruncatedGzipTraceKeepsTheRequestsBeforeTheDamage() throws IOException {
        String csv = seededCsv(22, 20_000);
        Path file = truncatedGzip("cut", csv);
        Trace whole = TraceFormat.CSV.read(write("whole.csv", csv), Strictness.STRICT);

        Trace kept = TraceFormat.CSV.read(file, Strictness.LENIENT);

        assertTrue(kept.length() > 1_000 && kept.length() < whole.length(), "kept " + kept.length());
        String truncation = kept.truncation().orElseThrow();
        assertTrue(truncation.startsWith(file + ": ") && truncation.contains(
                String.format(Locale.ROOT, "kept the %,d requests read before the damage", kept.length())), truncation);
        assertTrue(whole.truncation().isEmpty());
        for (int i = 0; i < kept.length(); i++) {
            assertEquals(whole.object(i), kept.object(i), "request " + i);
            assertEquals(whole.size(i), kept.size(i), "request " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "nginx", "lirs", "adaptsize"})
    void controlBytesOfAMalformedLineAreEscapedAndTheEchoIsCapped(String format) throws IOException {
        // Every C0 control byte but the white space that ends lines or separates fields, and DEL.
        StringBuilder garbage = new StringBuilder();
        for (int i = 0; i < 4_000; i++) {
            int c = i % 33;
            garbage.append((char) (c == 32 ? 0x7f : c >= 9 && c <= 13 ? 0x01 : c));
        }
        // One field of binary junk where a number belongs: each format's first line is malformed.
        Path file = write("binary-" + format + ".txt", "1 \u0001" + garbage + " \u0002," + garbage + "\n");

        MalformedTraceException e = assertThrows(MalformedTraceException.class,
                () -> TraceFormat.fromLabel(format).read(file, Strictness.STRICT));

        String m = e.getMessage();
        assertTrue(m.startsWith(file + ":1: "), m);
        assertTrue(m.contains("\\x01"), "control bytes are shown as escapes: " + m);
        assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no raw control byte: " + m);
        assertTrue(m.length() < file.toString().length() + 400, "the echo is capped: " + m.length() + " chars");
    }
}
