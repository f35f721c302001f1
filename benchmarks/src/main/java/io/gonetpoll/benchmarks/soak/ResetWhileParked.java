package io.gonetpoll.benchmarks.soak;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Resets: the client sends to the echo listener without reading until nothing more fits (the echo has backed up
 * into the client's small receive buffer, so the server's flush is parked and its reads paused), then closes with
 * {@code SO_LINGER} 0, so the kernel sends RST instead of FIN. The server must see a reset and close. Small socket
 * buffers on the client keep the bytes it takes to get there small; it stops at 1 MiB in any case.
 */
final class ResetWhileParked implements LoadScenario {
    private static final int SOCKET_BUFFER = 16 << 10;
    /** Writes that send nothing, 1 ms apart, before the buffers count as full. */
    private static final int FULL_AFTER_EMPTY_WRITES = 10;
    private static final long MAX_BYTES = 1 << 20;

    private final int port;

    ResetWhileParked(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "resets";
    }

    @Override
    public long runOnce() throws Exception {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            channel.socket().connect(LoadSockets.server(port), LoadSockets.CONNECT_TIMEOUT_MILLIS);
            channel.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(16 << 10);
            long sent = 0;
            int emptyWrites = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LoadSockets.READ_TIMEOUT_MILLIS);
            while (emptyWrites < FULL_AFTER_EMPTY_WRITES && sent < MAX_BYTES && System.nanoTime() < deadline) {
                chunk.clear();
                int n = channel.write(chunk);
                if (n == 0) {
                    emptyWrites++;
                    Thread.sleep(1);
                } else {
                    emptyWrites = 0;
                    sent += n;
                }
            }
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        return 1;
    }

    @Override
    public long pauseMillis() {
        return 10;
    }
}
