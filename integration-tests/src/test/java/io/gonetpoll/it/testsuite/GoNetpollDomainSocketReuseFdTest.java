package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.AbstractSocketReuseFdTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@code AbstractSocketReuseFdTest} on Unix-domain sockets with GoNetpoll,
 * as {@code EpollDomainSocketReuseFdTest} runs it.
 */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollDomainSocketReuseFdTest extends AbstractSocketReuseFdTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAddress();
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.domainSocket();
    }
}
