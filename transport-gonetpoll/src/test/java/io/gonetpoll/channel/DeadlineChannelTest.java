package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go-style deadlines on real loopback connections (issue "Go-style read/write deadlines"): a GoNetpoll client
 * against a blocking {@link Socket} peer the test controls, and a GoNetpoll listener for the accept deadline
 * and the child options. Each test states the rule it checks.
 *
 * <p>Where a rule says that something does not happen (no expiry, no read, no second report), the test first
 * waits until it would have happened: until the data sits in the socket, the deadline wheel has passed the
 * deadline, and the loop has made a turn and run what was queued ({@link LoopTurns}); then it asserts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlineChannelTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;
    private ServerSocket peerListener;
    private Socket peer;
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void setUp() throws Exception {
        factory = GoNetpollIoHandler.newFactory(new GoNetpollIoHandlerConfig().setDeadlineTickMillis(5));
        group = new MultiThreadIoEventLoopGroup(1, factory);
        peerListener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.close();
        }
        peerListener.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    // ---- read deadlines ----

    /** A parked read fails at its deadline, not before; the channel stays open; the expiry is sticky. */
    @Test
    void aParkedReadFailsAtTheDeadlineAndTheChannelStaysOpen() throws Exception {
        GoNetpollSocketChannel client = connect();
        long start = System.nanoTime();
        client.setReadDeadline(Duration.ofMillis(100));

        Throwable cause = recorder.exceptions.poll(5, TimeUnit.SECONDS);
        assertInstanceOf(ReadDeadlineExceededException.class, cause);
        assertInstanceOf(SocketTimeoutException.class, cause);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "expired early");
        assertTrue(client.isActive(), "a read deadline leaves the channel open");

        // Sticky: data that arrives now is not read, and the expiry is reported once.
        send("hello");
        awaitUnread(client, 5);
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll());
        assertEquals(0, recorder.bytes.get(), "read past an expired deadline");

        client.setReadDeadline(0);
        recorder.awaitBytes(5);
        assertEquals(1, factory.counters().deadlineExpiries());
    }

    @Test
    void aDeadlineInThePastExpiresAtOnce() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.setReadDeadline(System.nanoTime() - 1);
        assertInstanceOf(ReadDeadlineExceededException.class, recorder.exceptions.poll(2, TimeUnit.SECONDS));
        client.setReadDeadline(Duration.ZERO);
        assertInstanceOf(ReadDeadlineExceededException.class, recorder.exceptions.poll(2, TimeUnit.SECONDS),
                "setting the deadline again re-opens reads; a past one fails them again");
    }

    /** Go's rseq: the timer of a replaced deadline never fires an expiry. */
    @Test
    void aReplacedDeadlineNeverExpires() throws Exception {
        GoNetpollSocketChannel client = connect();
        // In one task on the loop, so each deadline is replaced before it is due, however the threads are scheduled.
        client.eventLoop().submit(() -> {
            client.setReadDeadline(Duration.ofMillis(50));
            client.setReadDeadline(0);
            client.setWriteDeadline(Duration.ofMillis(50));
            client.setWriteDeadline(Duration.ofSeconds(60));
        }).sync();
        awaitWheelPast(client, 60 * MS);
        assertNull(recorder.exceptions.poll());
        assertEquals(0, factory.counters().deadlineExpiries(), factory.counters().toString());
        send("ok");
        recorder.awaitBytes(2);
    }

    /** With autoRead off nothing waits, so an expiry is silent; the next read() fails (once) instead. */
    @Test
    void aReadRequestedAfterTheDeadlineFailsAndRunsOnceTheDeadlineIsSet() throws Exception {
        GoNetpollSocketChannel client = connect(false);
        client.setReadDeadline(System.nanoTime() - 1);
        awaitCounter(() -> factory.counters().deadlineExpiries(), 1);
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll(), "nothing was waiting");
        assertEquals(1, factory.counters().deadlineExpiries());

        send("abc");
        awaitUnread(client, 3);
        client.read();
        assertInstanceOf(ReadDeadlineExceededException.class, recorder.exceptions.poll(5, TimeUnit.SECONDS));
        client.read();
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll(), "reported once per expiry");
        assertEquals(0, recorder.bytes.get());

        client.setReadDeadline(Duration.ofSeconds(60));
        recorder.awaitBytes(3);
    }

    /** Deadlines set from threads other than the loop, while a read is parked, take effect on the loop. */
    @Test
    void deadlinesChangedFromForeignThreadsWhileAReadIsParked() throws Exception {
        GoNetpollSocketChannel client = connect();
        runInThread(() -> client.setReadDeadline(Duration.ofSeconds(60)));
        long start = System.nanoTime();
        runInThread(() -> client.setReadDeadline(Duration.ofMillis(100)));
        assertInstanceOf(ReadDeadlineExceededException.class, recorder.exceptions.poll(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "expired early");

        send("xy");
        runInThread(() -> client.setReadDeadline(0));
        recorder.awaitBytes(2);
        // The 60 s deadline was replaced before it was due; nothing else is armed.
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll());
        assertEquals(0, client.ioHandler().deadlineWheel().pendingTimeouts(), "a timer is left armed");
    }

    @Test
    void equalDeadlinesShareOneTimer() throws Exception {
        GoNetpollSocketChannel client = connect();
        long armsBefore = factory.counters().deadlineTimerArms();
        client.setDeadline(Duration.ofSeconds(60));
        awaitOnLoop(client);
        assertEquals(1, factory.counters().deadlineTimerArms() - armsBefore, "one timer for rd == wd");
        client.setReadDeadline(0);
        awaitOnLoop(client);
        assertEquals(2, factory.counters().deadlineTimerArms() - armsBefore, "the write side gets its own");
    }

    /** Close cancels the timers; an expiry already posted to the loop when the channel closes does nothing. */
    @Test
    void closeCancelsTimersAndExpiriesAfterCloseDoNothing() throws Exception {
        GoNetpollSocketChannel client = connect();
        // In one task on the loop, so the close surely comes before the deadline, however the threads are scheduled.
        client.eventLoop().submit(() -> {
            client.setDeadline(Duration.ofMillis(100));
            client.close();
        }).sync();
        awaitWheelPast(client, 150 * MS);
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll());
        assertEquals(1, factory.counters().deadlineTimerCancels(), factory.counters().toString());
        assertEquals(0, factory.counters().deadlineExpiries());

        GoNetpollSocketChannel second = connect();
        second.eventLoop().submit(() -> {
            // The past deadline posts its expiry to the loop; the close runs before it.
            second.setReadDeadline(System.nanoTime() - 1);
            second.close();
        }).sync();
        awaitLoopTurn(second);
        assertNull(recorder.exceptions.poll());
        assertEquals(0, factory.counters().deadlineExpiries());
        assertEquals(0, second.ioHandler().deadlineWheel().pendingTimeouts());
    }

    @Test
    void setDeadlineOnAClosedChannelIsIgnored() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.close().sync();
        client.setDeadline(System.nanoTime() - 1);
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll());
        assertEquals(0, factory.counters().deadlineExpiries());
        assertEquals(0, factory.counters().deadlineTimerArms(), "a deadline armed on a closed channel");
    }

    // ---- write deadlines ----

    /** A flush parked on a full send buffer fails every flushed message at the deadline, and the channel closes. */
    @Test
    void aParkedFlushFailsAtTheWriteDeadlineAndTheChannelCloses() throws Exception {
        GoNetpollSocketChannel client = connect();
        List<ChannelFuture> writes = ParkedFlush.fill(client);
        client.setWriteDeadline(Duration.ofMillis(100));

        assertInstanceOf(WriteDeadlineExceededException.class, recorder.exceptions.poll(5, TimeUnit.SECONDS));
        assertTrue(recorder.inactive.await(5, TimeUnit.SECONDS), "the channel closes");
        int failedByDeadline = 0;
        for (ChannelFuture write : writes) {
            assertTrue(write.isDone(), "a write is left pending");
            if (write.cause() instanceof WriteDeadlineExceededException) {
                failedByDeadline++;
            }
        }
        assertTrue(failedByDeadline > 0, "no write failed with the deadline");
    }

    /** After an expiry with nothing parked, flushes fail without writing and the channel stays usable. */
    @Test
    void aFlushAfterTheWriteDeadlineFailsWithoutClosing() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.setWriteDeadline(Duration.ZERO);
        awaitCounter(() -> factory.counters().deadlineExpiries(), 1);

        ChannelFuture first = client.writeAndFlush(ascii("lost")).await();
        assertInstanceOf(WriteDeadlineExceededException.class, first.cause());
        ChannelFuture second = client.writeAndFlush(ascii("lost")).await();
        assertInstanceOf(WriteDeadlineExceededException.class, second.cause());
        assertInstanceOf(WriteDeadlineExceededException.class, recorder.exceptions.poll(5, TimeUnit.SECONDS));
        awaitLoopTurn(client);
        assertNull(recorder.exceptions.poll(), "reported once per expiry");
        assertTrue(client.isActive());

        client.setWriteDeadline(0);
        client.writeAndFlush(ascii("sent")).sync();
        byte[] got = new byte[4];
        InputStream in = peer.getInputStream();
        peer.setSoTimeout(5000);
        int n = 0;
        while (n < 4) {
            n += in.read(got, n, 4 - n);
        }
        assertEquals("sent", new String(got, StandardCharsets.US_ASCII), "nothing of the failed writes went out");
    }

    @Test
    void aWriteDeadlineDoesNotFailAConnectInProgress() throws Exception {
        GoNetpollSocketChannel client = new GoNetpollSocketChannel();
        client.setWriteDeadline(System.nanoTime() - 1);
        group.register(client).sync();
        client.pipeline().addLast(recorder);
        client.connect(peerListener.getLocalSocketAddress()).sync();
        peer = peerListener.accept();
        ChannelFuture write = client.writeAndFlush(ascii("x")).await();
        assertInstanceOf(WriteDeadlineExceededException.class, write.cause(), "the first write fails instead");
    }

    // ---- options ----

    /**
     * READ_TIMEOUT_MILLIS as a child option: every read request moves the read deadline to now + timeout, so a
     * client that sends every 40 ms is not timed out while it sends, and one that goes silent is, again after
     * each further timeout of silence (auto-read asks again after the exception), and the channel stays open.
     * Moving the deadline is lazy: no wheel timeout is cancelled (how many are armed for many moves:
     * {@link #oneHundredThousandRearmsDoNotGrowTheWheel}).
     *
     * <p>The check does not depend on how promptly the threads run. The server's handler stamps, on its loop,
     * the channel's activation, every read and every expiry. A read is requested after each of them, and a
     * deadline never expires before it is due, so every expiry must come at least a timeout after the event
     * before it. A client stalled for longer than a timeout may rightly be timed out; a deadline that reads did
     * not move would expire about 40 ms after a read.
     */
    @Test
    void readTimeoutMillisIsRearmedByEveryRead() throws Exception {
        int timeoutMillis = 200;
        EventStamps child = new EventStamps();
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childOption(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, timeoutMillis)
                .childHandler(child)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(server.localAddress(), 5000);
            int messages = 25;
            for (int i = 0; i < messages; i++) {
                socket.getOutputStream().write(i);
                Thread.sleep(40);
            }
            child.awaitBytes(messages);
            child.awaitExpiriesAfterLastRead(2);
            child.assertEveryExpiryATimeoutAfterThePreviousEvent(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            assertEquals(0, factory.counters().deadlineTimerCancels(), "moving the read deadline cancelled "
                    + "wheel timeouts: " + factory.counters());

            socket.getOutputStream().write(1);
            child.awaitBytes(messages + 1);
        } finally {
            server.close().sync();
        }
    }

    /** 100,000 deadline moves (one per read request here) leave one timeout on the wheel. */
    @Test
    void oneHundredThousandRearmsDoNotGrowTheWheel() throws Exception {
        GoNetpollSocketChannel client = connect(false);
        client.config().setOption(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, 60_000);
        long armsBefore = factory.counters().deadlineTimerArms();
        long pending = client.eventLoop().submit(() -> {
            for (int i = 0; i < 100_000; i++) {
                client.read();
            }
            for (int i = 0; i < 100_000; i++) {
                client.setWriteDeadline(Duration.ofSeconds(60));
            }
            return client.ioHandler().deadlineWheel().pendingTimeouts();
        }).get(10, TimeUnit.SECONDS);
        assertEquals(2, pending, "one read and one write timeout");
        assertEquals(2, factory.counters().deadlineTimerArms() - armsBefore);
        assertEquals(0, factory.counters().deadlineTimerCancels());
    }

    /** WRITE_TIMEOUT_MILLIS: a peer that stops reading gets the connection closed. */
    @Test
    void writeTimeoutMillisFailsAStalledFlush() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.config().setOption(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS, 150);
        List<ChannelFuture> writes = ParkedFlush.fill(client);
        assertInstanceOf(WriteDeadlineExceededException.class, recorder.exceptions.poll(5, TimeUnit.SECONDS));
        assertTrue(recorder.inactive.await(5, TimeUnit.SECONDS));
        assertTrue(writes.stream().allMatch(ChannelFuture::isDone));
    }

    /** WRITE_TIMEOUT_MILLIS measures time without progress: a slow but steady reader is not cut off. */
    @Test
    void writeTimeoutMillisSparesASlowReaderThatKeepsReading() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.config().setOption(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS, 1000);
        int total = 4 << 20;
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> {
            long read = 0;
            byte[] chunk = new byte[64 << 10];
            try {
                InputStream in = peer.getInputStream();
                while (read < total) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return read;
        });
        ChannelFuture last = null;
        for (int i = 0; i < total / (64 << 10); i++) {
            last = client.writeAndFlush(Unpooled.wrappedBuffer(new byte[64 << 10]));
        }
        assertTrue(last.await(20, TimeUnit.SECONDS));
        assertNull(last.cause());
        assertEquals(total, drained.get(20, TimeUnit.SECONDS));
        assertNull(recorder.exceptions.poll(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void timeoutOptionsRejectNegativeValues() throws Exception {
        GoNetpollSocketChannel client = connect();
        for (ChannelOption<Integer> option : List.of(GoNetpollChannelOption.READ_TIMEOUT_MILLIS,
                GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.config().setOption(option, -1));
            assertTrue(e.getMessage().contains(option.name()) && e.getMessage().contains("-1"), e.getMessage());
            assertEquals(0, client.config().getOption(option));
            assertTrue(client.config().setOption(option, 5));
            assertEquals(5, client.config().getOption(option));
        }
    }

    // ---- accept deadline ----

    /** A listener past its accept deadline reports once, stays open, and accepts again once it is set. */
    @Test
    void acceptDeadline() throws Exception {
        Recorder listener = new Recorder();
        AtomicInteger accepted = new AtomicInteger();
        GoNetpollServerSocketChannel server = (GoNetpollServerSocketChannel) new ServerBootstrap().group(group)
                .channel(GoNetpollServerSocketChannel.class)
                .handler(listener)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.incrementAndGet();
                        ctx.close();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket socket = new Socket()) {
            server.setAcceptDeadline(Duration.ofMillis(50));
            Throwable cause = listener.exceptions.poll(5, TimeUnit.SECONDS);
            assertInstanceOf(ReadDeadlineExceededException.class, cause);
            assertTrue(cause.getMessage().contains("accept"), cause.getMessage());

            // Established, so queued on the listener, whose edge the next loop turn dispatches.
            socket.connect(server.localAddress(), 5000);
            LoopTurns.await(server.eventLoop(), () -> factory.counters().epollWaits());
            assertEquals(0, accepted.get(), "accepted past the deadline");
            assertTrue(server.isActive());

            server.setAcceptDeadline(0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accepted.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, accepted.get(), "the queued connection is accepted once the deadline is cleared");
            assertNull(listener.exceptions.poll(0, TimeUnit.MILLISECONDS), "reported once");
        } finally {
            server.close().sync();
        }
    }

    // ---- one wheel per group ----

    /**
     * One timer thread for a whole loop group, created by the first deadline (none for a group that never sets
     * one), and gone when the group shuts down. Checked on the group's {@link SharedDeadlineWheel} and on the
     * wheel's own thread, not by counting threads by name: another test's idle wheel may be stopping meanwhile.
     */
    @Test
    void oneWheelThreadPerLoopGroup() throws Exception {
        EventLoopGroup twoLoops = new MultiThreadIoEventLoopGroup(2, GoNetpollIoHandler.newFactory());
        List<Socket> peers = new ArrayList<>();
        Thread wheelThread;
        try {
            List<GoNetpollSocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add((GoNetpollSocketChannel) new Bootstrap().group(twoLoops)
                        .channel(GoNetpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                        .connect(peerListener.getLocalSocketAddress()).sync().channel());
                peers.add(peerListener.accept());
            }
            SharedDeadlineWheel wheel = clients.get(0).ioHandler().deadlineWheel();
            assertFalse(wheel.isRunning(), "a timer thread before any deadline");
            for (GoNetpollSocketChannel client : clients) {
                client.setReadDeadline(Duration.ofSeconds(60));
                awaitOnLoop(client);
            }
            assertTrue(clients.stream().map(Channel::eventLoop).distinct().count() > 1, "all on one loop");
            for (GoNetpollSocketChannel client : clients) {
                assertSame(wheel, client.ioHandler().deadlineWheel(), "one wheel for the group");
            }
            assertTrue(wheel.isRunning());
            assertEquals(1, wheel.starts(), "one timer thread for the group");
            CompletableFuture<Thread> worker = new CompletableFuture<>();
            wheel.newTimeout(timeout -> worker.complete(Thread.currentThread()), 0);
            wheelThread = worker.get(5, TimeUnit.SECONDS);
        } finally {
            twoLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            for (Socket peer : peers) {
                peer.close();
            }
        }
        wheelThread.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(wheelThread.isAlive(), "the timer thread outlived its group");
    }

    // ---- helpers ----

    private GoNetpollSocketChannel connect() throws Exception {
        return connect(true);
    }

    private GoNetpollSocketChannel connect(boolean autoRead) throws Exception {
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(group)
                .channel(GoNetpollSocketChannel.class)
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.SO_SNDBUF, 16 << 10)
                .handler(recorder)
                .connect(peerListener.getLocalSocketAddress()).sync().channel();
        if (peer != null) {
            peer.close();
        }
        peer = peerListener.accept();
        peer.setReceiveBufferSize(16 << 10);
        return client;
    }

    private void send(String text) throws Exception {
        peer.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        peer.getOutputStream().flush();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static void runInThread(Runnable task) throws InterruptedException {
        Thread thread = new Thread(task, "foreign");
        thread.start();
        thread.join();
    }

    /** Returns once every task the channel's loop had before this call has run. */
    private static void awaitOnLoop(Channel channel) throws Exception {
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    /** The channel's loop (the group's only one) has made a turn and run what was queued: {@link LoopTurns#await}. */
    private void awaitLoopTurn(Channel channel) throws Exception {
        LoopTurns.await(channel.eventLoop(), () -> factory.counters().epollWaits());
    }

    /** The wheel has passed now + {@code delayNanos} and the loop has run what it posted: {@link LoopTurns}. */
    private static void awaitWheelPast(GoNetpollSocketChannel channel, long delayNanos) throws Exception {
        LoopTurns.awaitWheelPast(channel.ioHandler().deadlineWheel(), channel.eventLoop(), delayNanos);
    }

    /** Waits until {@code bytes} sent by the peer sit unread in the client's socket, or were read after all. */
    private void awaitUnread(GoNetpollSocketChannel client, int bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.socket.receiveQueueBytes() < bytes && recorder.bytes.get() == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(client.socket.receiveQueueBytes() >= bytes || recorder.bytes.get() > 0,
                "the peer's " + bytes + " bytes never arrived");
    }

    private static void awaitCounter(java.util.function.LongSupplier counter, long atLeast)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(counter.getAsLong() >= atLeast, "counter stayed at " + counter.getAsLong());
    }

    /** Records what reaches the pipeline; never closes on an exception (deadlines must not need it). */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();
        final AtomicLong bytes = new AtomicLong();
        final java.util.concurrent.CountDownLatch inactive = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                bytes.addAndGet(((ByteBuf) msg).readableBytes());
                ((ByteBuf) msg).release();
            } else {
                // A listener's accepted channel: on to ServerBootstrap's acceptor.
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.countDown();
        }

        void awaitBytes(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bytes.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertEquals(count, bytes.get(), "bytes read");
        }
    }

    /**
     * A child handler that stamps, on the loop, the channel's activation, each read (with the bytes so far) and
     * each exception; never closes.
     */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class EventStamps extends ChannelInboundHandlerAdapter {
        /** {nanoTime, bytes read so far, 1 if an exception}, in the order they happened. */
        private final List<long[]> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();
        private long bytes;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.add(new long[] {System.nanoTime(), 0, 0});
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes += ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
            events.add(new long[] {System.nanoTime(), bytes, 0});
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(new long[] {System.nanoTime(), bytes, 1});
            exceptions.add(cause);
        }

        private long bytesRead() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1)[1];
        }

        void awaitBytes(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bytesRead() < count && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertEquals(count, bytesRead(), "bytes read");
        }

        /** Waits for {@code count} expiries after the read that brought the last byte so far. */
        void awaitExpiriesAfterLastRead(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (expiriesAfterLastRead() < count && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertEquals(count, expiriesAfterLastRead(), "expiries once the client went silent");
        }

        private long expiriesAfterLastRead() {
            long total = bytesRead();
            return events.stream().filter(e -> e[2] == 1 && e[1] == total).count();
        }

        void assertEveryExpiryATimeoutAfterThePreviousEvent(long timeoutNanos) {
            for (Throwable cause : exceptions) {
                assertInstanceOf(ReadDeadlineExceededException.class, cause);
            }
            for (int i = 1; i < events.size(); i++) {
                if (events.get(i)[2] == 1) {
                    long after = events.get(i)[0] - events.get(i - 1)[0];
                    assertTrue(after >= timeoutNanos, "timed out " + TimeUnit.NANOSECONDS.toMillis(after)
                            + " ms after the previous read or expiry, after " + events.get(i)[1] + " bytes");
                }
            }
        }
    }
}
