package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;

import java.util.List;

/**
 * Netty's {@code DatagramMulticastIPv6Test} (IPv6 multicast) with GoNetpoll, as Netty's epoll module runs it
 * ({@code datagram(family)}: GoNetpoll and NIO on either side).
 */
public class GoNetpollDatagramMulticastIPv6Test extends DatagramMulticastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagram(socketProtocolFamily());
    }
}
