package io.gonetpoll.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose connects never complete: a listener that never accepts, with its accept queue full.
 * Linux then drops further SYNs ({@code tcp_conn_request}: "listen overflow", with
 * {@code net.ipv4.tcp_abort_on_overflow=0}, the default), so a connect to it hangs until the client gives up,
 * as a connect to an unreachable host would, without leaving 127.0.0.1.
 */
public final class BlackholeListener implements AutoCloseable {
    /** Connects that fill the queue, plus the first one that timed out (proof that the queue is full). */
    private static final int MAX_FILLERS = 16;
    private static final int FILL_CONNECT_TIMEOUT_MILLIS = 200;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackholeListener(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * Binds {@code 127.0.0.1} on a port the kernel picks, with a backlog of one, and connects until a connect
     * times out. The port stays taken until {@link #close()}: nothing else can listen there meanwhile.
     */
    public static BlackholeListener open() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        BlackholeListener blackhole = new BlackholeListener(new ServerSocket(0, 1, loopback));
        int port = blackhole.port();
        try {
            for (int i = 0; i < MAX_FILLERS; i++) {
                Socket filler = new Socket();
                blackhole.fillers.add(filler);
                try {
                    filler.connect(new InetSocketAddress(loopback, port), FILL_CONNECT_TIMEOUT_MILLIS);
                } catch (SocketTimeoutException queueFull) {
                    return blackhole;
                }
            }
        } catch (IOException | RuntimeException e) {
            blackhole.close();
            throw e;
        }
        blackhole.close();
        throw new IOException("the accept queue of 127.0.0.1:" + port + " did not fill up after " + MAX_FILLERS
                + " connections (is net.ipv4.tcp_abort_on_overflow set?)");
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The address whose connects never complete. */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), port());
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Socket filler : fillers) {
            try {
                filler.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        listener.close();
        if (failure != null) {
            throw failure;
        }
    }
}
