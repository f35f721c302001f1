package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

/** Netty's {@code DatagramConnectNotExistsTest} (a connected socket reports PortUnreachableException) with GoNetpoll ({@code datagramSocket()}, as epoll's). */
public class GoNetpollDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
