package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Echo with backpressure: the client sends {@value #BYTES} bytes as fast as it can while it reads the echo slowly
 * (a pause after every read) through a small receive buffer, so the server's flushes park and its reads pause
 * ({@link BackpressureEcho}); every byte must come back, in order.
 */
final class SlowReaderEcho implements LoadScenario {
    static final int BYTES = 4 << 20;
    private static final int CHUNK = 16 << 10;
    private static final int RECEIVE_BUFFER = 16 << 10;
    private static final long READ_PAUSE_MILLIS = 1;

    private final int port;

    SlowReaderEcho(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "slow-reader-echo-bytes";
    }

    @Override
    public long runOnce() throws Exception {
        try (Socket socket = LoadSockets.connect(port, RECEIVE_BUFFER)) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    write(socket.getOutputStream());
                    written.complete(null);
                } catch (Throwable e) {
                    written.completeExceptionally(e);
                }
            }, "soak-load-slow-reader-writer");
            writer.start();
            read(socket.getInputStream());
            written.get(LoadSockets.READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        return BYTES;
    }

    private static void write(OutputStream out) throws IOException {
        byte[] chunk = new byte[CHUNK];
        for (long sent = 0; sent < BYTES; sent += CHUNK) {
            PatternBytes.fill(chunk, CHUNK, sent);
            out.write(chunk);
        }
    }

    private static void read(InputStream in) throws IOException, InterruptedException {
        byte[] buf = new byte[CHUNK / 2];
        long received = 0;
        while (received < BYTES) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, BYTES - received));
            if (n < 0) {
                throw new IOException("closed by the server after " + received + " of " + BYTES + " echoed bytes");
            }
            PatternBytes.check(buf, n, received);
            received += n;
            Thread.sleep(READ_PAUSE_MILLIS);
        }
    }
}
