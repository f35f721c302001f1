package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;

import java.util.List;

/**
 * Netty's {@code DatagramUnicastIPv6Test} (IPv6 unicast) with GoNetpoll, as Netty's epoll module runs it
 * ({@code datagram(family)}: GoNetpoll and NIO on either side).
 */
public class GoNetpollDatagramUnicastIPv6Test extends DatagramUnicastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagram(socketProtocolFamily());
    }
}
