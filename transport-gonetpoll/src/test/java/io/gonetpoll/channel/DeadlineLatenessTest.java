package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of deadline fires on time, bounded from both sides ({@link Lateness}): not before it, and not later
 * than the wheel's tick plus a slack a loaded CI host needs, so that a deadline that does not fire promptly at all
 * fails here instead of passing a test that only waits for "some" expiry. Kinds: read, write (a parked flush), both
 * with one timer, a deadline moved later (the timer fires at the old time and re-arms for the remainder) and one
 * moved earlier (the timer is replaced), {@code READ_TIMEOUT_MILLIS}, {@code WRITE_TIMEOUT_MILLIS}, and the accept
 * deadline. A GoNetpoll client against a blocking peer that never reads or writes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlineLatenessTest {
    private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long TICK_MILLIS = GoNetpollIoHandlerConfig.DEFAULT_DEADLINE_TICK_MILLIS;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);
    private ServerSocket peers;
    private Socket peer;
    private final TimedRecorder events = new TimedRecorder();

    @BeforeEach
    void setUp() throws IOException {
        peers = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (peer != null) {
            peer.close();
        }
        peers.close();
    }

    @Test
    void readDeadline() throws Exception {
        GoNetpollSocketChannel client = connect();
        long deadline = System.nanoTime() + DELAY_NANOS;
        client.setReadDeadline(deadline);
        assertFiredOnTime("read deadline", ReadDeadlineExceededException.class, deadline, deadline);
    }

    @Test
    void writeDeadlineOfAParkedFlush() throws Exception {
        GoNetpollSocketChannel client = connect();
        ParkedFlush.fill(client);
        long deadline = System.nanoTime() + DELAY_NANOS;
        client.setWriteDeadline(deadline);
        assertFiredOnTime("write deadline", WriteDeadlineExceededException.class, deadline, deadline);
        assertTrue(events.inactive.await(5, TimeUnit.SECONDS), "a parked flush's deadline closes the channel");
    }

    @Test
    void oneDeadlineForBothSides() throws Exception {
        GoNetpollSocketChannel client = connect();
        long deadline = System.nanoTime() + DELAY_NANOS;
        client.setDeadline(deadline);
        assertFiredOnTime("deadline of both sides", ReadDeadlineExceededException.class, deadline, deadline);
    }

    /** Moved later lazily: the old timer must fire, see the new deadline and re-arm for the remainder. */
    @Test
    void deadlineMovedLater() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.setReadDeadline(System.nanoTime() + DELAY_NANOS / 3);
        long deadline = System.nanoTime() + DELAY_NANOS;
        client.setReadDeadline(deadline);
        assertFiredOnTime("deadline moved later", ReadDeadlineExceededException.class, deadline, deadline);
    }

    @Test
    void deadlineMovedEarlier() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.setReadDeadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        long deadline = System.nanoTime() + DELAY_NANOS;
        client.setReadDeadline(deadline);
        assertFiredOnTime("deadline moved earlier", ReadDeadlineExceededException.class, deadline, deadline);
    }

    /**
     * The read request that arms the timeout is made by auto-read when the channel becomes active: after the connect
     * starts, and before a task submitted to the loop once the connect completed has run.
     */
    @Test
    void readTimeoutMillis() throws Exception {
        long before = System.nanoTime();
        GoNetpollSocketChannel client = connect(bootstrap()
                .option(GoNetpollChannelOption.READ_TIMEOUT_MILLIS, (int) TimeUnit.NANOSECONDS.toMillis(DELAY_NANOS)));
        client.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        long after = System.nanoTime();
        assertFiredOnTime("READ_TIMEOUT_MILLIS", ReadDeadlineExceededException.class, before + DELAY_NANOS,
                after + DELAY_NANOS);
    }

    /** The timeout is armed when the flush parks: after the last write before it was issued, before it was seen. */
    @Test
    void writeTimeoutMillis() throws Exception {
        GoNetpollSocketChannel client = connect();
        client.config().setOption(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS,
                (int) TimeUnit.NANOSECONDS.toMillis(DELAY_NANOS));
        long before = System.nanoTime();
        ParkedFlush.fill(client);
        long after = System.nanoTime();
        assertFiredOnTime("WRITE_TIMEOUT_MILLIS", WriteDeadlineExceededException.class, before + DELAY_NANOS,
                after + DELAY_NANOS);
    }

    @Test
    void acceptDeadline() throws Exception {
        GoNetpollServerSocketChannel server = (GoNetpollServerSocketChannel) new ServerBootstrap()
                .group(loops.group()).channel(GoNetpollServerSocketChannel.class)
                .handler(events).childHandler(EchoHandler.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            long deadline = System.nanoTime() + DELAY_NANOS;
            server.setAcceptDeadline(deadline);
            assertFiredOnTime("accept deadline", ReadDeadlineExceededException.class, deadline, deadline);
        } finally {
            server.close().sync();
        }
    }

    private void assertFiredOnTime(String what, Class<? extends Throwable> expected, long earliest, long latest)
            throws InterruptedException {
        long waitSeconds = TimeUnit.NANOSECONDS.toSeconds(DELAY_NANOS + Lateness.SLACK_NANOS) + 5;
        TimedRecorder.Caught caught = events.awaitException(waitSeconds);
        assertInstanceOf(expected, caught.cause(), what);
        Lateness.assertOnTime(what, earliest, latest, caught.atNanos(), TICK_MILLIS);
    }

    private GoNetpollSocketChannel connect() throws Exception {
        return connect(bootstrap());
    }

    private GoNetpollSocketChannel connect(Bootstrap bootstrap) throws Exception {
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) bootstrap
                .connect(peers.getLocalSocketAddress()).sync().channel();
        peer = peers.accept();
        peer.setReceiveBufferSize(16 << 10);
        return client;
    }

    private Bootstrap bootstrap() {
        return new Bootstrap().group(loops.group()).channel(GoNetpollSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 16 << 10)
                .handler(events);
    }
}
