package io.gonetpoll.benchmarks.soak;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** HTTP/1.1 keep-alive: {@value #REQUESTS} requests on one connection, each answered 200 with the hello body. */
final class HttpKeepAlive implements LoadScenario {
    static final int REQUESTS = 50;
    /** Between two requests: a client at this pace still makes hundreds of requests a second. */
    private static final long REQUEST_PAUSE_MILLIS = 2;

    private final int port;

    HttpKeepAlive(int port) {
        this.port = port;
    }

    @Override
    public String unit() {
        return "http-keepalive-requests";
    }

    @Override
    public long runOnce() throws Exception {
        try (Socket socket = LoadSockets.connect(port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < REQUESTS; i++) {
                out.write(HttpText.KEEP_ALIVE);
                HttpText.expectHello(in);
                Thread.sleep(REQUEST_PAUSE_MILLIS);
            }
        }
        return REQUESTS;
    }
}
