package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.DomainSocketDir;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketAddressesTest;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Netty's {@code SocketAddressesTest} on Unix-domain sockets with GoNetpoll,
 * as {@code EpollDomainSocketAddressesTest}.
 */
@ExtendWith(DomainSocketDir.class)
public class GoNetpollDomainSocketAddressesTest extends SocketAddressesTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return DomainSocketDir.newAddress();
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.domainSocket();
    }

    /** Epoll's check: a domain address with a path. */
    @Override
    protected void assertAddress(SocketAddress address) {
        assertNotNull(assertInstanceOf(DomainSocketAddress.class, address).path());
    }
}
