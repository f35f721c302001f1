package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The per-loop metrics of issue 17 on real loopback connections: a snapshot per loop names the loop's thread and
 * counts what the loop did (bytes, accepts, registrations, parked sides, waits, time busy and waiting, the longest
 * turn, wakeups saved, deadlines moved); the factory's totals sum them.
 */
class LoopMetricsTest {
    private static final int PAYLOAD = 100_000;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @Test
    void aLoopsSnapshotNamesItsThreadAndCountsAnEcho() throws Exception {
        long socketsBefore = OpenSockets.count();
        EventLoop loop = loops.group().next();
        String threadName = loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        GoNetpollLoopCounters start = only(loops.factory().loopCounters());

        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childHandler(EchoHandler.INSTANCE).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(loops.group()).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    private int received;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received += ((ByteBuf) msg).readableBytes();
                        ((ByteBuf) msg).release();
                        if (received == PAYLOAD) {
                            echoed.complete(null);
                        }
                    }
                }).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[PAYLOAD])).sync();
        echoed.get(10, TimeUnit.SECONDS);
        LoopTurns.await(loop, () -> loops.factory().counters().epollWaits());

        GoNetpollLoopCounters quiet = only(loops.factory().loopCounters());
        assertEquals(threadName, quiet.loopName());
        assertEquals(1, quiet.loops());
        // The server's child reads the payload and writes it back, the client reads it back.
        assertEquals(2L * PAYLOAD, quiet.bytesRead(), quiet::toString);
        assertEquals(2L * PAYLOAD, quiet.bytesWritten(), quiet::toString);
        assertEquals(1, quiet.accepts(), quiet::toString);
        assertEquals(3, quiet.registeredChannels(), quiet::toString);
        // Auto-read: the listener's accept and both connections' reads wait for an edge; no flush waits.
        assertEquals(3, quiet.readersParked(), quiet::toString);
        assertEquals(0, quiet.writersParked(), quiet::toString);
        assertTrue(quiet.blockingEpollWaits() > 0 && quiet.blockingEpollWaits() <= quiet.epollWaits(), quiet::toString);
        assertTrue(quiet.busyNanos() > start.busyNanos() && quiet.waitNanos() > start.waitNanos(), quiet::toString);
        double utilisation = quiet.utilisationSince(start);
        assertTrue(utilisation > 0 && utilisation < 1, "utilisation " + utilisation);

        GoNetpollLoopCounters total = loops.factory().counters();
        assertNull(total.loopName());
        assertEquals(1, total.loops());
        assertEquals(quiet.bytesRead(), total.bytesRead());
        assertEquals(quiet.accepts(), total.accepts());

        client.close().sync();
        server.close().sync();
        GoNetpollLoopCounters closed = awaitLoop(c -> c.registeredChannels() == 0);
        assertEquals(0, closed.readersParked(), closed::toString);
        assertEquals(0, closed.writersParked(), closed::toString);
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    @Test
    void aFlushWaitingForAFullSocketCountsAsAParkedWriter() throws Exception {
        long socketsBefore = OpenSockets.count();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                .channel(GoNetpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        ParkedFlush.fill(client);
        GoNetpollLoopCounters parked = only(loops.factory().loopCounters());
        assertEquals(1, parked.writersParked(), parked::toString);
        assertTrue(parked.writesWouldBlock() >= 1, parked::toString);

        client.close().sync();
        // The peer reads nothing, so it does not see the close: it is closed here.
        accepted.get(10, TimeUnit.SECONDS).close().sync();
        server.close().sync();
        GoNetpollLoopCounters closed = awaitLoop(c -> c.registeredChannels() == 0);
        assertEquals(0, closed.writersParked(), closed::toString);
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    /** A task is part of the loop's turn though Netty runs it outside the IoHandler; a snapshot takes the window. */
    @Test
    void theLongestTurnCoversTasksAndEachSnapshotStartsANewWindow() throws Exception {
        EventLoop loop = loops.group().next();
        long spinNanos = TimeUnit.MILLISECONDS.toNanos(200);
        GoNetpollLoopCounters before = only(loops.factory().loopCounters());
        loop.submit(() -> {
            long end = System.nanoTime() + spinNanos;
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        }).get(10, TimeUnit.SECONDS);
        LoopTurns.await(loop, () -> loops.factory().counters().epollWaits());
        GoNetpollLoopCounters after = only(loops.factory().loopCounters());
        assertTrue(after.longestTurnNanos() >= spinNanos, after::toString);
        assertTrue(after.busyNanos() - before.busyNanos() >= spinNanos, after::toString);

        LoopTurns.await(loop, () -> loops.factory().counters().epollWaits());
        GoNetpollLoopCounters next = only(loops.factory().loopCounters());
        assertTrue(next.longestTurnNanos() < spinNanos, next::toString);
    }

    @Test
    void wakeupsFromOtherThreadsWhileTheLoopRunsAreSavedAndTheLoopsOwnAreNotCounted() throws Exception {
        EventLoop loop = loops.group().next();
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        GoNetpollLoopCounters busy = only(loops.factory().loopCounters());
        for (int i = 0; i < 100; i++) {
            loop.execute(() -> { });
        }
        GoNetpollLoopCounters afterForeign = only(loops.factory().loopCounters());
        release.countDown();
        assertEquals(busy.wakeupsWritten(), afterForeign.wakeupsWritten(), afterForeign::toString);
        assertEquals(100, afterForeign.wakeupsSaved() - busy.wakeupsSaved(), afterForeign::toString);

        loop.submit(() -> {
            for (int i = 0; i < 100; i++) {
                loop.execute(() -> { });
            }
        }).get(10, TimeUnit.SECONDS);
        GoNetpollLoopCounters afterOwn = only(loops.factory().loopCounters());
        // Only the submit above came from another thread.
        assertTrue(afterOwn.wakeupsSaved() - afterForeign.wakeupsSaved() <= 1, afterOwn::toString);
    }

    @Test
    void aDeadlineMovedLaterKeepsItsTimerAndCountsAMove() throws Exception {
        long socketsBefore = OpenSockets.count();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                .channel(GoNetpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        GoNetpollLoopCounters before = only(loops.factory().loopCounters());
        client.eventLoop().submit(() -> {
            long now = System.nanoTime();
            client.setReadDeadline(now + TimeUnit.SECONDS.toNanos(30));
            client.setReadDeadline(now + TimeUnit.SECONDS.toNanos(40));
            client.setReadDeadline(now + TimeUnit.SECONDS.toNanos(50));
        }).get(10, TimeUnit.SECONDS);
        GoNetpollLoopCounters moved = only(loops.factory().loopCounters());
        assertEquals(1, moved.deadlineTimerArms() - before.deadlineTimerArms(), moved::toString);
        assertEquals(2, moved.deadlineMoves() - before.deadlineMoves(), moved::toString);
        client.close().sync();
        server.close().sync();
        GoNetpollLoopCounters closed = awaitLoop(c -> c.registeredChannels() == 0);
        assertEquals(1, closed.deadlineTimerCancels() - before.deadlineTimerCancels(), closed::toString);
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    private GoNetpollLoopCounters awaitLoop(Predicate<GoNetpollLoopCounters> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GoNetpollLoopCounters counters = only(loops.factory().loopCounters());
        while (!condition.test(counters)) {
            if (System.nanoTime() - deadline > 0) {
                fail("the loop's counters did not reach the expected state in 10 s: " + counters);
            }
            Thread.sleep(10);
            counters = only(loops.factory().loopCounters());
        }
        return counters;
    }

    private static GoNetpollLoopCounters only(List<GoNetpollLoopCounters> loops) {
        assertEquals(1, loops.size(), loops::toString);
        return loops.get(0);
    }
}
