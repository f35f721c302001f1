package io.gonetpoll.benchmarks.soak;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** Connection churn: one {@code Connection: close} request per connection; the server answers, then closes. */
final class HttpChurn implements LoadScenario {
    private final int port;

    HttpChurn(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "http-churn-connections";
    }

    @Override
    public long runOnce() throws Exception {
        try (Socket socket = LoadSockets.connect(port)) {
            socket.getOutputStream().write(HttpText.CLOSE);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            HttpText.expectHello(in);
            if (in.read() >= 0) {
                throw new IOException("bytes after the response to Connection: close");
            }
        }
        return 1;
    }

    @Override
    public long pauseMillis() {
        return 20;
    }
}
