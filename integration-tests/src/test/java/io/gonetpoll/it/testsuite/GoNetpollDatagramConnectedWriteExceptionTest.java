package io.gonetpoll.it.testsuite;

import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramConnectedWriteExceptionTest;

import java.util.List;

/** Netty's {@code DatagramConnectedWriteExceptionTest} (a failed write on a connected socket fails its promise) with GoNetpoll ({@code datagramSocket()}, as epoll's). */
public class GoNetpollDatagramConnectedWriteExceptionTest extends DatagramConnectedWriteExceptionTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return GoNetpollSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
