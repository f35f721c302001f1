package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's native epoll and GoNetpoll in one JVM, as users run them side by side: both libraries register the
 * {@code io.netty.channel.unix} natives. Each transport serves a connection from each transport's client.
 */
class CombinationOfEpollAndGoNetpollTest {
    @Test
    void bothTransportsServeEachOther() throws Exception {
        Epoll.ensureAvailability();
        GoNetpoll.ensureAvailability();
        assertTrue(Epoll.isAvailable() && GoNetpoll.isAvailable());
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup gonetpoll = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            Channel epollServer = EchoFixture.startServer(epoll, EpollServerSocketChannel.class);
            Channel gonetpollServer = EchoFixture.startServer(gonetpoll, GoNetpollServerSocketChannel.class);
            byte[] payload = "both natives, one JVM".getBytes(StandardCharsets.US_ASCII);
            for (Channel server : List.of(epollServer, gonetpollServer)) {
                EchoFixture.roundTrip(epoll, EpollSocketChannel.class, server.localAddress(), payload);
                EchoFixture.roundTrip(gonetpoll, GoNetpollSocketChannel.class, server.localAddress(), payload);
            }
            epollServer.close().sync();
            gonetpollServer.close().sync();
        } finally {
            epoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            gonetpoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
