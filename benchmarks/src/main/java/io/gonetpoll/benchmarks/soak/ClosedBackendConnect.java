package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.net.Socket;

/** A client of the relay whose backend is down ({@link ClosedBackendRelay}): the server must close the connection. */
final class ClosedBackendConnect implements LoadScenario {
    private final int port;

    ClosedBackendConnect(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "closed-backend-connections";
    }

    @Override
    public long runOnce() throws Exception {
        try (Socket socket = LoadSockets.connect(port)) {
            if (socket.getInputStream().read() >= 0) {
                throw new IOException("the relay to a closed port sent bytes");
            }
        }
        return 1;
    }

    @Override
    public long pauseMillis() {
        return 40;
    }
}
