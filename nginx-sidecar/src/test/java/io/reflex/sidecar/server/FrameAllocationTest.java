package io.reflex.sidecar.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.reflex.engine.testing.AllocationWindows;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-frame serving path allocates nothing once warm ({@link Serving.Responder}'s promise), in
 * process and without the socket: a version-1 EVICT is decoded ({@link FrameDecoder#next}), answered
 * by the Cold-RL responder (features into candidates, the loop's decision, the VICTIMS reply
 * encoded) and counted ({@link SidecarMetrics#answered}), as a connection thread does per frame.
 */
class FrameAllocationTest {

    static final int K = 16;

    @TempDir
    Path dir;

    /** Replays one frame's bytes forever, a frame per {@link #rewind()}. */
    static final class Replay implements ReadableByteChannel {
        private final ByteBuffer frame;

        Replay(byte[] bytes) {
            this.frame = ByteBuffer.wrap(bytes);
        }

        void rewind() {
            frame.rewind();
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!frame.hasRemaining()) {
                return 0;
            }
            int n = Math.min(dst.remaining(), frame.remaining());
            int limit = frame.limit();
            frame.limit(frame.position() + n);
            dst.put(frame);
            frame.limit(limit);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Counts the reply bytes and discards them. */
    static final class Sink implements WritableByteChannel {
        long written;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            written += n;
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void decodingAnsweringAndCountingAVersionOneEvictAllocatesNothingOnceWarm() throws Exception {
        Path model = TestModels.write(dir.resolve("alloc.onnx"), 7, K);
        SidecarConfig config = SidecarConfig.builder().socket(dir.resolve("unused.sock")).model(model)
                .deadline(Duration.ofSeconds(1)).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        float[] features = TestClient.features(K, 3);
        ByteBuffer f = ByteBuffer.allocate(Wire.evictLength(K) + Wire.LENGTH_FIELD).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(Wire.evictLength(K)).put((byte) Wire.VERSION).put((byte) Wire.TYPE_EVICT).putShort((short) K).putInt(5);
        for (float v : features) {
            f.putFloat(v);
        }
        Replay in = new Replay(f.array());
        Sink out = new Sink();
        try (Serving serving = Serving.open(config, model, registry);
             Serving.Responder responder = serving.newResponder()) {
            SidecarMetrics metrics = new SidecarMetrics(registry);
            FrameDecoder decoder = new FrameDecoder();
            FrameEncoder encoder = new FrameEncoder();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] sink = {0};
            long[] warmUpFrames = {0};
            // Warm up until the JIT has compiled the path: windows of 5,000 frames until one allocates
            // less than 1 KiB, at most 400 windows. The interpreter and C1 box every vector of the
            // model's inference (kilobytes a frame), and a loaded machine's compiler queue once
            // outlasted a fixed warm-up of 20,000 frames (78,638,520 bytes in the first measured window).
            AllocationWindows.untilQuiet(() -> {
                for (int i = 0; i < 5_000; i++) {
                    sink[0] += frame(in, out, decoder, encoder, responder, metrics);
                }
                warmUpFrames[0] += 5_000;
            }, 1024, 400);
            long policy = serving.runtime().metrics().policyDecisions();
            // Five windows of 5,000 frames. Micrometer's histograms rotate on the clock (not per
            // frame) and may allocate when a window happens to span a rotation, so: the quietest
            // window allocates nothing beyond noise, and no window allocates a byte per frame (a
            // per-frame allocation of even 8 bytes would show 40,000 in every window).
            long[] windows = new long[5];
            for (int w = 0; w < windows.length; w++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 5_000; i++) {
                    sink[0] += frame(in, out, decoder, encoder, responder, metrics);
                }
                windows[w] = threads.getCurrentThreadAllocatedBytes() - before;
            }
            long quietest = java.util.Arrays.stream(windows).min().orElseThrow();
            long busiest = java.util.Arrays.stream(windows).max().orElseThrow();

            assertTrue(quietest < 1024, java.util.Arrays.toString(windows) + " bytes per 5,000 frames");
            assertTrue(busiest < 10_000, java.util.Arrays.toString(windows) + " bytes per 5,000 frames");
            assertEquals(policy + 25_000, serving.runtime().metrics().policyDecisions(), "the model answered each frame");
            long frames = warmUpFrames[0] + 25_000;
            assertEquals(frames * Wire.VICTIMS_LENGTH + frames * Wire.LENGTH_FIELD, out.written, "one reply per frame");
            assertTrue(sink[0] != 0);
        }
    }

    private static long frame(Replay in, Sink out, FrameDecoder decoder, FrameEncoder encoder,
                              Serving.Responder responder, SidecarMetrics metrics) throws Exception {
        in.rewind();
        if (!decoder.next(in)) {
            throw new AssertionError("no frame decoded");
        }
        long t0 = System.nanoTime();
        long mask = responder.answer(decoder, encoder, out);
        metrics.answered(responder.lastByPolicy(), responder.lastByFloor(), mask, System.nanoTime() - t0);
        metrics.admission(responder.lastAdmission());
        return mask;
    }
}
