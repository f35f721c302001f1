package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6MappedTest;

import java.util.List;

/**
 * Netty's {@code DatagramUnicastIPv6MappedTest} (IPv4-mapped addresses on IPv6 sockets) with GoNetpoll, as Netty's epoll module runs it
 * ({@code datagram(family)}: GoNetpoll and NIO on either side).
 */
public class GoNetpollDatagramUnicastIPv6MappedTest extends DatagramUnicastIPv6MappedTest {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagram(socketProtocolFamily());
    }
}
