package io.gonetpoll.it.fault;

import io.gonetpoll.it.OpenFiles;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop group shut down while its channels are open (a listener, clients, accepted children, spread over two
 * loops) closes every one of them — each close future completes and channelInactive fires once per channel —
 * and gives back every fd it opened: the sockets, and each loop's epoll fd and eventfd, counted by their
 * {@code /proc/self/fd} link targets ({@code anon_inode:[eventpoll]}, {@code anon_inode:[eventfd]}).
 */
class LoopShutdownClosesChannelsTest {
    private static final int CLIENTS = 4;

    @ParameterizedTest
    @EnumSource(FaultTransport.class)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shutdownClosesChannelsAndFreesTheLoopsFds(FaultTransport transport) throws Exception {
        Map<Integer, String> before = FdSnapshot.take();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, transport.newFactory());
        Inactive inactive = new Inactive();
        List<Channel> channels = new ArrayList<>();
        Channel server = new io.netty.bootstrap.ServerBootstrap().group(group).channel(transport.serverChannel)
                .handler(inactive)
                .childHandler(inactive)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        channels.add(server);
        for (int i = 0; i < CLIENTS; i++) {
            channels.add(new io.netty.bootstrap.Bootstrap().group(group).channel(transport.socketChannel)
                    .handler(inactive).connect(server.localAddress()).sync().channel());
        }
        // Listener + clients + one child per client.
        int expected = 1 + 2 * CLIENTS;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inactive.active.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, inactive.active.get(), "channels active before the shutdown");
        assertTrue(count(FdSnapshot.take(), "anon_inode:[eventpoll]") > count(before, "anon_inode:[eventpoll]"),
                "the loops' epoll fds are not visible in /proc/self/fd");

        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();

        for (Channel channel : channels) {
            assertTrue(channel.closeFuture().isDone(), channel + " is still open");
        }
        assertEquals(expected, inactive.inactive.get(), "channelInactive calls");
        long fds = OpenFiles.awaitValue(OpenFiles::count, before.size(), 5);
        Map<Integer, String> after = FdSnapshot.take();
        assertEquals(before.size(), fds, () -> "open fds:" + FdSnapshot.diff(before, after));
        assertEquals(count(before, "anon_inode:[eventpoll]"), count(after, "anon_inode:[eventpoll]"), "epoll fds");
        assertEquals(count(before, "anon_inode:[eventfd]"), count(after, "anon_inode:[eventfd]"), "eventfds");
    }

    private static long count(Map<Integer, String> fds, String target) {
        return fds.values().stream().filter(target::equals).count();
    }

    @ChannelHandler.Sharable
    private static final class Inactive extends ChannelInboundHandlerAdapter {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger inactive = new AtomicInteger();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.incrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
        }
    }
}
