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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault: {@code close()} from a foreign thread lands at a random moment while another foreign thread keeps
 * writing and the peer keeps reading, so the close races with EPOLLOUT edges, parked and resumed flushes, and
 * writes still queued as loop tasks. Repeated {@value #ROUNDS} times with random delays.
 *
 * <p>What must hold each round: the close future succeeds; every write future completes (none is left hanging),
 * and every failed one failed with a {@link ClosedChannelException}; channelInactive and channelUnregistered
 * fire exactly once. After all rounds: one DEL per ADD, and the fd count is back.
 */
class ForeignCloseRacingWritesTest {
    private static final int ROUNDS = 30;
    private static final int CHUNK = 64 * 1024;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeRacingWithForeignWritesCompletesEveryWriteOnce() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        ByteBuf chunk = Unpooled.directBuffer(CHUNK).writeZero(CHUNK);
        try (ShutdownOnClose loops = new ShutdownOnClose(new MultiThreadIoEventLoopGroup(2, factory));
             ServerSocket peer = new ServerSocket(0, ROUNDS, InetAddress.getLoopbackAddress())) {
            OpenFiles.Baseline fdsBefore = OpenFiles.baseline();
            int failedWrites = 0;
            for (int round = 0; round < ROUNDS; round++) {
                failedWrites += closeDuringWrites(loops.group, peer, chunk, round);
            }
            System.out.printf("foreign close racing writes: %d rounds, %d writes failed by the close%n", ROUNDS,
                    failedWrites);
            GoNetpollLoopCounters counters = factory.counters();
            assertEquals(ROUNDS, OpenFiles.awaitValue(() -> factory.counters().epollCtlDels(), ROUNDS, 5),
                    counters::toString);
            assertEquals(ROUNDS, factory.counters().epollCtlAdds(), counters::toString);
            assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(5), "fds opened by the test and still open");
        } finally {
            chunk.release();
        }
    }

    /** One round; returns how many writes the close failed. */
    private static int closeDuringWrites(EventLoopGroup group, ServerSocket peer, ByteBuf chunk, int round)
            throws Exception {
        LifecycleCounter lifecycle = new LifecycleCounter();
        Channel channel = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class).handler(lifecycle)
                .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.getLocalPort()))
                .sync().channel();
        List<ChannelFuture> writes = new CopyOnWriteArrayList<>();
        try (Socket reader = peer.accept()) {
            Thread drain = start(() -> drain(reader), "peer-reader-" + round);
            Thread writer = start(() -> writeUntilClosed(channel, chunk, writes), "foreign-writer-" + round);
            // Let the writer get going (thread start-up varies), then close at a random moment.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (writes.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(writes.size() >= 2, "round " + round + ": the writer did not get going");
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));

            ChannelFuture closed = channel.close();
            assertTrue(closed.await(5, TimeUnit.SECONDS), "round " + round + ": close did not complete");
            assertTrue(closed.isSuccess(), () -> "round " + round + ": close failed: " + closed.cause());
            writer.join(5_000);
            assertFalse(writer.isAlive(), "round " + round + ": the writer is stuck");
            drain.join(5_000);
            assertFalse(drain.isAlive(), "round " + round + ": the peer never saw the close");
        }
        int failed = 0;
        for (ChannelFuture write : writes) {
            assertTrue(write.await(5, TimeUnit.SECONDS), "round " + round + ": a write never completed");
            if (!write.isSuccess()) {
                assertInstanceOf(ClosedChannelException.class, write.cause(), "round " + round);
                failed++;
            }
        }
        assertEquals(1L, OpenFiles.awaitValue(() -> lifecycle.unregistered(channel), 1, 5),
                "round " + round + ": channelUnregistered");
        assertEquals(1, lifecycle.inactive(channel), "round " + round + ": channelInactive");
        return failed;
    }

    /** writeAndFlush while writable (bounded memory), until the channel is closed; then one write after it. */
    private static void writeUntilClosed(Channel channel, ByteBuf chunk, List<ChannelFuture> writes) {
        while (channel.isOpen()) {
            if (channel.isWritable()) {
                writes.add(channel.writeAndFlush(chunk.retainedDuplicate()));
            } else {
                LockSupport.parkNanos(100_000); // do not burn one of the two cores while the loop flushes
            }
        }
        writes.add(channel.writeAndFlush(chunk.retainedDuplicate()));
    }

    private static void drain(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // Discard: the peer only keeps the client's flushes moving.
            }
        } catch (IOException closed) {
            // The test closed the socket: the round is over either way.
        }
    }

    private static Thread start(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
