package io.reflex.sidecar.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reflex.engine.testing.FuzzInputs;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes a peer sends reach the sidecar's decoder as the server feeds them (a blocking channel,
 * {@link FrameDecoder#next}, then the version-1 or version-2 check and the reads of a checked frame)
 * and end in frames or a {@link ProtocolException}: never another exception, never a hang. Split
 * into any pieces, the same bytes decode the same way.
 *
 * <p>Input layout (so that the committed corpus is the wire bytes with a small prefix): byte 0 picks
 * the model's K (1 to 64) and whether it reads sampled candidates, bytes 1 and 2 the largest piece a
 * read returns (little-endian, 1 to 65,536), the rest is the stream. Corpus:
 * {@code src/test/resources/io/reflex/sidecar/protocol/FrameDecoderFuzzTestInputs/}.
 */
class FrameDecoderFuzzTest {

    private static final int PREFIX = 3;

    // Reused across inputs as the server reuses a handler's decoder across connections (reset()
    // between them); a new one per input would also pile up direct buffers faster than GC frees them.
    private static final FrameDecoder WHOLE = new FrameDecoder();
    private static final FrameDecoder SPLIT = new FrameDecoder();

    private static final FuzzInputs INPUTS = new FuzzInputs("FrameDecoderFuzzTest");

    @AfterAll
    static void reportInputs() {
        INPUTS.report();
    }

    @FuzzTest(maxDuration = "10s")
    void decodesOrRefusesAnyStream(byte[] input) throws IOException {
        INPUTS.add();
        if (input.length < PREFIX) {
            return;
        }
        int k = 1 + (input[0] & 0x3F);
        boolean sampled = (input[0] & 0x40) != 0;
        int piece = 1 + ((input[1] & 0xFF) | (input[2] & 0xFF) << 8);
        byte[] stream = Arrays.copyOfRange(input, PREFIX, input.length);

        List<String> inOne = decodeAll(WHOLE, Channels.newChannel(new ByteArrayInputStream(stream)), k, sampled);
        List<String> inPieces = decodeAll(SPLIT, FrameCodecTest.chunked(stream, piece), k, sampled);
        assertEquals(inOne, inPieces, "the same bytes in pieces of at most " + piece + " decode differently");
    }

    /** What the server makes of each frame, one line each, until the stream ends or framing is lost. */
    private static List<String> decodeAll(FrameDecoder in, ReadableByteChannel channel, int k, boolean sampled)
            throws IOException {
        in.reset();
        List<String> outcomes = new ArrayList<>();
        float[] row = new float[WireV2.MAX_WIDTH];
        while (true) {
            try {
                if (!in.next(channel)) {
                    return outcomes;
                }
            } catch (ProtocolException e) {
                assertTrue(e.fatal(), "a framing error closes the connection");
                outcomes.add("fatal " + e.code() + ": " + e.getMessage());
                return outcomes;
            }
            assertTrue(in.length() >= Wire.MIN_LENGTH && in.length() <= Wire.MAX_LENGTH, "length " + in.length());
            try {
                double sum = 0;
                if (in.version() == WireV2.VERSION) {
                    in.checkEvictV2(k, WireV2.SCHEMA_HISTORY_1, sampled);
                    assertTrue(in.count() >= 1 && in.count() <= k, "count " + in.count());
                    for (int r = 0; r < in.rows(); r++) {
                        in.row(r, row, 0);
                        for (int c = 0; c < in.width(); c++) {
                            assertTrue(row[c] >= 0 || row[c] == -1f, "value " + row[c]);
                            sum += row[c];
                        }
                    }
                } else {
                    in.checkEvict(k);
                    assertTrue(in.count() >= 1 && in.count() <= k, "count " + in.count());
                    for (int i = 0; i < in.count(); i++) {
                        for (int f = 0; f < Wire.FEATURES; f++) {
                            float v = in.feature(i, f);
                            assertTrue(v >= 0 && v < Float.POSITIVE_INFINITY, "feature " + v);
                            sum += v;
                        }
                    }
                }
                outcomes.add("frame " + in.requestId() + " v" + in.version() + " x" + in.count() + " sum " + sum);
            } catch (ProtocolException e) {
                assertTrue(!e.fatal() && e.requestId() == in.requestId(), "a refused frame is answered, not fatal");
                outcomes.add("refused " + e.requestId() + " " + e.code() + ": " + e.getMessage());
            }
        }
    }
}
