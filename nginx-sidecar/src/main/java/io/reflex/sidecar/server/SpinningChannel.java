package io.reflex.sidecar.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection read by spinning briefly before blocking. NGINX's cache manager evicts in bursts:
 * each EVICT follows the previous reply within tens of microseconds (it deletes the victims' files,
 * then asks again). A thread that blocks after each reply must be woken by the scheduler for the
 * next request, which on a busy machine costs more than the whole decision; a thread that polls
 * the socket for {@code spinNanos} first catches the next request of the burst at once, and blocks
 * only between bursts. The channel stays non-blocking; it is switched to blocking for the wait
 * after the spin (and for a write the peer's full buffer would refuse), then back.
 *
 * <p>Not thread-safe: one per connection, used by its handler thread. Allocation-free.
 */
final class SpinningChannel implements ByteChannel {

    private final SocketChannel channel;
    private final long spinNanos;

    SpinningChannel(SocketChannel channel, long spinNanos) throws IOException {
        this.channel = channel;
        this.spinNanos = spinNanos;
        channel.configureBlocking(spinNanos == 0);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (spinNanos == 0) {
            return channel.read(dst);
        }
        int n = channel.read(dst);
        if (n != 0) {
            return n;
        }
        long end = System.nanoTime() + spinNanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
            n = channel.read(dst);
            if (n != 0) {
                return n;
            }
        }
        channel.configureBlocking(true);
        try {
            return channel.read(dst);
        } finally {
            if (channel.isOpen()) {
                channel.configureBlocking(false);
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = channel.write(src);
        if (n == 0 && src.hasRemaining() && spinNanos != 0) {
            channel.configureBlocking(true);
            try {
                n = channel.write(src);
            } finally {
                if (channel.isOpen()) {
                    channel.configureBlocking(false);
                }
            }
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
