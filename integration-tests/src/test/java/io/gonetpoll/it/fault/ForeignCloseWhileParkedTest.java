package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault: {@code close()} is called from a thread that is not the channel's loop while both sides of the channel
 * are parked — a flush waits for an EPOLLOUT edge that never comes (the peer reads nothing), and the autoRead
 * read waits for data that never comes (the peer writes nothing). With SO_LINGER off, 0 (reset) and 1 s (the
 * blocking close runs on another executor).
 *
 * <p>What must hold: the close future succeeds; every write that had not completed fails with a
 * {@link ClosedChannelException}; channelInactive and channelUnregistered fire exactly once each; the socket's
 * fd is closed; and the loop deleted the fd from epoll exactly once for the one add.
 */
class ForeignCloseWhileParkedTest {
    private static final int CHUNK = 256 * 1024;
    /** The peer's receive buffer plus our send buffer hold a few MiB on loopback; 64 MiB is far beyond. */
    private static final int MAX_CHUNKS = 256;

    /**
     * SO_LINGER -1 (off): the usual close on the loop. 0: close with RST. 1: the close blocks up to a second
     * (the peer reads nothing) and runs on another executor after the loop deleted the fd from epoll.
     */
    @ParameterizedTest(name = "SO_LINGER={0}")
    @ValueSource(ints = {-1, 0, 1})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void closeFromForeignThreadFailsParkedWritesAndClosesOnce(int soLinger) throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        ByteBuf chunk = Unpooled.directBuffer(CHUNK).writeZero(CHUNK);
        try (ShutdownOnClose loops = new ShutdownOnClose(new MultiThreadIoEventLoopGroup(1, factory));
             ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoopGroup group = loops.group;
            OpenFiles.Baseline fdsBefore = OpenFiles.baseline();
            LifecycleCounter lifecycle = new LifecycleCounter();
            Channel channel = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class).handler(lifecycle)
                    .option(ChannelOption.SO_LINGER, soLinger)
                    .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.getLocalPort()))
                    .sync().channel();
            try (Socket silent = peer.accept()) {
                List<ChannelFuture> writes = fillUntilFlushParks(channel, chunk, factory);
                List<ChannelFuture> unfinished = new ArrayList<>();
                writes.stream().filter(w -> !w.isDone()).forEach(unfinished::add);
                assertFalse(unfinished.isEmpty(), "no write was left pending");
                assertEquals(0, lifecycle.reads.get(), "the peer never writes");

                ChannelFuture closed = channel.close();
                assertTrue(closed.await(5, TimeUnit.SECONDS), "close did not complete");
                assertTrue(closed.isSuccess(), () -> "close failed: " + closed.cause());
                for (ChannelFuture write : unfinished) {
                    assertTrue(write.await(5, TimeUnit.SECONDS), "a pending write was never completed");
                    assertFalse(write.isSuccess(), "a write that could not be sent succeeded");
                    assertInstanceOf(ClosedChannelException.class, write.cause());
                }
                assertEquals(1L, OpenFiles.awaitValue(() -> lifecycle.unregistered(channel), 1, 5),
                        "channelUnregistered");
                // A duplicate notification would be a task queued on the loop by one of the closes, which are all
                // done: two tasks run after it (the second after whatever the first queued) before counting.
                channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
                channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
                assertEquals(1, lifecycle.inactive(channel), "channelInactive");
                assertEquals(1, lifecycle.unregistered(channel), "channelUnregistered");
                assertFalse(channel.isOpen());
            }
            assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(5),
                    "fds: the client socket and the accepted peer socket must be closed");
            GoNetpollLoopCounters counters = factory.counters();
            assertEquals(1, counters.epollCtlAdds(), counters::toString);
            assertEquals(1, counters.epollCtlDels(), counters::toString);
        } finally {
            chunk.release();
        }
    }

    /**
     * Writes chunks from this (foreign) thread until one stays pending because the socket buffers are full and
     * the loop has seen a write that would block, i.e. the flush is parked on the write side.
     */
    private static List<ChannelFuture> fillUntilFlushParks(Channel channel, ByteBuf chunk,
                                                           GoNetpollIoHandlerFactory factory) throws Exception {
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < MAX_CHUNKS; i++) {
            ChannelFuture write = channel.writeAndFlush(chunk.retainedDuplicate());
            writes.add(write);
            if (!write.await(100, TimeUnit.MILLISECONDS) && factory.counters().writesWouldBlock() > 0) {
                assertTrue(channel.isOpen() && !channel.isWritable(), "the channel should be open and unwritable");
                return writes;
            }
            assertTrue(write.isSuccess(), () -> "write failed: " + write.cause());
        }
        throw new AssertionError("the flush never parked after " + MAX_CHUNKS + " chunks: " + factory.counters());
    }
}
