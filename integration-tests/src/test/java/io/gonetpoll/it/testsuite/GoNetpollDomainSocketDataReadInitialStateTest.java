package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketDataReadInitialStateTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@code SocketDataReadInitialStateTest} on Unix-domain sockets with GoNetpoll,
 * as {@code EpollDomainSocketDataReadInitialStateTest} runs it.
 */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollDomainSocketDataReadInitialStateTest extends SocketDataReadInitialStateTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAddress();
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.domainSocket();
    }
}
