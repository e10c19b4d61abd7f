package io.reflex.sidecar;

import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.ProtocolException;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A real Unix-socket client of the sidecar, for tests. Not thread-safe. */
public final class TestClient implements AutoCloseable {

    public final SocketChannel channel;
    public final FrameEncoder out = new FrameEncoder();
    public final FrameDecoder in = new FrameDecoder();

    public TestClient(Path socket) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    /** Reads the next reply; false when the sidecar closed the connection. */
    public boolean reply() throws IOException, ProtocolException {
        return in.next(channel);
    }

    /** Sends an EVICT of {@code count} candidates with plausible features; returns the reply mask. */
    public long evict(long id, int count) throws IOException, ProtocolException {
        out.evict(channel, id, count, features(count, id));
        if (!in.next(channel)) {
            throw new IOException("sidecar closed the connection");
        }
        return in.mask();
    }

    /**
     * Sends a version-2 EVICT of {@code count} history-1 candidates (plus the incoming row when
     * {@code flags} has {@code FLAG_INCOMING}) taken from {@code rows}; returns the reply mask.
     */
    public long evictV2(long id, int count, int flags, float[] rows) throws IOException, ProtocolException {
        out.evictV2(channel, id, count, io.reflex.sidecar.protocol.WireV2.SCHEMA_HISTORY_1, flags, rows);
        if (!in.next(channel)) {
            throw new IOException("sidecar closed the connection");
        }
        return in.mask();
    }

    /**
     * Plausible raw history-1 rows for {@code count} candidates, and an incoming row after them
     * when {@code incoming}, varied by {@code salt}: what NGINX's patch would send.
     */
    public static float[] historyRows(int count, boolean incoming, long salt) {
        int w = io.reflex.engine.eviction.HistoryFeatures.WIDTH;
        float[] v = new float[(count + (incoming ? 1 : 0)) * w];
        for (int i = 0; i < count + (incoming ? 1 : 0); i++) {
            long h = (salt * 31 + i) * 0x9E3779B97F4A7C15L;
            boolean in = i == count;
            int at = i * w;
            v[at] = in ? 0 : (h >>> 40) % 100_000;
            v[at + 1] = (h >>> 20) % 5_000;
            v[at + 2] = (h & 1) == 0 ? -1 : (h >>> 24) % 5_000;
            v[at + 3] = (h & 3) != 3 ? -1 : (h >>> 28) % 5_000;
            for (int e = 0; e < 4; e++) {
                v[at + 4 + e] = 1 + ((h >>> (8 * e + 1)) % 1000) / 100f;
            }
            v[at + 8] = 1024 + (h >>> 12) % 800_000;
            v[at + 9] = in ? 0 : v[at] + (h >>> 44) % 10_000;
            v[at + 10] = in ? 0 : (h >>> 8) % 50;
        }
        return v;
    }

    /** Plausible features for {@code count} candidates, varied by {@code salt}. */
    public static float[] features(int count, long salt) {
        float[] f = new float[count * 6];
        for (int i = 0; i < count; i++) {
            long h = (salt * 31 + i) * 0x9E3779B97F4A7C15L;
            f[i * 6] = (h >>> 40) % 7200;
            f[i * 6 + 1] = 1024 + (h >>> 20) % 800_000;
            f[i * 6 + 2] = (h >>> 8) % 50;
            f[i * 6 + 3] = (h >>> 30) % 3600;
            f[i * 6 + 4] = (h >>> 12) % 86_400;
            f[i * 6 + 5] = 50 + (h >>> 50) % 20;
        }
        return f;
    }

    /** True when the peer has closed: a read returns end of stream (waits up to the timeout). */
    public boolean closedByPeer(long timeoutMillis) throws IOException {
        channel.configureBlocking(false);
        try {
            ByteBuffer b = ByteBuffer.allocate(64);
            long end = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < end) {
                int n;
                try {
                    n = channel.read(b);
                } catch (IOException e) {
                    return true;
                }
                if (n < 0) {
                    return true;
                }
                b.clear();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        } finally {
            channel.configureBlocking(true);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
