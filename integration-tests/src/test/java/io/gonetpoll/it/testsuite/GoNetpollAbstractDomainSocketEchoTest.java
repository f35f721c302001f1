package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketEchoTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@code SocketEchoTest} on Unix-domain sockets with GoNetpoll, bound to Linux abstract names, as
 * {@code EpollAbstractDomainSocketEchoTest} runs it. */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollAbstractDomainSocketEchoTest extends SocketEchoTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAbstractAddress();
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.domainSocket();
    }
}
