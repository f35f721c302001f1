package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketFileRegionTest;

import java.util.List;

/**
 * Netty's {@code SocketFileRegionTest} with GoNetpoll, as {@code EpollSocketFileRegionTest} runs it
 * ({@code socketWithFastOpen()}).
 * Epoll overrides no hook here: {@code supportsCustomFileRegion()} stays {@code true}, as for epoll.
 */
public class GoNetpollSocketFileRegionTest extends SocketFileRegionTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithFastOpen();
    }
}
