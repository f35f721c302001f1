package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stall detector (issue 17, item 2) against loops blocked for real: a handler that sleeps, one that reads from
 * a blocking socket, one that waits for a contended lock, each reported once while it lasts, with the loop thread's
 * stack showing the blocking frame, and its end with its total length; a loop kept busy by real traffic in short
 * turns is never reported; the monitor thread exists only while the factory has loops and a threshold.
 */
class StallDetectorTest {
    private static final long THRESHOLD_MILLIS = 100;

    @Test
    void aHandlerThatSleepsIsReportedOnceWithItsStackAndItsLength() throws Exception {
        StallRecorder recorder = new StallRecorder();
        GoNetpollIoHandlerFactory factory = newFactory(THRESHOLD_MILLIS, recorder);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        long sleepMillis = 1000;
        try (Stalling stalling = new Stalling(factory, group, () -> sleepInHandler(sleepMillis))) {
            long started = stalling.trigger();
            StallRecorder.Detected detected = recorder.awaitDetected(StallDetectorTest.class.getName(),
                    "sleepInHandler");
            GoNetpollStall stall = detected.stall;
            assertTrue(StallRecorder.hasFrame(stall, "java.lang.Thread", "sleep")
                    || StallRecorder.hasFrame(stall, "java.lang.Thread", "sleep0"), () -> describe(stall));
            assertEquals(stalling.loopThreadName(), stall.loopName());
            assertTrue(stall.detectedAfter().toMillis() >= THRESHOLD_MILLIS, stall::toString);
            // Heard while the handler still slept: the stall is reported while it lasts.
            assertTrue(detected.heardAt - started < TimeUnit.MILLISECONDS.toNanos(sleepMillis), stall::toString);

            StallRecorder.Ended ended = recorder.awaitEnded(stall);
            assertTrue(ended.length.toMillis() >= sleepMillis, () -> "length " + ended.length);
            assertTrue(ended.length.compareTo(stall.detectedAfter()) >= 0, () -> "length " + ended.length);
            stalling.awaitQuiet();
            assertEquals(1, recorder.count(StallDetectorTest.class.getName(), "sleepInHandler"),
                    () -> "reported more than once: " + recorder.all);
            // Every stall heard of is counted (a cold JVM's first turns may add some).
            assertEquals(recorder.all.size(), only(factory).stalls());
            assertEquals(recorder.all.size(), factory.counters().stalls());
        } finally {
            shutdown(group);
        }
    }

    @Test
    void aHandlerBlockedInASocketReadIsReportedUntilThePeerAnswers() throws Exception {
        StallRecorder recorder = new StallRecorder();
        GoNetpollIoHandlerFactory factory = newFactory(THRESHOLD_MILLIS, recorder);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try (ServerSocket slowPeer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Stalling stalling = new Stalling(factory, group, () -> readOneByteFrom(slowPeer.getLocalPort()))) {
            stalling.trigger();
            try (Socket answering = slowPeer.accept()) {
                GoNetpollStall stall = recorder.awaitDetected(StallDetectorTest.class.getName(), "readOneByteFrom")
                        .stall;
                assertTrue(StallRecorder.hasFrame(stall, "sun.nio.ch.NioSocketImpl", "read")
                        || StallRecorder.hasFrame(stall, "java.net.SocketInputStream", "read"), () -> describe(stall));
                // Still blocked, so not ended, until the peer writes.
                assertTrue(recorder.ended.stream().noneMatch(e -> e.stall.startNanoTime() == stall.startNanoTime()));
                OutputStream out = answering.getOutputStream();
                out.write(1);
                out.flush();
                StallRecorder.Ended ended = recorder.awaitEnded(stall);
                assertTrue(ended.length.compareTo(stall.detectedAfter()) >= 0, () -> "length " + ended.length);
            }
            stalling.awaitQuiet();
            assertEquals(1, recorder.count(StallDetectorTest.class.getName(), "readOneByteFrom"));
            assertEquals(recorder.all.size(), only(factory).stalls());
        } finally {
            shutdown(group);
        }
    }

