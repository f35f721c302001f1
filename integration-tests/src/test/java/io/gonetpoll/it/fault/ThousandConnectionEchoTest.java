package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stress: 1,000 GoNetpoll clients, all in flight at once, each send 1 MiB of their own pseudo-random stream to a
 * GoNetpoll echo server and check every byte that comes back, in order, as it arrives.
 *
 * <p>What must hold: every connection gets exactly its 1 MiB back with no byte wrong, missing or reordered (a
 * lost edge would stall a connection, a mix-up between connections would show as a wrong byte); all 1,000 are
 * in flight together (each holds back its last chunk until every one has started); afterwards every socket has
 * left epoll (one DEL per ADD) and the fd count is back.
 */
class ThousandConnectionEchoTest {
    private static final int CONNECTIONS = 1_000;
    private static final int BYTES_PER_CONNECTION = 1 << 20;
    private static final int CHUNK = 16 * 1024;
    /**
     * Bounds on waits for conditions that hold by construction, so they only turn a hang into a failure: the
     * 1,000 start tasks queue on two client loops behind the echo traffic of the connections already started,
     * and on a loaded two-core machine the loops get a fraction of a core.
     */
    private static final int ALL_STARTED_SECONDS = 60;
    private static final long ALL_DONE_SECONDS = 60;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyConnectionGetsItsOwnMebibyteBackByteExact() throws Exception {
        GoNetpollIoHandlerFactory serverFactory = GoNetpollIoHandler.newFactory();
        GoNetpollIoHandlerFactory clientFactory = GoNetpollIoHandler.newFactory();
        try (ShutdownOnClose servers = new ShutdownOnClose(new MultiThreadIoEventLoopGroup(2, serverFactory));
             ShutdownOnClose clientLoops = new ShutdownOnClose(new MultiThreadIoEventLoopGroup(2, clientFactory))) {
            EventLoopGroup serverGroup = servers.group;
            EventLoopGroup clientGroup = clientLoops.group;
            Channel server = new ServerBootstrap().group(serverGroup).channel(GoNetpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 2 * CONNECTIONS)
                    .childHandler(BackpressureEcho.INSTANCE)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            OpenFiles.Baseline fdsBefore = OpenFiles.baseline();

            AtomicInteger inFlight = new AtomicInteger();
            List<PatternClient> clients = connectAll(clientGroup, server.localAddress(), inFlight);
            long start = System.nanoTime();
            // All but the last chunk first: no connection can finish before every one of them is sending.
            clients.forEach(PatternClient::start);
            assertEquals(CONNECTIONS, OpenFiles.awaitValue(inFlight::get, CONNECTIONS, ALL_STARTED_SECONDS),
                    "connections in flight at the same time");
            clients.forEach(PatternClient::sendTheRest);
            awaitAll(clients);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d connections x %d bytes echoed in %.1f s (%.0f MiB/s each way)%n", CONNECTIONS,
                    BYTES_PER_CONNECTION, seconds, CONNECTIONS * (BYTES_PER_CONNECTION / 1048576.0) / seconds);

            for (PatternClient client : clients) {
                assertEquals(-1L, (long) client.done.get(), "first wrong byte of connection " + client.index);
                assertEquals(BYTES_PER_CONNECTION, client.checked.position(), "bytes of connection " + client.index);
            }

            for (PatternClient client : clients) {
                client.channel.close();
            }
            for (PatternClient client : clients) {
                assertTrue(client.channel.closeFuture().await(5, TimeUnit.SECONDS));
            }
            assertEquals(CONNECTIONS, OpenFiles.awaitValue(() -> clientFactory.counters().epollCtlDels(),
                    CONNECTIONS, 10), () -> "client DELs: " + clientFactory.counters());
            assertEquals(CONNECTIONS, clientFactory.counters().epollCtlAdds(), () -> "" + clientFactory.counters());
            // The server's children close when they read EOF; the listener stays in epoll.
            assertEquals(CONNECTIONS, OpenFiles.awaitValue(() -> serverFactory.counters().epollCtlDels(),
                    CONNECTIONS, 10), () -> "server DELs: " + serverFactory.counters());
            assertEquals(CONNECTIONS + 1, serverFactory.counters().epollCtlAdds(), () -> "" + serverFactory.counters());
            assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(10), "fds opened by the test and still open");
            server.close().sync();
        }
    }

    /** Waits for every client; on timeout, says how many finished and how far the first stalled one got. */
    private static void awaitAll(List<PatternClient> clients) throws Exception {
        try {
            CompletableFuture.allOf(clients.stream().map(c -> c.done).toArray(CompletableFuture[]::new))
                    .get(ALL_DONE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            long finished = clients.stream().filter(c -> c.done.isDone()).count();
            PatternClient stalled = clients.stream().filter(c -> !c.done.isDone()).findFirst().orElseThrow();
            throw new AssertionError(finished + " of " + CONNECTIONS + " connections finished in " + ALL_DONE_SECONDS
                    + " s; connection " + stalled.index + " got " + stalled.checked.position() + " bytes back", e);
        }
    }

    private static List<PatternClient> connectAll(EventLoopGroup group, SocketAddress server, AtomicInteger inFlight)
            throws InterruptedException {
        List<PatternClient> clients = new ArrayList<>(CONNECTIONS);
        List<ChannelFuture> connects = new ArrayList<>(CONNECTIONS);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class);
        for (int i = 0; i < CONNECTIONS; i++) {
            PatternClient client = new PatternClient(i, inFlight);
            clients.add(client);
            connects.add(bootstrap.clone().handler(client).connect(server));
        }
        for (ChannelFuture connect : connects) {
            assertTrue(connect.await(10, TimeUnit.SECONDS), "connect timed out");
            assertTrue(connect.isSuccess(), () -> "connect failed: " + connect.cause());
        }
        return clients;
    }

    /**
     * One connection: writes its stream in chunks while the channel is writable (so at most about the high-water
     * mark is queued per connection), checks what comes back, and completes {@link #done} with the position of
     * the first wrong byte, or -1 once all of it came back right.
     */
    private static final class PatternClient extends ChannelInboundHandlerAdapter {
        final int index;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final PatternStream checked;
        private final PatternStream sent;
        private final AtomicInteger inFlight;
        private final ChannelFutureListener failOnWriteError = f -> {
            if (!f.isSuccess()) {
                fail(new AssertionError("write failed", f.cause()));
            }
        };
        volatile Channel channel;
        private ChannelHandlerContext ctx;
        /** How far writeMore may send; the last chunk is held back until {@link #sendTheRest()}. Loop thread. */
        private long sendLimit = BYTES_PER_CONNECTION - CHUNK;
        /** writeMore is running (loop thread). */
        private boolean writing;

        PatternClient(int index, AtomicInteger inFlight) {
            this.index = index;
            this.inFlight = inFlight;
            sent = new PatternStream(index);
            checked = new PatternStream(index);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            channel = ctx.channel();
        }

        /** Begins sending, up to the last chunk. */
        void start() {
            channel.eventLoop().execute(() -> {
                inFlight.incrementAndGet();
                writeMore();
            });
        }

        /** Lets the last chunk go. */
        void sendTheRest() {
            channel.eventLoop().execute(() -> {
                sendLimit = BYTES_PER_CONNECTION;
                writeMore();
            });
        }

        /**
         * Writes while writable. A flush can make the channel writable again and so re-enter here through
         * channelWritabilityChanged; the outer call then just goes round once more instead of recursing.
         */
        private void writeMore() {
            if (writing) {
                return;
            }
            writing = true;
            try {
                do {
                    while (sent.position() < sendLimit && channel.isWritable()) {
                        int length = (int) Math.min(CHUNK, sendLimit - sent.position());
                        ByteBuf buf = ctx.alloc().directBuffer(length);
                        sent.writeTo(buf, length);
                        ctx.write(buf).addListener(failOnWriteError);
                    }
                    ctx.flush();
                } while (sent.position() < sendLimit && channel.isWritable());
            } finally {
                writing = false;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                writeMore();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (done.isDone()) {
                    return;
                }
                if (checked.position() + buf.readableBytes() > BYTES_PER_CONNECTION) {
                    fail(new AssertionError("more bytes than were sent on connection " + index));
                    return;
                }
                long wrong = checked.check(buf);
                if (wrong >= 0) {
                    finish(wrong);
                } else if (checked.position() == BYTES_PER_CONNECTION) {
                    finish(-1);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new AssertionError("connection " + index + " closed after " + checked.position() + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void finish(long wrong) {
            if (done.complete(wrong)) {
                inFlight.decrementAndGet();
            }
        }

        private void fail(Throwable cause) {
            if (done.completeExceptionally(cause)) {
                inFlight.decrementAndGet();
            }
        }
    }
}
