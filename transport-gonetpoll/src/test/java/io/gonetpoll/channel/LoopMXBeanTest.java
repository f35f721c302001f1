package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Each loop's MXBean (issue 17, item 5): registered when the config asks, named by its thread, gone at destroy. */
class LoopMXBeanTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void eachLoopHasAnMXBeanWhileItLives() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(
                new GoNetpollIoHandlerConfig().setJmxEnabled(true));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        List<ObjectName> names = new ArrayList<>();
        try {
            List<String> threads = new ArrayList<>();
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                threads.add(loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
            }
            for (String thread : threads) {
                Set<ObjectName> found = SERVER.queryNames(
                        new ObjectName("io.gonetpoll:type=EventLoop,name=" + ObjectName.quote(thread) + ",*"), null);
                assertEquals(1, found.size(), found::toString);
                ObjectName name = found.iterator().next();
                names.add(name);
                assertTrue(JMX.isMXBeanInterface(GoNetpollLoopMXBean.class));
                assertEquals(thread, SERVER.getAttribute(name, "LoopName"));
                assertEquals(0L, SERVER.getAttribute(name, "RegisteredChannels"));
            }
            EventLoop first = (EventLoop) group.iterator().next();
            Channel server = new ServerBootstrap().group(first, first).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            GoNetpollLoopMXBean bean = JMX.newMXBeanProxy(SERVER, names.get(0), GoNetpollLoopMXBean.class);
            assertEquals(1, bean.getRegisteredChannels());
            // channelActive, and with it auto-read's first accept request, runs in a task after the bind.
            first.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertEquals(1, bean.getReadersParked());
            assertTrue(bean.getEpollWaits() > 0);
            server.close().sync();
            assertEquals(0, bean.getRegisteredChannels());
            assertEquals(0, bean.getReadersParked());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        for (ObjectName name : names) {
            assertFalse(SERVER.isRegistered(name), name + " outlived its loop");
        }
    }

    @Test
    void noMXBeanUnlessAsked() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            String thread = group.next().submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            Set<ObjectName> found = SERVER.queryNames(
                    new ObjectName("io.gonetpoll:type=EventLoop,name=" + ObjectName.quote(thread) + ",*"), null);
            if (!found.isEmpty()) {
                fail("registered without being asked: " + found);
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
