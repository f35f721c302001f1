package io.gonetpoll.it.testsuite;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.it.GoNetpollSocketTestPermutation;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's {@code SocketMultipleConnectTest} with GoNetpoll, as {@code EpollSocketMultipleConnectTest} runs it: the
 * {@code socketWithFastOpen()} pairs whose client runs on NIO or on the transport under test. (Epoll's version
 * adds the NIO-client pairs twice, through two {@code if}s; each pair is added once here.)
 */
public class GoNetpollSocketMultipleConnectTest extends SocketMultipleConnectTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> factories = new ArrayList<>();
        for (BootstrapComboFactory<ServerBootstrap, Bootstrap> combo
                : GoNetpollSocketTestPermutation.INSTANCE.socketWithFastOpen()) {
            EventLoopGroup group = combo.newClientInstance().config().group();
            if (group instanceof IoEventLoopGroup) {
                IoEventLoopGroup ioGroup = (IoEventLoopGroup) group;
                if (ioGroup.isIoType(NioIoHandler.class) || ioGroup.isIoType(GoNetpollIoHandler.class)) {
                    factories.add(combo);
                }
            }
        }
        return factories;
    }
}
