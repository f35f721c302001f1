package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop shut down with channels open closes them through Netty's own registrations, so that Netty's count of
 * the loop's channels ({@code registeredChannels()}) ends at 0 and every socket leaves epoll once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopShutdownTest {
    @Test
    void shutdownClosesOpenChannelsAndNettysCountEndsAtZero() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        SingleThreadEventLoop loop = (SingleThreadEventLoop) group.next();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.registeredChannels() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, loop.registeredChannels(), "listener, client, accepted child");

        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();

        assertFalse(server.isOpen());
        assertFalse(client.isOpen());
        assertEquals(0, loop.registeredChannels(), "Netty's count of the loop's channels");
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), counters.toString());
        assertTrue(counters.epollCtlAdds() >= 3, counters.toString());
    }
}
