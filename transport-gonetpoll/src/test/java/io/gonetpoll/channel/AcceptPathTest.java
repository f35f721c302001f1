package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accept loop ends a batch by asking the accept queue's length, never with an {@code accept4} that finds
 * the queue empty (which costs the kernel a socket, inode and file allocated and freed again), and it loses no
 * queued connection doing so. Real listeners on loopback, blocking clients.
 */
class AcceptPathTest {
    private GoNetpollIoHandlerFactory factory;
    private EventLoopGroup group;
    private final List<Socket> clients = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    @BeforeEach
    void setUp() {
        // The tests below watch the counted path; trustIsEarnedByOneBatchDrainedTheGoWay watches the trust.
        AcceptQueue.setTrusted(true);
        factory = GoNetpollIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, factory);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    /**
     * Until one batch has shown that this kernel's answer counts the queue, the loop drains Go's way (one
     * failed accept4) and asks before and after; this kernel's answer then earns the trust, and the next
     * connection takes the counted path.
     */
    @Test
    void trustIsEarnedByOneBatchDrainedTheGoWay() throws Exception {
        AcceptQueue.setTrusted(false);
        GoNetpollServerSocketChannel server = bindWithQueued(3);

        server.config().setAutoRead(true);
        Await.until("3 accepted, the queue length trusted", () -> accepted.get() == 3 && AcceptQueue.isTrusted());
        assertTrue(AcceptQueue.isTrusted(), "3 counted, 3 accepted, 0 after");
        assertAcceptCounts("three accepts and Go's EAGAIN; one question before, one after", 3, 4, 1, 2);

        connect(server, 1);
        Await.until("4 accepted", () -> accepted.get() == 4);
        awaitLoopTurn(server);
        assertAcceptCounts("trusted: no failed accept4 any more", 4, 5, 1, 3);
    }

    /**
     * Connections that queued while nobody accepted are taken in one batch when autoRead comes on: one question
     * counts 5, five accepts, and the batch ends without asking again (a later connection brings its own edge);
     * no EAGAIN.
     */
    @Test
    void aQueuedBatchIsAcceptedWithoutAnEagainAccept() throws Exception {
        GoNetpollServerSocketChannel server = bindWithQueued(5);

        server.config().setAutoRead(true);
        Await.until("5 accepted", () -> accepted.get() == 5);
        awaitLoopTurn(server);
        assertAcceptCounts("one accept4 per queued connection; one question counted all five", 5, 5, 0, 1);

        // The parked listener is woken by the next connection's edge: one question, one accept.
        connect(server, 1);
        Await.until("6 accepted", () -> accepted.get() == 6);
        awaitLoopTurn(server);
        assertAcceptCounts("one question and one accept for the new edge", 6, 6, 0, 2);
    }

    /**
     * More queued connections than {@code MAX_MESSAGES_PER_READ} (16): the batch stops at 16, the listener stays
     * READY, and the next loop turn takes the other 4 by the count it kept. A wait ran in between, which may have
     * merged a new connection's edge into the latched readiness, so the kept count ends with a question (0).
     */
    @Test
    void aBatchLongerThanTheMessageLimitIsFinishedAtTheNextLoopTurn() throws Exception {
        GoNetpollServerSocketChannel server = bindWithQueued(20);

        server.config().setAutoRead(true);
        Await.until("20 accepted after 2 queue-length questions",
                () -> accepted.get() == 20 && factory.counters().acceptQueueQueries() == 2);
        assertAcceptCounts("20 counted, then 0 after the last four", 20, 20, 0, 2);
        GoNetpollLoopCounters counters = factory.counters();
        assertTrue(counters.readyQueueRuns() >= 1, "the limit stopped the batch: " + counters);
    }

    /**
     * With autoRead off a read() accepts one connection (as on every Netty transport); the count from the first
     * question serves the next reads, and the read() after the last queued connection asks and accepts nothing.
     */
    @Test
    void withAutoReadOffEachReadAcceptsOneAndTheCountIsKept() throws Exception {
        GoNetpollServerSocketChannel server = bindWithQueued(5);

        for (int i = 1; i <= 5; i++) {
            int expected = i;
            server.read();
            Await.until("all connections accepted", () -> accepted.get() == expected);
            assertEquals(expected, accepted.get(), factory.counters().toString());
        }
        assertEquals(1, factory.counters().acceptQueueQueries(), "the first count served five reads: "
                + factory.counters());

        server.read();
        Await.until("2 queue-length questions", () -> factory.counters().acceptQueueQueries() == 2);
        awaitLoopTurn(server);
        assertAcceptCounts("the empty queue was asked, not accepted from", 5, 5, 0, 2);

        // The parked accept is resumed by the next connection's edge.
        connect(server, 1);
        Await.until("6 accepted", () -> accepted.get() == 6);
        assertEquals(6, accepted.get(), factory.counters().toString());
    }

