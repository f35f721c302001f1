package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollChannelOption;
import io.gonetpoll.channel.GoNetpollDeadlineChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerConfig;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.channel.ReadDeadlineExceededException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketChannelConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API as a user outside {@code io.gonetpoll.channel} sees it: it compiles against it (configs are
 * Netty's interfaces, not GoNetpoll's package-private classes) and it behaves as documented.
 */
class PublicApiTest {
    @Test
    void configsAreNettysInterfacesAndTakeGoNetpollOptions() {
        GoNetpollSocketChannel socket = new GoNetpollSocketChannel();
        GoNetpollServerSocketChannel server = new GoNetpollServerSocketChannel();
        try {
            SocketChannelConfig config = socket.config().setTcpNoDelay(false).setKeepAlive(true);
            assertTrue(config.isKeepAlive());
            assertTrue(config.setOption(GoNetpollChannelOption.TCP_KEEPIDLE, 30));
            assertEquals(30, config.getOption(GoNetpollChannelOption.TCP_KEEPIDLE));
            ServerSocketChannelConfig serverConfig = server.config().setBacklog(128);
            assertEquals(128, serverConfig.getBacklog());
        } finally {
            socket.unsafe().closeForcibly();
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void availabilityFactoryAndCounters() {
        assertTrue(GoNetpoll.isAvailable());
        assertNull(GoNetpoll.unavailabilityCause());
        GoNetpoll.ensureAvailability();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(
                new GoNetpollIoHandlerConfig().setMaxEventsPerWait(64));
        assertTrue(factory.isChangingThreadSupported());
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(0, counters.epollCtlAdds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GoNetpollIoHandlerConfig().setMaxEventsPerWait(0));
        assertTrue(e.getMessage().contains("maxEventsPerWait") && e.getMessage().contains("0"), e.getMessage());
    }

    /** The README's cast: any GoNetpoll connection is a GoNetpollDeadlineChannel, set from any thread. */
    @Test
    void deadlineTrioThroughThePublicInterface() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try (java.net.ServerSocket peerListener = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.BlockingQueue<Throwable> exceptions =
                    new java.util.concurrent.LinkedBlockingQueue<>();
            Channel channel = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            exceptions.add(cause);
                        }
                    }).connect(peerListener.getLocalSocketAddress()).sync().channel();
            try (java.net.Socket peer = peerListener.accept()) {
                ((GoNetpollDeadlineChannel) channel).setReadDeadline(Duration.ofMillis(50));
                Throwable cause = exceptions.poll(10, TimeUnit.SECONDS);
                assertInstanceOf(ReadDeadlineExceededException.class, cause);
                assertTrue(channel.isOpen());
                ((GoNetpollDeadlineChannel) channel).setDeadline(0);
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** The README's observability example: a stall listener as a lambda, a snapshot per loop, the metric table. */
    @Test
    void observabilityThroughThePublicApi() throws Exception {
        java.util.concurrent.BlockingQueue<io.gonetpoll.channel.GoNetpollStall> stalls =
                new java.util.concurrent.LinkedBlockingQueue<>();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig()
                .setStallThresholdMillis(50).setStallListener(stalls::add));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            String thread = group.next().submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            java.util.List<GoNetpollLoopCounters> loops = factory.loopCounters();
            assertEquals(1, loops.size());
            assertEquals(thread, loops.get(0).loopName());
            for (io.gonetpoll.channel.GoNetpollLoopMetric metric : io.gonetpoll.channel.GoNetpollLoopMetric.values()) {
                assertTrue(metric.valueOf(loops.get(0)) >= 0, metric::toString);
            }
            group.next().execute(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
            });
            io.gonetpoll.channel.GoNetpollStall stall = stalls.poll(10, TimeUnit.SECONDS);
            assertTrue(stall != null && stall.loopName().equals(thread), String.valueOf(stall));
            assertTrue(stall.stackTrace().length > 0);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        assertTrue(factory.counters().stalls() >= 1);
    }
}
