package io.reflex.harness.nginx;

import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.ProtocolException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving sidecar on a real Unix socket, for NGINX's side of the contract: it either answers
 * correct VICTIMS frames too late, or answers garbage of eight kinds, taken in a fixed rotation
 * across all connections (an ERROR reply first, then noise, ...), so that however few decisions a
 * loaded machine lets NGINX make, the first two replies already show both fallbacks a test counts.
 * Only the noise's bytes are drawn (seeded).
 */
final class FakeSidecar implements AutoCloseable {

    enum Mode { LATE, GARBAGE }

    private final ServerSocketChannel server;
    private final Mode mode;
    private final long delayNanos;
    private final Path socket;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong replies = new AtomicLong();
    /** The garbage kinds in the order they are sent: an ERROR reply, noise, then the rest. */
    private static final int[] ROTATION = {5, 0, 1, 2, 3, 4, 6, 7};
    private final AtomicLong garbageSent = new AtomicLong();

    FakeSidecar(Path socket, Mode mode, long delayNanos, long seed) throws IOException {
        this.socket = socket;
        this.mode = mode;
        this.delayNanos = delayNanos;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 128);
        Thread.ofPlatform().daemon().name("fake-accept").start(() -> {
            long connection = 0;
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    long c = ++connection;
                    Thread.ofPlatform().daemon().name("fake-conn").start(() -> serve(ch, new SplittableRandom(seed + c)));
                } catch (IOException | RuntimeException | Error e) {
                    if (server.isOpen()) {
                        System.err.println("fake sidecar: accept loop ended: " + e);
                    }
                    return;
                }
            }
        });
    }

    private void serve(SocketChannel ch, SplittableRandom random) {
        FrameDecoder in = new FrameDecoder();
        try (ch) {
            while (in.next(ch)) {
                requests.incrementAndGet();
                if (mode == Mode.LATE) {
                    // Parked, not spinning: a spinning thread per connection competed with NGINX's
                    // cache manager for the CPU and made the stalls that let it find late replies.
                    long until = System.nanoTime() + delayNanos;
                    for (long left = delayNanos; left > 0; left = until - System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(left);
                    }
                    write(ch, frame(8 + 8, 1, 2, in.count(), in.requestId()).putLong(1L).flip());
                } else {
                    int kind = ROTATION[(int) (garbageSent.getAndIncrement() % ROTATION.length)];
                    write(ch, garbage(kind, random, in.count(), in.requestId()));
                }
                replies.incrementAndGet();
            }
        } catch (IOException | ProtocolException e) {
            // NGINX closed (after a timeout or a bad reply): that is the point
        } catch (RuntimeException e) {
            System.err.println("fake sidecar: " + e);
        }
    }

    private static ByteBuffer frame(int length, int version, int type, int count, long id) {
        ByteBuffer b = ByteBuffer.allocate(12 + 64).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(length).put((byte) version).put((byte) type).putShort((short) count).putInt((int) id);
    }

    /** Wrong reply {@code kind} of eight. */
    private static ByteBuffer garbage(int kind, SplittableRandom r, int k, long id) {
        switch (kind) {
            case 0: {                                   // noise
                byte[] b = new byte[1 + r.nextInt(40)];
                r.nextBytes(b);
                return ByteBuffer.wrap(b);
            }
            case 1:                                     // the wrong request id
                return frame(16, 1, 2, k, id + 1).putLong(1L).flip();
            case 2:                                     // an empty mask
                return frame(16, 1, 2, k, id).putLong(0L).flip();
            case 3:                                     // a bit at or above K
                return frame(16, 1, 2, k, id).putLong(1L << Math.min(63, k)).flip();
            case 4:                                     // another version
                return frame(16, 9, 2, k, id).putLong(1L).flip();
            case 5: {                                   // an ERROR reply
                ByteBuffer b = frame(8 + 4 + 4, 1, 3, 0, id);
                return b.putShort((short) 6).putShort((short) 4).put("oops".getBytes()).flip();
            }
            case 6:                                     // a length far over the limit
                return frame(1 << 30, 1, 2, k, id).putLong(1L).flip();
            default:                                    // half a frame, then silence
                return (ByteBuffer) frame(16, 1, 2, k, id).putLong(1L).flip().limit(9);
        }
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
