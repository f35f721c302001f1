package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/**
 * Netty's {@code SocketShutdownOutputByPeerTest} with GoNetpoll, as {@code EpollSocketShutdownOutputByPeerTest} runs it
 * ({@code serverSocket()}).
 * In 4.2 the base class is {@code AbstractSocketShutdownOutputByPeerTest<java.net.Socket>}: the peer is a
 * plain {@link java.net.Socket}, so only the server side is permuted.
 */
public class GoNetpollSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.serverSocket();
    }
}
