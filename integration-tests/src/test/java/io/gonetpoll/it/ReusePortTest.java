package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code SO_REUSEPORT} ({@link UnixChannelOption#SO_REUSEPORT}) on GoNetpoll listeners, as Netty's
 * {@code EpollReuseAddrTest} checks it for epoll: two listeners bound to the same port, on two loops, share the
 * connections: of {@value #CONNECTIONS} connections every one is accepted once, and each listener accepts some (the
 * kernel spreads connections by a hash of their addresses, so one listener taking all of them is as likely as
 * 2^-{@value #CONNECTIONS}). Without the option the second bind fails, so it is the option that lets it through.
 * Afterwards every socket left epoll and the process holds the fds it held before.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReusePortTest {
    private static final int CONNECTIONS = 200;

    @Test
    void twoListenersOnOnePortShareTheConnections() throws Exception {
        long fdsBefore = OpenFiles.count();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        try {
            AtomicInteger acceptedByFirst = new AtomicInteger();
            AtomicInteger acceptedBySecond = new AtomicInteger();
            Channel first = listener(group, new Counting(acceptedByFirst), true)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            InetSocketAddress address = (InetSocketAddress) first.localAddress();
            Channel second = listener(group, new Counting(acceptedBySecond), true).bind(address).sync().channel();
            assertEquals(address, second.localAddress());
            assertTrue(first.eventLoop() != second.eventLoop(), "both listeners on one loop");

            ChannelFuture withoutOption = listener(group, new Counting(new AtomicInteger()), false).bind(address)
                    .await();
            assertInstanceOf(IOException.class, withoutOption.cause(), "a third bind without SO_REUSEPORT");

            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(address, 5000);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acceptedByFirst.get() + acceptedBySecond.get() < CONNECTIONS
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertEquals(CONNECTIONS, acceptedByFirst.get() + acceptedBySecond.get(), "connections accepted");
            assertTrue(acceptedByFirst.get() > 0 && acceptedBySecond.get() > 0,
                    "accepted by the first listener " + acceptedByFirst + ", by the second " + acceptedBySecond);

            first.close().sync();
            second.close().sync();
            long adds = factory.counters().epollCtlAdds();
            assertEquals(adds, OpenFiles.awaitValue(() -> factory.counters().epollCtlDels(), adds, 10),
                    () -> "a DEL for every ADD: " + factory.counters());
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        assertEquals(fdsBefore, OpenFiles.awaitValue(OpenFiles::count, fdsBefore, 10), "open fds");
    }

    private static ServerBootstrap listener(EventLoopGroup group, ChannelHandler child, boolean reusePort) {
        return new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .option(UnixChannelOption.SO_REUSEPORT, reusePort)
                .childHandler(child);
    }

    /** Counts the connections a listener accepted, and closes them. */
    @ChannelHandler.Sharable
    private static final class Counting extends ChannelInboundHandlerAdapter {
        private final AtomicInteger accepted;

        Counting(AtomicInteger accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            ctx.close();
        }
    }
}
