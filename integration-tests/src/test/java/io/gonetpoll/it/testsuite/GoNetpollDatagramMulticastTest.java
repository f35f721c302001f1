package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;

import java.util.List;

/**
 * Netty's {@code DatagramMulticastTest} (IPv4 multicast) with GoNetpoll, as Netty's epoll module runs it
 * ({@code datagram(family)}: GoNetpoll and NIO on either side).
 */
public class GoNetpollDatagramMulticastTest extends DatagramMulticastTest {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagram(socketProtocolFamily());
    }
}
