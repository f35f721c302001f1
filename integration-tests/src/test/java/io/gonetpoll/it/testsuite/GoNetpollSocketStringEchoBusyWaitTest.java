package io.gonetpoll.it.testsuite;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketStringEchoTest;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@code SocketStringEchoTest} on GoNetpoll loops whose select strategy always answers
 * {@link SelectStrategy#BUSY_WAIT}, as Netty's epoll module runs it ({@code EpollSocketStringEchoBusyWaitTest}:
 * one group of two loops for the listener, the accepted channels and the client). At the end the loops have made
 * no blocking wait at all, and they shut down.
 */
public class GoNetpollSocketStringEchoBusyWaitTest extends SocketStringEchoTest {
    private static GoNetpollIoHandlerFactory factory;
    private static EventLoopGroup busyWaitGroup;

    @BeforeAll
    public static void startBusyWaitGroup() {
        factory = GoNetpollIoHandler.newFactory(0, () -> (selectNow, hasTasks) -> SelectStrategy.BUSY_WAIT);
        busyWaitGroup = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("testsuite-gonetpoll-busy-wait", true), factory);
    }

    @AfterAll
    public static void stopBusyWaitGroup() throws Exception {
        assertTrue(busyWaitGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS),
                "the busy-waiting loops shut down");
        assertEquals(0, factory.counters().blockingEpollWaits(), factory.counters().toString());
        assertTrue(factory.counters().epollWaits() > 0, factory.counters().toString());
    }

    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return List.of(new BootstrapComboFactory<>() {
            @Override
            public ServerBootstrap newServerInstance() {
                return new ServerBootstrap().group(busyWaitGroup, busyWaitGroup)
                        .channel(GoNetpollServerSocketChannel.class);
            }

            @Override
            public Bootstrap newClientInstance() {
                return new Bootstrap().group(busyWaitGroup).channel(GoNetpollSocketChannel.class);
            }
        });
    }
}
