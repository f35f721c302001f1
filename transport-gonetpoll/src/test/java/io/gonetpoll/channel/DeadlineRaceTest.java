package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines set from many threads while the channel reads and writes (Go's {@code TestReadWriteDeadlineRace} and
 * {@code TestConcurrentSetDeadline}, {@code net/timeout_test.go}). What must hold: no exception but the deadline
 * ones, no hang, nothing leaked (buffers, timers, epoll registrations, sockets), and the channel ends consistent:
 * after a final {@code setDeadline(0)} traffic flows again, and nothing was lost or duplicated on the way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineRaceTest {
    private static final int N = 1000;
    /**
     * Each racing thread acts, then pauses this long, as Go's test does. How finely the race interleaves depends on
     * how fast the loop runs the tasks the threads post (a loaded host with the leak detector at PARANOID may run
     * many as one batch, in which later deadlines make the expiries of earlier ones stale); what is asserted holds
     * either way.
     */
    private static final long PACE_NANOS = 2_000;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(2);
    private ServerSocket peers;
    private ExecutorService threads;

    @BeforeEach
    void setUp() throws IOException {
        peers = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "test threads still running");
        peers.close();
    }

    /**
     * One thread sets read and write deadlines 2 µs ahead, {@value #N} times, every 2 µs; another writes
     * {@value #N} one-byte messages; the peer writes {@value #N} bytes, which the client reads with auto-read.
     * Deadlines expire in whatever state the race finds the two sides. Afterwards: every write completed, each either
     * written or failed with {@link WriteDeadlineExceededException} and then not written at all (the peer receives
     * exactly the bytes of the successful ones); the reads lost nothing (all {@value #N} bytes arrive once the read
     * deadline is cleared).
     */
    @Test
    void readsAndWritesRaceDeadlinesSetFromAnotherThread() throws Exception {
        long sockets = OpenSockets.count();
        TimedRecorder events = new TimedRecorder();
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                .channel(GoNetpollSocketChannel.class).handler(events)
                .connect(peers.getLocalSocketAddress()).sync().channel();
        try (Socket peer = peers.accept()) {
            warmUp(client, peer, events);
            Future<Long> peerReceived = threads.submit(() -> drain(peer.getInputStream()));
            Future<?> peerWrites = threads.submit(() -> {
                OutputStream out = peer.getOutputStream();
                for (int i = 0; i < N; i++) {
                    out.write(i);
                    LockSupport.parkNanos(PACE_NANOS);
                }
                return null;
            });
            Future<?> setter = threads.submit(() -> {
                for (int i = 0; i < N; i++) {
                    client.setReadDeadline(System.nanoTime() + PACE_NANOS);
                    client.setWriteDeadline(System.nanoTime() + PACE_NANOS);
                    LockSupport.parkNanos(PACE_NANOS);
                }
            });
            Future<List<ChannelFuture>> clientWrites = threads.submit(() -> {
                List<ChannelFuture> writes = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    writes.add(client.writeAndFlush(client.alloc().directBuffer(1).writeByte(i)));
                    LockSupport.parkNanos(PACE_NANOS);
                }
                return writes;
            });
            setter.get(20, TimeUnit.SECONDS);
            peerWrites.get(20, TimeUnit.SECONDS);
            int written = 0;
            for (ChannelFuture write : clientWrites.get(20, TimeUnit.SECONDS)) {
                assertTrue(write.await(10, TimeUnit.SECONDS), "a write never completed");
                if (write.isSuccess()) {
                    written++;
                } else {
                    assertTrue(write.cause() instanceof WriteDeadlineExceededException,
                            "a write failed otherwise: " + write.cause());
                }
            }
            assertTrue(client.isActive(), "the channel closed (a write deadline failed a parked flush?)");

            client.setDeadline(0);
            ChannelFuture last = client.writeAndFlush(Unpooled.copiedBuffer("done", StandardCharsets.US_ASCII));
            assertTrue(last.await(10, TimeUnit.SECONDS) && last.isSuccess(), "write after setDeadline(0): "
                    + last.cause());
            assertTrue(client.shutdownOutput().await(10, TimeUnit.SECONDS));
            assertEquals(written + 4L, peerReceived.get(10, TimeUnit.SECONDS),
                    "bytes the peer received: the successful writes (" + written + ") and 'done'");

            peer.shutdownOutput();
            assertTrue(events.inactive.await(10, TimeUnit.SECONDS), "the peer's EOF did not close the channel");
            assertEquals(N + 1, events.bytes.get(), "bytes read of the " + N + " the peer wrote (and the warm-up's)");
            for (TimedRecorder.Caught caught : events.exceptions) {
                assertTrue(caught.cause() instanceof ReadDeadlineExceededException
                        || caught.cause() instanceof WriteDeadlineExceededException,
                        "an exception other than a deadline's: " + caught.cause());
            }
        }
        assertNothingLeft(client, sockets);
    }

    /**
     * Eight threads set the read and write deadlines of ten connections, each making them steadily earlier (hours
     * ahead, so none expires; earlier deadlines cancel and re-arm timers, later ones move lazily), while every
     * connection runs round trips through an echo server. No deadline expires, no exception, every round trip
     * completes; each connection keeps at most its two timers on the wheel; after {@code setDeadline(0)} none.
     */
    @Test
    void deadlinesOfManyConnectionsSetFromManyThreads() throws Exception {
        int goroutines = 8;
        int conns = 10;
        int tries = 100;
        long sockets = OpenSockets.count();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .childHandler(EchoHandler.INSTANCE).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        List<GoNetpollSocketChannel> clients = new ArrayList<>();
        List<RoundTrips> trips = new ArrayList<>();
        for (int k = 0; k < conns; k++) {
            RoundTrips roundTrips = new RoundTrips(500);
            trips.add(roundTrips);
            clients.add((GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                    .channel(GoNetpollSocketChannel.class).handler(roundTrips)
                    .connect(server.localAddress()).sync().channel());
        }
        long now = System.nanoTime();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> setters = new ArrayList<>();
        for (int g = 0; g < goroutines; g++) {
            int i = g;
            setters.add(threads.submit(() -> {
                start.await();
                for (int j = tries; j > 0; j--) {
                    for (int k = 0; k < conns; k++) {
                        // Steadily earlier, and interleaved across threads (Go's i*j*k leaves thread 0 always the
                        // earliest, so every later setting would only move a timer lazily).
                        long seconds = ((long) j * goroutines + i) * (k + 1);
                        clients.get(k).setReadDeadline(now + TimeUnit.HOURS.toNanos(2)
                                + TimeUnit.SECONDS.toNanos(seconds));
                        clients.get(k).setWriteDeadline(now + TimeUnit.HOURS.toNanos(1)
                                + TimeUnit.SECONDS.toNanos(seconds));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> setter : setters) {
            setter.get(20, TimeUnit.SECONDS);
        }
        for (RoundTrips roundTrips : trips) {
            roundTrips.done.get(20, TimeUnit.SECONDS);
        }
        for (GoNetpollSocketChannel client : clients) {
            // Every deadline set above has reached the loop.
            client.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
        SharedDeadlineWheel wheel = clients.get(0).ioHandler().deadlineWheel();
        assertTrue(await(wheel::pendingTimeouts, n -> n <= 2L * conns) <= 2L * conns,
                "timeouts on the wheel for " + conns + " connections: " + wheel.pendingTimeouts());
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(0, counters.deadlineExpiries(), "deadlines hours ahead expired: " + counters);
        assertTrue(counters.deadlineTimerCancels() > 0, "no deadline moved earlier than its timer: " + counters);

        for (GoNetpollSocketChannel client : clients) {
            client.setDeadline(0);
        }
        assertEquals(0, await(wheel::pendingTimeouts, n -> n == 0), "timeouts left after setDeadline(0)");
        for (int k = 0; k < conns; k++) {
            RoundTrips more = new RoundTrips(1);
            clients.get(k).pipeline().replace(trips.get(k), "more", more);
            more.start(clients.get(k));
            more.done.get(10, TimeUnit.SECONDS);
            assertNull(trips.get(k).events.exceptions.poll(), "exceptionCaught");
            assertNull(more.events.exceptions.poll(), "exceptionCaught");
        }
        for (GoNetpollSocketChannel client : clients) {
            client.close().sync();
        }
        server.close().sync();
        long adds = loops.factory().counters().epollCtlAdds();
        assertEquals(adds, await(() -> loops.factory().counters().epollCtlDels(), n -> n == adds),
                "a DEL for every ADD: " + loops.factory().counters());
        OpenSockets.assertBackTo(sockets, 5);
    }

    /**
     * One byte each way before the race: the first buffer a JVM allocates initializes Netty's allocator, which can
     * keep the loop away for longer than the race lasts, turning it into a batch.
     */
    private static void warmUp(GoNetpollSocketChannel client, Socket peer, TimedRecorder events) throws Exception {
        assertTrue(client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).await(10, TimeUnit.SECONDS));
        assertEquals(1, peer.getInputStream().read(), "the warm-up byte");
        peer.getOutputStream().write(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.bytes.get() < 1 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertEquals(1, events.bytes.get(), "the warm-up byte");
    }

    /** The channel closed: no timer left on the wheel, a DEL for every ADD, every socket closed. */
    private void assertNothingLeft(GoNetpollSocketChannel client, long sockets) throws Exception {
        client.close().sync();
        SharedDeadlineWheel wheel = client.ioHandler().deadlineWheel();
        assertEquals(0, await(wheel::pendingTimeouts, n -> n == 0), "timeouts left on the wheel");
        long adds = loops.factory().counters().epollCtlAdds();
        assertEquals(adds, await(() -> loops.factory().counters().epollCtlDels(), n -> n == adds),
                "a DEL for every ADD: " + loops.factory().counters());
        OpenSockets.assertBackTo(sockets, 5);
    }

    /**
     * Polls {@code value} until {@code until} holds for it or 5 s pass; returns the last value. For counts that
     * settle: cancelled timeouts leave the wheel at its next tick, accepted sockets close on their loop.
     */
    private static long await(LongSupplier value, LongPredicate until) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long now = value.getAsLong();
        while (!until.test(now) && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
            now = value.getAsLong();
        }
        return now;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    /** Sends 8 bytes, waits for all 8 back, again, {@code count} times in all; starts once active. */
    private static final class RoundTrips extends ChannelInboundHandlerAdapter {
        private static final int SIZE = 8;
        final TimedRecorder events = new TimedRecorder();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final int count;
        /** Loop thread. */
        private int sent;
        private long received;

        RoundTrips(int count) {
            this.count = count;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            start(ctx.channel());
            ctx.fireChannelActive();
        }

        void start(Channel channel) {
            channel.eventLoop().execute(() -> send(channel));
        }

        private void send(Channel channel) {
            sent++;
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[SIZE]));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received += ((ByteBuf) msg).readableBytes();
            events.channelRead(ctx, msg);
            if (received == (long) sent * SIZE) {
                if (sent < count) {
                    send(ctx.channel());
                } else {
                    done.complete(null);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.exceptionCaught(ctx, cause);
            done.completeExceptionally(cause);
        }
    }
}
