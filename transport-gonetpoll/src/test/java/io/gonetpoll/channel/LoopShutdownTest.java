package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop shut down with channels open closes them through Netty's own registrations, so that Netty's count of
 * the loop's registrations ends at 0 and every socket leaves epoll once. ({@code SingleThreadIoEventLoop}
 * keeps that count for its auto-scaling and suspension decisions, behind the protected
 * {@code getNumOfRegisteredChannels()}; its public {@code registeredChannels()} answers -1.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopShutdownTest {
    @Test
    void shutdownClosesOpenChannelsAndNettysCountEndsAtZero() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        EventLoop loop = group.next();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registrations(loop) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, registrations(loop), "listener, client, accepted child");

        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();

        assertFalse(server.isOpen());
        assertFalse(client.isOpen());
        assertEquals(0, registrations(loop), "Netty's count of the loop's registrations");
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), counters.toString());
        assertTrue(counters.epollCtlAdds() >= 3, counters.toString());
    }

    /**
     * A shutdown with no quiet period requested by a task on the loop begins after the loop's IO turn checked
     * for it, and Netty's SingleThreadIoEventLoop then ends without calling IoHandler.prepareToDestroy; the
     * handler's destroy must still close what is registered, or the sockets stay open after the group
     * terminated (before the fix: listener, client and accepted child all open, 3 ADDs and 0 DELs).
     */
    @Test
    void aShutdownRequestedFromTheLoopStillClosesOpenChannels() throws Exception {
        long socketsBefore = OpenSockets.count();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        EventLoop loop = group.next();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registrations(loop) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, registrations(loop), "listener, client, accepted child");

        loop.execute(() -> group.shutdownGracefully(0, 5, TimeUnit.SECONDS));
        assertTrue(group.terminationFuture().await(10, TimeUnit.SECONDS), "the group terminated");

        assertFalse(server.isOpen(), "listener");
        assertFalse(client.isOpen(), "client");
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(3, counters.epollCtlAdds(), counters.toString());
        assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), counters.toString());
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    private static int registrations(EventLoop loop) throws Exception {
        Method count = SingleThreadIoEventLoop.class.getDeclaredMethod("getNumOfRegisteredChannels");
        count.setAccessible(true);
        return (Integer) count.invoke(loop);
    }
}
