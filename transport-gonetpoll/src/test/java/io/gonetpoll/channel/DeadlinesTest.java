package io.gonetpoll.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Deadlines}, the one owner of a channel's deadline state, where it differs from what
 * {@link DeadlineChannelTest} covers on registered channels: deadlines set before the channel has a loop, from
 * the caller's thread or from many threads racing the registration, are handed to the loop whole.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlinesTest {
    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;
    private ServerSocket peerListener;

    @BeforeEach
    void setUp() throws Exception {
        factory = GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setDeadlineTickMillis(5));
        group = new MultiThreadIoEventLoopGroup(1, factory);
        peerListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws Exception {
        peerListener.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void aDeadlineSetBeforeRegistrationIsArmedByIt() throws Exception {
        GoNetpollSocketChannel channel = new GoNetpollSocketChannel();
        channel.setReadDeadline(Duration.ofSeconds(60));
        assertEquals(0, factory.counters().deadlineTimerArms(), "no loop, no wheel yet");
        group.register(channel).sync();
        assertEquals(1, factory.counters().deadlineTimerArms());
        assertEquals(1, onLoop(channel, () -> channel.ioHandler().deadlineWheel().pendingTimeouts()));
        channel.close().sync();
        awaitNoPendingTimeouts(channel, "close cancels it");
    }

    /**
     * Threads set deadlines while the channel is being registered: each setting lands either before the
     * hand-over (under the owner's lock) or after it (posted to the loop), never in between, so exactly the
     * last value of each thread's sequence counts and the timers on the wheel belong to the current deadline.
     */
    @Test
    void settersRacingTheRegistrationLoseNothing() throws Exception {
        for (int round = 0; round < 20; round++) {
            GoNetpollSocketChannel channel = new GoNetpollSocketChannel();
            int threads = 4;
            CountDownLatch start = new CountDownLatch(1);
            Thread[] setters = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                setters[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 500; i++) {
                        channel.setDeadline(Duration.ofSeconds(60 + i));
                    }
                    channel.setDeadline(0);
                }, "setter-" + t);
                setters[t].start();
            }
            start.countDown();
            group.register(channel).sync();
            for (Thread setter : setters) {
                setter.join();
            }
            // Every thread ended by clearing; whatever interleaving, no deadline is left armed.
            awaitNoPendingTimeouts(channel, "round " + round);
            channel.close().sync();
        }
    }

    @Test
    void aPastDeadlineSetBeforeRegistrationFailsTheFirstReadOfTheConnection() throws Exception {
        BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();
        GoNetpollSocketChannel channel = new GoNetpollSocketChannel();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                exceptions.add(cause);
            }
        });
        channel.setReadDeadline(System.nanoTime() - 1);
        group.register(channel).sync();
        channel.connect(peerListener.getLocalSocketAddress()).sync();
        try (Socket peer = peerListener.accept()) {
            Throwable cause = exceptions.poll(10, TimeUnit.SECONDS);
            assertNotNull(cause, "the expired read deadline is reported");
            assertInstanceOf(ReadDeadlineExceededException.class, cause);
            assertTrue(channel.isOpen(), "a read deadline leaves the channel open");
        } finally {
            channel.close().sync();
        }
    }

    /** A cancelled timeout leaves the wheel at its next tick: wait for that, with a deadline. */
    private static void awaitNoPendingTimeouts(GoNetpollSocketChannel channel, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long pending;
        while ((pending = onLoop(channel, () -> channel.ioHandler().deadlineWheel().pendingTimeouts())) != 0
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, pending, what);
    }

    private static <T> T onLoop(GoNetpollSocketChannel channel, java.util.concurrent.Callable<T> task)
            throws Exception {
        return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
}
