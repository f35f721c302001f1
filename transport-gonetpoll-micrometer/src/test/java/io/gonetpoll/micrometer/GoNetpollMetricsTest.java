package io.gonetpoll.micrometer;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopMetric;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder with a {@link SimpleMeterRegistry}: every metric of every loop, tagged by thread, with real values. */
class GoNetpollMetricsTest {
    @Test
    void everyMetricOfEveryLoopIsBoundAndReadsTheLoop() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try {
            new GoNetpollMetrics(factory, group).bindTo(registry);
            Set<String> loops = new HashSet<>();
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                loops.add(loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
            }
            assertEquals(2 * GoNetpollLoopMetric.values().length, registry.getMeters().size());
            for (Meter meter : registry.getMeters()) {
                assertTrue(meter.getId().getName().startsWith("netty.gonetpoll.loop."), meter.getId()::toString);
                assertTrue(loops.contains(meter.getId().getTag("name")), meter.getId()::toString);
            }

            EventLoop first = group.next();
            String loop = first.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            Channel server = new ServerBootstrap().group(first, first).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            byte[] payload = new byte[1000];
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) server.localAddress()).getPort())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write(payload);
                out.flush();
                InputStream in = client.getInputStream();
                int echoed = 0;
                while (echoed < payload.length) {
                    int n = in.read(new byte[payload.length]);
                    assertTrue(n > 0);
                    echoed += n;
                }
                // A whole loop turn after the echo, and past the binder's snapshot reuse.
                first.submit(() -> { }).get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (registry.get("netty.gonetpoll.loop.bytes.written").tag("name", loop).functionCounter().count()
                        < payload.length) {
                    assertTrue(System.nanoTime() - deadline < 0, "bytes written never reached the payload");
                    Thread.sleep(20);
                }
                FunctionCounter read = registry.get("netty.gonetpoll.loop.bytes.read").tag("name", loop)
                        .functionCounter();
                assertEquals(payload.length, read.count());
                assertEquals("bytes", read.getId().getBaseUnit());
                Gauge registered = registry.get("netty.gonetpoll.loop.channels.registered").tag("name", loop).gauge();
                assertEquals(2, registered.value());
                FunctionCounter busy = registry.get("netty.gonetpoll.loop.busy.time").tag("name", loop)
                        .functionCounter();
                assertEquals("seconds", busy.getId().getBaseUnit());
                assertTrue(busy.count() > 0 && busy.count() < 3600);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        // A destroyed loop has nothing to say (once the last scrape's snapshot is no longer reused).
        List<Gauge> gauges = List.copyOf(registry.get("netty.gonetpoll.loop.channels.registered").gauges());
        assertEquals(2, gauges.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Gauge gauge : gauges) {
            while (!Double.isNaN(gauge.value())) {
                assertTrue(System.nanoTime() - deadline < 0, gauge.getId() + " still reads " + gauge.value());
                Thread.sleep(20);
            }
        }
    }
}
