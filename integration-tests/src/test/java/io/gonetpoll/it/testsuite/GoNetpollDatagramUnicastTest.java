package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;

import java.util.List;

/**
 * Netty's {@code DatagramUnicastInetTest} (IPv4 unicast) with GoNetpoll, as Netty's epoll module runs it
 * ({@code datagram(family)}: GoNetpoll and NIO on either side).
 */
public class GoNetpollDatagramUnicastTest extends DatagramUnicastInetTest {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagram(socketProtocolFamily());
    }
}
