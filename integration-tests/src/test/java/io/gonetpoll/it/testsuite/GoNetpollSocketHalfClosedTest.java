package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;

import java.util.List;

/**
 * Netty's {@code SocketHalfClosedTest} with GoNetpoll, as {@code EpollSocketHalfClosedTest} runs it
 * ({@code socketWithoutFastOpen()}).
 * Epoll overrides no hook here ({@code maxReadCompleteWithNoDataAfterInputShutdown()} keeps Netty's default).
 */
public class GoNetpollSocketHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socketWithoutFastOpen();
    }
}
