package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * An idle client of the {@code READ_TIMEOUT_MILLIS} listener: it sends a few bytes, reads their echo, then says
 * nothing. The server must close the connection (its read deadline fires), and not before the timeout: each of
 * the server's read requests sets the deadline, all of them after the connect began, so the cut is measured from
 * before the connect. (Had the client been descheduled for the timeout before its bytes, the cut comes before
 * the echo; that is right too.)
 */
final class IdleUntilCut implements LoadScenario {
    private static final byte[] HELLO = "idle".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final int timeoutMillis;

    IdleUntilCut(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public String unit() {
        return "idle-cuts";
    }

    @Override
    public long runOnce() throws Exception {
        long connecting = System.nanoTime();
        try (Socket socket = LoadSockets.connect(port)) {
            socket.getOutputStream().write(HELLO);
            InputStream in = socket.getInputStream();
            byte[] echo = in.readNBytes(HELLO.length);
            if (echo.length == HELLO.length && !Arrays.equals(echo, HELLO)) {
                throw new IOException("echo differs: " + new String(echo, StandardCharsets.US_ASCII));
            }
            if (echo.length == HELLO.length && in.read() >= 0) {
                throw new IOException("an idle client received bytes it did not send");
            }
            long cutAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting);
            if (cutAfterMillis < timeoutMillis) {
                throw new IOException("idle connection cut " + cutAfterMillis + " ms after the connect began, "
                        + "before READ_TIMEOUT_MILLIS " + timeoutMillis);
            }
        }
        return 1;
    }
}
