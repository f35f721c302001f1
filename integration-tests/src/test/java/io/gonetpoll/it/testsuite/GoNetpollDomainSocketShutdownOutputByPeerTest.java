package io.gonetpoll.it.testsuite;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.unix.Socket;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Netty's {@code AbstractSocketShutdownOutputByPeerTest} on Unix-domain sockets with GoNetpoll, as
 * {@code EpollDomainSocketShutdownOutputByPeerTest} runs it: the peer is a plain Netty unix {@link Socket}.
 */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollDomainSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<Socket> {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.serverDomainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAddress();
    }

    @Override
    protected void shutdownOutput(Socket s) throws IOException {
        s.shutdown(false, true);
    }

    @Override
    protected void connect(Socket s, SocketAddress address) throws IOException {
        s.connect(address);
    }

    @Override
    protected void close(Socket s) throws IOException {
        s.close();
    }

    /** In native byte order, as epoll's: the handler reads the first byte. */
    @Override
    protected void write(Socket s, int data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(data).flip();
        s.send(buf, buf.position(), buf.limit());
    }

    /** Netty's unix natives are registered by GoNetpoll's library. */
    @Override
    protected Socket newSocket() {
        GoNetpoll.ensureAvailability();
        return Socket.newSocketDomain();
    }
}