    /**
     * The case a kept count must not end silently: a connection queued after the question, whose edge a wait
     * merged into the latched readiness while the count was kept. The read() that uses up the count must ask
     * again, or that connection would never be accepted (no further edge comes).
     */
    @Test
    void aConnectionQueuedWhileACountIsKeptIsNotLost() throws Exception {
        GoNetpollServerSocketChannel server = bindWithQueued(2);
        server.read();
        Await.until("1 accepted", () -> accepted.get() == 1);
        assertEquals(1, factory.counters().acceptQueueQueries(), "counted 2, accepted 1, kept 1");

        // Let the loop's wait consume the new connection's edge (it only latches: no read is pending). Counted from
        // before the connect: the edge may be consumed before the connection shows in the queue.
        long events = factory.counters().events();
        connect(server, 1);
        awaitQueued(server, 2);
        Await.until("the listener's next event", () -> factory.counters().events() > events);

        server.read();
        Await.until("2 accepted", () -> accepted.get() == 2);
        server.read();
        Await.until("3 accepted", () -> accepted.get() == 3);
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(3, accepted.get(), "the connection behind the kept count was lost: " + counters);
        assertEquals(0, counters.acceptsWouldBlock(), counters.toString());
    }

    /** Clients connecting one after another under autoRead: every one is accepted, and no accept4 fails. */
    @Test
    void connectionsArrivingOneByOneNeverCostAFailedAccept() throws Exception {
        int connections = 300;
        GoNetpollServerSocketChannel server = bind(true);
        for (int i = 0; i < connections; i++) {
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 10_000);
            }
        }
        Await.until("all connections accepted", () -> accepted.get() == connections);
        GoNetpollLoopCounters counters = factory.counters();
        assertEquals(connections, accepted.get(), counters.toString());
        assertEquals(connections, counters.acceptSyscalls(), counters.toString());
        assertEquals(0, counters.acceptsWouldBlock(), counters.toString());
        assertTrue(counters.acceptQueueQueries() <= 2L * connections, counters.toString());
    }

    /** The question's precondition: a TCP listener answers with its queue; any other socket makes it fail. */
    @Test
    void onlyATcpListenerAnswersTheQueueQuestion() throws Exception {
        GoNetpollSocket listener = GoNetpollSocket.newStream(null);
        GoNetpollSocket notListening = GoNetpollSocket.newStream(null);
        try {
            listener.bind(new InetSocketAddress("::1", 0));
            listener.listen(8);
            assertEquals(0, listener.acceptQueueLength());
            for (int i = 0; i < 3; i++) {
                Socket client = new Socket();
                clients.add(client);
                client.connect(listener.localAddress(), 10_000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (listener.acceptQueueLength() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(3, listener.acceptQueueLength());
            assertThrows(IOException.class, notListening::acceptQueueLength,
                    "a socket that does not listen has no accept queue to report");
        } finally {
            listener.close();
            notListening.close();
        }
    }

    /** The accept counters as the loop left them; every assertion names the reason and all the counters. */
    private void assertAcceptCounts(String why, int connections, int acceptSyscalls, int wouldBlock, int queries) {
        GoNetpollLoopCounters counters = factory.counters();
        String detail = why + ": " + counters;
        assertEquals(connections, accepted.get(), detail);
        assertEquals(acceptSyscalls, counters.acceptSyscalls(), detail);
        assertEquals(wouldBlock, counters.acceptsWouldBlock(), detail);
        assertEquals(queries, counters.acceptQueueQueries(), detail);
    }

    /** A listener with autoRead off and {@code count} finished handshakes waiting in its accept queue. */
    private GoNetpollServerSocketChannel bindWithQueued(int count) throws Exception {
        GoNetpollServerSocketChannel server = bind(false);
        connect(server, count);
        awaitQueued(server, count);
        return server;
    }

    private GoNetpollServerSocketChannel bind(boolean autoRead) throws InterruptedException {
        return (GoNetpollServerSocketChannel) new ServerBootstrap().group(group)
                .channel(GoNetpollServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, autoRead)
                .childHandler(new CountAndClose()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @ChannelHandler.Sharable
    private final class CountAndClose extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            ctx.close();
        }
    }

    private void connect(Channel server, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket client = new Socket();
            clients.add(client);
            client.connect(server.localAddress(), 10_000);
        }
    }

    /** Until the kernel has queued {@code count} finished handshakes (the client's ACK may trail its connect). */
    private static void awaitQueued(GoNetpollServerSocketChannel server, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.socket.acceptQueueLength() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, server.socket.acceptQueueLength());
    }

    /**
     * Before counting what did not happen (one more accept4, one more question): the listener's loop has made a
     * whole turn, and run what it queued, since the awaited accept ({@link LoopTurns#await}).
     */
    private void awaitLoopTurn(Channel server) throws Exception {
        LoopTurns.await(server.eventLoop(), () -> factory.counters().epollWaits());
    }

}
