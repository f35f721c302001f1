package io.gonetpoll.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accept deadline against a connection that is already queued, and one that is set and then cleared (Go's
 * {@code TestAcceptDeadlineConnectionAvailable} and {@code TestDeadlineReset}, {@code net/timeout_test.go}).
 *
 * <p>What GoNetpoll does, as Go: a listener past its accept deadline accepts nothing, even with a connection in the
 * backlog; the accept it was asked for fails with {@link ReadDeadlineExceededException} ("accept deadline exceeded")
 * through {@code exceptionCaught}, and the listener stays open. Clearing the deadline runs that accept: the queued
 * connection is accepted. A deadline set and cleared before it passes never fires, and the listener accepts as if
 * none had been set.
 *
 * <p>The listeners' own handler records their exceptions and does not pass them on, so {@code ServerBootstrap}'s
 * acceptor does not pause auto-read for a second, which is its reaction to any accept error.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AcceptDeadlineTest {
    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);
    private final AtomicInteger accepted = new AtomicInteger();

    /**
     * Auto-read off, so nobody accepts the connection when it arrives; then a deadline in the past, then the accept
     * ({@code read()}). It fails without a single {@code accept4}; the connection stays queued until the deadline is
     * cleared, then it is accepted.
     */
    @Test
    void aPastDeadlineFailsTheAcceptWithAConnectionQueued() throws Exception {
        TimedRecorder events = new TimedRecorder();
        GoNetpollServerSocketChannel server = listen(events, false);
        try (Socket client = new Socket()) {
            client.connect(server.localAddress(), 5000);
            // The handshake is done: the connection waits in the backlog, announced by an edge nobody asked for.
            server.setAcceptDeadline(System.nanoTime() - 1);
            awaitOnLoop(server);
            long acceptsBefore = loops.factory().counters().acceptSyscalls();

            server.read();
            TimedRecorder.Caught caught = events.awaitException(5);
            assertInstanceOf(ReadDeadlineExceededException.class, caught.cause());
            assertTrue(caught.cause().getMessage().contains("accept"), caught.cause().getMessage());
            awaitOnLoop(server);
            assertEquals(acceptsBefore, loops.factory().counters().acceptSyscalls(),
                    "accept4 called past the deadline: " + loops.factory().counters());
            assertEquals(0, accepted.get(), "accepted past the deadline");
            assertTrue(server.isActive(), "the listener closed");

            server.setAcceptDeadline(0);
            awaitAccepted(1);
            assertNull(events.exceptions.poll(), "a second exception");
        } finally {
            server.close().sync();
        }
    }

    /**
     * A deadline set and cleared before it passes never fires. The window is proved by a second listener on the same
     * loop given the same deadline and not cleared: once it has fired, the cleared one would have too. Then the
     * cleared listener accepts a connection.
     */
    @Test
    void aDeadlineSetThenClearedNeverFiresAndAcceptsWork() throws Exception {
        TimedRecorder resetEvents = new TimedRecorder();
        TimedRecorder controlEvents = new TimedRecorder();
        GoNetpollServerSocketChannel reset = listen(resetEvents, true);
        GoNetpollServerSocketChannel control = listen(controlEvents, true);
        try (Socket client = new Socket()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            reset.setAcceptDeadline(deadline);
            control.setAcceptDeadline(deadline);
            reset.setAcceptDeadline(0);

            assertInstanceOf(ReadDeadlineExceededException.class, controlEvents.awaitException(5).cause(),
                    "the control listener's deadline");
            awaitOnLoop(reset);
            assertNull(resetEvents.exceptions.poll(), "the cleared deadline fired");
            assertEquals(1, loops.factory().counters().deadlineExpiries(), loops.factory().counters().toString());

            client.connect(reset.localAddress(), 5000);
            awaitAccepted(1);
            assertNull(resetEvents.exceptions.poll(), "exceptionCaught");
        } finally {
            reset.close().sync();
            control.close().sync();
        }
    }

    private GoNetpollServerSocketChannel listen(TimedRecorder events, boolean autoRead) throws Exception {
        return (GoNetpollServerSocketChannel) new ServerBootstrap().group(loops.group())
                .channel(GoNetpollServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, autoRead)
                .handler(events)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.incrementAndGet();
                        ctx.close();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private void awaitAccepted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (accepted.get() < count && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(count, accepted.get(), "connections accepted");
    }

    /** Returns once every task the channel's loop had before this call has run. */
    private static void awaitOnLoop(io.netty.channel.Channel channel) throws Exception {
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }
}