    @Test
    void aHandlerWaitingForAContendedLockIsReportedUntilItIsReleased() throws Exception {
        StallRecorder recorder = new StallRecorder();
        GoNetpollIoHandlerFactory factory = newFactory(THRESHOLD_MILLIS, recorder);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        ReentrantLock lock = new ReentrantLock();
        try (Stalling stalling = new Stalling(factory, group, () -> lockAndUnlock(lock))) {
            GoNetpollStall stall;
            lock.lock();
            try {
                stalling.trigger();
                stall = recorder.awaitDetected(StallDetectorTest.class.getName(), "lockAndUnlock").stall;
                assertTrue(StallRecorder.hasFrame(stall, "java.util.concurrent.locks.ReentrantLock", "lock"),
                        () -> describe(stall));
            } finally {
                // Before the server closes: its loop must get the lock to get there.
                lock.unlock();
            }
            recorder.awaitEnded(stall);
            stalling.awaitQuiet();
            assertEquals(1, recorder.count(StallDetectorTest.class.getName(), "lockAndUnlock"));
            assertEquals(recorder.all.size(), only(factory).stalls());
        } finally {
            shutdown(group);
        }
    }

    /**
     * Full load in short turns: four connections echo 256-byte messages back and forth on one loop as fast as it
     * goes for 3 s (at most 300,000 round trips), so the loop is busy most of the time (asserted: its utilisation)
     * for three times the threshold, but in turns of one batch of events each. Nothing is reported. A first, shorter
     * run on other connections warms the JVM up, so that class loading cannot pass for a stall of the measured run.
     * The threshold is 1 s because the test host may be loaded enough to keep a runnable thread off the CPU for a
     * few hundred milliseconds, which is a stall of the loop as far as its channels can tell. Then, as the positive
     * control, the same loop is blocked past the threshold by a task (not a handler) and is reported.
     */
    @Test
    void aLoopBusyWithShortTurnsUnderFullLoadIsNeverReported() throws Exception {
        long thresholdMillis = 1000;
        StallRecorder recorder = new StallRecorder();
        GoNetpollIoHandlerFactory factory = newFactory(thresholdMillis, recorder);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        long socketsBefore = OpenSockets.count();
        try {
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(EchoHandler.INSTANCE).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            pingPong(group, server, 2, 2_000);
            GoNetpollLoopCounters before = only(factory);
            int heardBefore = recorder.all.size();
            long roundTrips = pingPong(group, server, 3, 300_000);
            GoNetpollLoopCounters after = only(factory);
            assertTrue(roundTrips > 1000, "round trips: " + roundTrips);
            double utilisation = after.utilisationSince(before);
            assertTrue(utilisation > 0.5, "utilisation " + utilisation + ": not a full load; " + after);
            assertEquals(before.stalls(), after.stalls(), after::toString);
            assertEquals(heardBefore, recorder.all.size(), () -> "reported: " + recorder.all);
            assertTrue(after.longestTurnNanos() < TimeUnit.MILLISECONDS.toNanos(thresholdMillis), after::toString);

            group.next().execute(() -> sleepInHandler(thresholdMillis * 5 / 2));
            GoNetpollStall control = recorder.awaitDetected(StallDetectorTest.class.getName(), "sleepInHandler").stall;
            recorder.awaitEnded(control);
            server.close().sync();
        } finally {
            shutdown(group);
        }
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    /** Four connections ping-pong through {@code server} for at most {@code seconds} and {@code maxRoundTrips}. */
    private static long pingPong(EventLoopGroup group, Channel server, int seconds, long maxRoundTrips)
            throws Exception {
        AtomicLong roundTrips = new AtomicLong();
        long endAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            clients.add(new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                    .handler(new PingPong(roundTrips, endAt, maxRoundTrips, finished))
                    .connect(server.localAddress()).sync().channel());
        }
        for (CompletableFuture<Void> finished : done) {
            finished.get(30, TimeUnit.SECONDS);
        }
        for (Channel client : clients) {
            client.close().sync();
        }
        return roundTrips.get();
    }

    @Test
    void theMonitorThreadRunsWhileTheFactoryHasLoopsAndStopsWithTheLast() throws Exception {
        GoNetpollIoHandlerFactory factory = newFactory(THRESHOLD_MILLIS, null);
        EventLoopGroup first = new MultiThreadIoEventLoopGroup(2, factory);
        EventLoopGroup second = new MultiThreadIoEventLoopGroup(1, factory);
        Thread monitor = factory.stallMonitor().thread();
        assertNotNull(monitor);
        assertTrue(monitor.isAlive());
        assertTrue(monitor.isDaemon());
        shutdown(first);
        assertTrue(monitor.isAlive(), "the second group's loop is still watched");
        shutdown(second);
        monitor.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(monitor.isAlive(), "the monitor thread outlived the factory's last loop");
        assertNull(factory.stallMonitor().thread());

        // A factory that makes loops again watches them again, with a new thread that also stops.
        EventLoopGroup third = new MultiThreadIoEventLoopGroup(1, factory);
        Thread again = factory.stallMonitor().thread();
        assertNotNull(again);
        shutdown(third);
        again.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(again.isAlive());
    }

