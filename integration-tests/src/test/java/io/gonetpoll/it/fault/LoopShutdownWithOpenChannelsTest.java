package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.BlackholeListener;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault: an event loop group is shut down while its channels are still open — a listener, connected clients and
 * the server's accepted children, spread over two loops, one client with bytes the peer never reads, and one
 * client whose connect is still in progress (to a listener whose accept queue is full).
 *
 * <p>What must hold: shutdown completes; every channel is closed (close future done, channelInactive and
 * channelUnregistered exactly once each; the pending connect fails); every socket left epoll once; and every fd
 * opened since before the group existed is closed again, each loop's own epoll fd and eventfd included (told
 * apart by their {@code /proc/self/fd} link targets).
 */
class LoopShutdownWithOpenChannelsTest {
    private static final int LOOPS = 2;
    private static final int CLIENTS = 4;
    /** More than loopback's socket buffers take while the peer does not read (a few MiB). */
    private static final int UNREAD = 32 << 20;
    private static final String EPOLL = "anon_inode:[eventpoll]";
    private static final String EVENTFD = "anon_inode:[eventfd]";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shutdownClosesEveryChannelAndTheLoopsOwnFds() throws Exception {
        try (BlackholeListener blackhole = BlackholeListener.open()) {
            shutdownWithOpenChannels(blackhole.address());
        }
    }

    private static void shutdownWithOpenChannels(InetSocketAddress blackhole) throws Exception {
        OpenFiles.Baseline fdsBefore = OpenFiles.baseline();

        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(LOOPS, factory);
        LifecycleCounter lifecycle = new LifecycleCounter();
        List<Channel> children = new ArrayList<>();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .handler(lifecycle)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        synchronized (children) {
                            children.add(ch);
                        }
                        // Children do not read: the client below that writes a lot gets its flush parked.
                        ch.config().setAutoRead(false);
                        ch.pipeline().addLast(lifecycle);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Bootstrap().group(group).channel(GoNetpollSocketChannel.class).handler(lifecycle)
                    .connect(server.localAddress()).sync().channel());
        }
        // Children and clients both count channelActive; the listener's own activation counts once.
        assertEquals(1L + 2 * CLIENTS, OpenFiles.awaitValue(lifecycle.active::get, 1 + 2 * CLIENTS, 10),
                "active channels");
        ChannelFuture pendingConnect = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(lifecycle).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
                .connect(blackhole);
        ChannelFuture parkedWrite = clients.get(0).writeAndFlush(Unpooled.directBuffer(UNREAD).writeZero(UNREAD));
        assertFalse(parkedWrite.await(200, TimeUnit.MILLISECONDS), "the write to a peer that never reads completed");
        assertFalse(pendingConnect.isDone(), "the connect to a full accept queue completed");
        Map<Integer, String> opened = fdsBefore.openedSince();
        assertEquals(LOOPS, opened.values().stream().filter(EPOLL::equals).count(),
                "one epoll fd per loop: " + opened);
        assertEquals(LOOPS, opened.values().stream().filter(EVENTFD::equals).count(),
                "one eventfd per loop: " + opened);

        assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS),
                "the group did not terminate");

        List<Channel> all = new ArrayList<>(clients);
        synchronized (children) {
            assertEquals(CLIENTS, children.size(), "accepted children");
            all.addAll(children);
        }
        all.add(server);
        for (Channel channel : all) {
            assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS), channel + " was not closed");
            assertFalse(channel.isOpen(), channel + " is open");
            assertEquals(1, lifecycle.inactive(channel), "channelInactive of " + channel);
            assertEquals(1, lifecycle.unregistered(channel), "channelUnregistered of " + channel);
        }
        assertTrue(parkedWrite.isDone() && !parkedWrite.isSuccess(), "the write to a peer that never reads "
                + "must have failed at shutdown: " + parkedWrite);
        // Never active, so no channelInactive; but it was registered, and its connect must fail, not hang.
        Channel connecting = pendingConnect.channel();
        assertTrue(pendingConnect.await(5, TimeUnit.SECONDS), "the pending connect was never completed");
        assertFalse(pendingConnect.isSuccess(), "the pending connect succeeded");
        assertTrue(connecting.closeFuture().await(5, TimeUnit.SECONDS), "the connecting channel was not closed");
        assertEquals(0, lifecycle.inactive(connecting), "channelInactive of a channel that was never active");
        assertEquals(1, lifecycle.unregistered(connecting), "channelUnregistered of the connecting channel");
        GoNetpollLoopCounters counters = factory.counters();
        // The listener, each client and child, and the connecting socket (added when its connect started).
        int sockets = 1 + 2 * CLIENTS + 1;
        assertEquals(sockets, counters.epollCtlAdds(), counters::toString);
        assertEquals(sockets, counters.epollCtlDels(), counters::toString);
        assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(5),
                "fds the group opened (each loop's epoll fd and eventfd, the sockets) and still open");
    }
}
