package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;

import java.util.List;

/**
 * Netty's {@code TrafficShapingHandlerTest} with GoNetpoll. Netty's epoll module does not run this class
 * (only Netty's testsuite module does, with NIO); we do, with
 * {@link GoNetpollSocketTestPermutation#socket()}: every pair but NIO x NIO.
 */
public class GoNetpollTrafficShapingHandlerTest extends TrafficShapingHandlerTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.socket();
    }
}