    @Test
    void theDetectorIsOffByDefault() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        assertNull(factory.stallMonitor());
        assertEquals(Long.MAX_VALUE, factory.longTurnNanos());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GoNetpollIoHandlerConfig().setStallThresholdMillis(-1));
        assertTrue(e.getMessage().contains("stallThresholdMillis"), e.getMessage());
    }

    static GoNetpollIoHandlerFactory newFactory(long thresholdMillis, GoNetpollStallListener listener) {
        return GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setStallThresholdMillis(thresholdMillis)
                .setStallListener(listener));
    }

    static GoNetpollLoopCounters only(GoNetpollIoHandlerFactory factory) {
        List<GoNetpollLoopCounters> loops = factory.loopCounters();
        assertEquals(1, loops.size(), loops::toString);
        return loops.get(0);
    }

    static void shutdown(EventLoopGroup group) throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    static void sleepInHandler(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readOneByteFrom(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            if (in.read() < 0) {
                throw new AssertionError("the slow peer closed without answering");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void lockAndUnlock(ReentrantLock lock) {
        lock.lock();
        lock.unlock();
    }

    private static String describe(GoNetpollStall stall) {
        StringBuilder b = new StringBuilder(stall.toString());
        for (StackTraceElement frame : stall.stackTrace()) {
            b.append("\n\tat ").append(frame);
        }
        return b.toString();
    }

    /**
     * A GoNetpoll server on {@code group} whose child handler runs {@code blocking} when it reads, and a plain
     * socket client that makes it read ({@link #trigger()}). The constructor makes one read that does not block
     * first: the loop's first turns for a connection load classes, and on a loaded machine that alone can pass the
     * threshold; in the same turn as the blocking call, it would be the stall reported, with a class loader's stack.
     */
    private static final class Stalling implements AutoCloseable {
        private final GoNetpollIoHandlerFactory factory;
        private final Channel server;
        private final Socket client;
        private final long socketsBefore;

        Stalling(GoNetpollIoHandlerFactory factory, EventLoopGroup group, Runnable blocking) throws Exception {
            this.factory = factory;
            this.socketsBefore = OpenSockets.count();
            CompletableFuture<Void> warmedUp = new CompletableFuture<>();
            server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        private boolean armed;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                            if (armed) {
                                blocking.run();
                            } else {
                                armed = true;
                                warmedUp.complete(null);
                            }
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            client = new Socket(InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) server.localAddress()).getPort());
            trigger();
            warmedUp.get(10, TimeUnit.SECONDS);
        }

        /** Makes the handler block; returns the time just before. */
        long trigger() throws Exception {
            long now = System.nanoTime();
            client.getOutputStream().write(1);
            client.getOutputStream().flush();
            return now;
        }

        String loopThreadName() throws Exception {
            return server.eventLoop().submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        }

        /**
         * Returns once the loop is past the blocking handler and the monitor has since made two whole rounds of
         * checks: whatever it would report about the stall (again), it has.
         */
        void awaitQuiet() throws Exception {
            server.eventLoop().submit(() -> { }).get(30, TimeUnit.SECONDS);
            StallMonitor monitor = factory.stallMonitor();
            long target = monitor.checks() + 2;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (monitor.checks() < target) {
                assertTrue(System.nanoTime() - deadline < 0, "the monitor made no check in 10 s");
                Thread.sleep(1);
            }
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close().sync();
            OpenSockets.assertBackTo(socketsBefore, 10);
        }
    }

    /** Sends 256 bytes, and again each time they come back, until the time or the count runs out. */
    private static final class PingPong extends ChannelInboundHandlerAdapter {
        private static final int SIZE = 256;
        private final AtomicLong roundTrips;
        private final long endAt;
        private final long maxRoundTrips;
        private final CompletableFuture<Void> finished;
        private int pending;

        PingPong(AtomicLong roundTrips, long endAt, long maxRoundTrips, CompletableFuture<Void> finished) {
            this.roundTrips = roundTrips;
            this.endAt = endAt;
            this.maxRoundTrips = maxRoundTrips;
            this.finished = finished;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            pending -= ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
            if (pending > 0) {
                return;
            }
            if (roundTrips.incrementAndGet() >= maxRoundTrips || System.nanoTime() - endAt > 0) {
                finished.complete(null);
            } else {
                send(ctx);
            }
        }

        private void send(ChannelHandlerContext ctx) {
            pending = SIZE;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[SIZE]));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finished.completeExceptionally(cause);
        }
    }
}
