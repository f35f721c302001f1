package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SelectStrategy} on GoNetpoll loops, as Netty's epoll honours it: one strategy per loop from the
 * configured factory, told at every turn whether work is pending; {@code BUSY_WAIT} polls and never blocks,
 * {@code CONTINUE} skips the turn's IO, {@code SELECT} waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectStrategyTest {
    private static final SelectStrategyFactory BUSY_WAIT = () -> (selectNow, hasTasks) -> SelectStrategy.BUSY_WAIT;

    @Test
    void busyWaitServesConnectionsAndTasksWithoutEverBlocking() throws Exception {
        long socketsBefore = OpenSockets.count();
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(0, BUSY_WAIT);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch);
                            ch.pipeline().addLast(EchoHandler.INSTANCE);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket client = new Socket()) {
                client.setSoTimeout(10_000);
                client.connect(server.localAddress());
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (int i = 0; i < 20; i++) {
                    byte[] request = {(byte) i, 1, 2, 3};
                    out.write(request);
                    assertArrayEquals(request, in.readNBytes(request.length));
                }
            }
            // The server sees the close before the group shuts down (see SpinTest's tearDown for why).
            assertTrue(accepted.get(10, TimeUnit.SECONDS).closeFuture().await(10, TimeUnit.SECONDS));
            assertEquals("ran", group.next().submit(() -> "ran").get(10, TimeUnit.SECONDS));
            server.close().sync();
        } finally {
            assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS),
                    "a busy-waiting loop shuts down");
        }
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(0, counters.blockingEpollWaits(), counters.toString());
        assertTrue(counters.epollWaits() > 0, counters.toString());
        assertEquals(0, counters.spins(), counters.toString());
        assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), counters.toString());
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    /** The control for the count above: the default strategy blocks when it has nothing to do. */
    @Test
    void theDefaultStrategyBlocksWhenIdle() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(0, DefaultSelectStrategyFactory.INSTANCE);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            group.next().submit(() -> { }).get(10, TimeUnit.SECONDS);
            // Once the task has run the loop has nothing to do: it blocks.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (factory.counters().blockingEpollWaits() == 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertTrue(factory.counters().blockingEpollWaits() > 0, factory.counters().toString());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theStrategyIsToldWhetherWorkIsPendingAndItsPollIsDispatched() throws Exception {
        List<Boolean> told = new ArrayList<>();
        SelectStrategyFactory recording = () -> (selectNow, hasTasks) -> {
            told.add(hasTasks);
            return hasTasks ? selectNow.get() : SelectStrategy.SELECT;
        };
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(0, recording);
        ManualIoEventLoop loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        try {
            loop.runNow(); // Netty says: do not block
            assertEquals(List.of(true), told);
            long polls = factory.counters().epollWaits();
            assertEquals(0, factory.counters().blockingEpollWaits(), "the strategy polled: " + factory.counters());

            loop.execute(() -> { });
            loop.run(TimeUnit.SECONDS.toNanos(10)); // a task is pending
            assertEquals(List.of(true, true), told);

            loop.run(TimeUnit.MILLISECONDS.toNanos(5)); // nothing pending: select, which blocks
            assertEquals(List.of(true, true, false), told);
            assertEquals(1, factory.counters().blockingEpollWaits(), factory.counters().toString());
            assertEquals(polls + 2, factory.counters().epollWaits(), factory.counters().toString());
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            while (!loop.isTerminated()) {
                loop.runNow();
            }
        }
    }

    /** {@code CONTINUE}: the turn does no IO at all (not even a poll); tasks still run. */
    @Test
    void continueSkipsTheTurnsIo() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory(0,
                () -> (selectNow, hasTasks) -> SelectStrategy.CONTINUE);
        ManualIoEventLoop loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        try {
            AtomicInteger ran = new AtomicInteger();
            loop.execute(ran::incrementAndGet);
            loop.run(TimeUnit.SECONDS.toNanos(10));
            assertEquals(1, ran.get());
            assertEquals(0, factory.counters().epollWaits(), factory.counters().toString());
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            while (!loop.isTerminated()) {
                loop.runNow();
            }
        }
    }

    @Test
    void eachLoopGetsItsOwnStrategy() throws Exception {
        AtomicInteger made = new AtomicInteger();
        SelectStrategyFactory counting = () -> {
            made.incrementAndGet();
            return DefaultSelectStrategyFactory.INSTANCE.newSelectStrategy();
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setSelectStrategyFactory(counting)));
        try {
            group.next().submit(() -> { }).get(10, TimeUnit.SECONDS);
            group.next().submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertEquals(2, made.get());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GoNetpollIoHandler.newFactory(-1, BUSY_WAIT));
        assertThrows(IllegalArgumentException.class,
                () -> GoNetpollIoHandler.newFactory(GoNetpollIoHandlerConfig.MAX_MAX_EVENTS_PER_WAIT + 1, BUSY_WAIT));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> GoNetpollIoHandler.newFactory(0, null));
        assertEquals("selectStrategyFactory", npe.getMessage());
        assertThrows(NullPointerException.class,
                () -> new GoNetpollIoHandlerConfig().setSelectStrategyFactory(null));
    }

    @Test
    void zeroMaxEventsMeansTheDefaultAndTheConfigKeepsTheStrategy() {
        String factory = GoNetpollIoHandler.newFactory(0, BUSY_WAIT).toString();
        assertTrue(factory.contains("maxEventsPerWait=" + GoNetpollIoHandlerConfig.DEFAULT_MAX_EVENTS_PER_WAIT),
                factory);
        assertTrue(GoNetpollIoHandler.newFactory(64, BUSY_WAIT).toString().contains("maxEventsPerWait=64"));
        GoNetpollIoHandlerConfig config = new GoNetpollIoHandlerConfig();
        assertSame(DefaultSelectStrategyFactory.INSTANCE, config.getSelectStrategyFactory(), "Netty's by default");
        assertSame(BUSY_WAIT, config.setSelectStrategyFactory(BUSY_WAIT).copy().getSelectStrategyFactory());
    }
}
