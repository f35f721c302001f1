package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener joins epoll at bind, after {@code listen}; if that {@code epoll_ctl(ADD)} fails, the bind fails with
 * the ADD's {@link IOException} and the listener is not active (issue 13, item 7). Before the fix it was marked
 * active first, so a failed ADD left it active and listening, its connections queued in the kernel with nobody
 * polling for them, and the bind failed with an {@code UncheckedIOException} instead.
 *
 * <p>The ADD fails for real: another handle of the same loop has already added the listener's fd to the loop's
 * epoll, so the kernel answers {@code EEXIST}. That handle is the only thing here that is not a channel; it polls
 * the fd as the loop's tests do an eventfd ({@code GoNetpollIoHandlerTest}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerEpollAddFailureTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @Test
    void bindFailsAndTheListenerIsNotActive() throws Exception {
        long socketsBefore = OpenSockets.count();
        EventLoop loop = loops.group().next();
        GoNetpollServerSocketChannel listener = new GoNetpollServerSocketChannel(SocketProtocolFamily.INET);
        Events events = new Events();
        listener.pipeline().addLast(events);
        loop.register(listener).sync();
        IoRegistration squatter = addToEpollFirst(loop, listener);

        ChannelFuture bind = listener.bind(LOOPBACK);

        assertTrue(bind.await(10, TimeUnit.SECONDS), "the bind completed");
        assertFalse(bind.isSuccess(), "the bind succeeded though the listener could not join epoll");
        assertFalse(listener.isActive(), "a listener that is not in epoll is not active");
        assertBindFailedWithTheAddsError(bind);
        assertEquals(List.of(), events.seen, "no channelActive for a listener nobody polls");

        loop.submit(squatter::cancel).sync();
        listener.close().sync();
        assertEquals(List.of(), events.seen, "no channelInactive either: it never was active");
        assertDeletedWhatWasAdded();
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    /** Through a {@link ServerBootstrap}, which closes a channel whose bind failed. */
    @Test
    void bootstrapBindFailsWithTheAddsErrorAndClosesTheListener() throws Exception {
        long socketsBefore = OpenSockets.count();
        EventLoop loop = loops.group().next();
        GoNetpollServerSocketChannel listener = new GoNetpollServerSocketChannel(SocketProtocolFamily.INET);
        Events events = new Events();
        // The fd is in epoll before the bootstrap registers the listener: the bind is the first ADD it makes.
        IoRegistration squatter = addToEpollFirst(loop, listener);

        ChannelFuture bind = new ServerBootstrap().group(loops.group())
                .channelFactory((ChannelFactory<GoNetpollServerSocketChannel>) () -> listener)
                .handler(events).childHandler(new ChannelInboundHandlerAdapter()).bind(LOOPBACK);

        assertTrue(bind.await(10, TimeUnit.SECONDS), "the bind completed");
        assertBindFailedWithTheAddsError(bind);
        assertTrue(listener.closeFuture().await(10, TimeUnit.SECONDS), "the bootstrap closed the listener");
        assertEquals(List.of(), events.seen, "neither channelActive nor channelInactive");

        // The close took the fd out of epoll (its last reference went), so the other handle's cancel deletes nothing.
        loop.submit(squatter::cancel).sync();
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(1, counters.epollCtlAdds(), counters.toString());
        assertEquals(0, counters.epollCtlDels(), counters.toString());
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    /** Adds the listener's fd to the loop's epoll under another registration, as its first ADD. */
    private static IoRegistration addToEpollFirst(EventLoop loop, GoNetpollServerSocketChannel listener)
            throws Exception {
        SameFd handle = new SameFd(new FileDescriptor(listener.fd().intValue()));
        IoRegistration registration = ((IoEventLoop) loop).register(handle).sync().getNow();
        loop.submit(() -> registration.submit(GoNetpollIoOps.EPOLL_ADD)).sync();
        return registration;
    }

    private static void assertBindFailedWithTheAddsError(ChannelFuture bind) {
        assertFalse(bind.isSuccess(), "the bind succeeded though the listener could not join epoll");
        IOException cause = assertInstanceOf(IOException.class, bind.cause(), "the ADD's own error");
        assertTrue(String.valueOf(cause.getMessage()).contains("epoll_ctl(ADD)"), String.valueOf(cause));
    }

    /** Only the other handle's ADD succeeded, and its cancel deleted it. */
    private void assertDeletedWhatWasAdded() {
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(1, counters.epollCtlAdds(), counters.toString());
        assertEquals(1, counters.epollCtlDels(), counters.toString());
    }

    /** The pipeline's activity events, as the listener's handler sees them. */
    private static final class Events extends ChannelInboundHandlerAdapter {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            seen.add("active");
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            seen.add("inactive");
            ctx.fireChannelInactive();
        }
    }

    /**
     * Polls a listener's fd number without owning it: the listener closes the fd, so this handle's {@code close}
     * (run if the loop shuts down with it registered) does nothing.
     */
    private static final class SameFd implements GoNetpollIoHandle {
        private final FileDescriptor fd;

        SameFd(FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
        }

        @Override
        public void runQueued(int sides) {
        }

        @Override
        public void close() {
        }
    }
}
