package io.gonetpoll.benchmarks.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Blocking client sockets of the soak load, to the server on loopback, with every wait bounded. */
final class LoadSockets {
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** SO_TIMEOUT of every socket: a read that waits longer fails the load. */
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private LoadSockets() {
    }

    static InetSocketAddress server(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static Socket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** {@code receiveBuffer} 0 leaves SO_RCVBUF to the kernel. */
    static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.connect(server(port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
