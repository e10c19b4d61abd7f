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
