package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * Half-close: the client sends {@value #BYTES} bytes and shuts its output; the server must echo all of them, then
 * shut its own output, so the client reads exactly those bytes and then the end of the stream.
 */
final class HalfCloseEcho implements LoadScenario {
    static final int BYTES = 64 << 10;

    private final int port;

    HalfCloseEcho(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "half-close-connections";
    }

    @Override
    public long runOnce() throws Exception {
        try (Socket socket = LoadSockets.connect(port)) {
            byte[] sent = new byte[BYTES];
            PatternBytes.fill(sent, BYTES, 0);
            socket.getOutputStream().write(sent);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] echoed = in.readNBytes(BYTES);
            if (echoed.length != BYTES) {
                throw new IOException("half-closed: " + echoed.length + " of " + BYTES + " bytes echoed");
            }
            PatternBytes.check(echoed, BYTES, 0);
            if (in.read() >= 0) {
                throw new IOException("half-closed: bytes after the echo, instead of the end of the stream");
            }
        }
        return 1;
    }

    @Override
    public long pauseMillis() {
        return 20;
    }
}
