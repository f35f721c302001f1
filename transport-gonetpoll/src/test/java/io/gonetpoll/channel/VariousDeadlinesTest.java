package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go's {@code TestVariousDeadlines} ({@code net/timeout_test.go}) with data streaming: a GoNetpoll client reads
 * what a blocking peer writes without end, and once the stream flows {@code setDeadline} (both sides, as Go's test
 * sets them) puts a deadline 1 ns to 1 s ahead; three runs each. For every deadline:
 * <ul>
 *   <li>it fires: one {@link ReadDeadlineExceededException} reaches {@code exceptionCaught}, and the channel stays
 *   open;</li>
 *   <li>on time: not before the deadline, not later than {@link Lateness} allows;</li>
 *   <li>the stream until then was delivered, nothing is read while the read side is expired (sticky), and nothing
 *   is lost: once the read deadline is cleared the rest arrives, and in all the client has read exactly the bytes
 *   the peer wrote, in order.</li>
 * </ul>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VariousDeadlinesTest {
    private static final int RUNS = 3;
    /** The peer writes this much, then pauses: a steady stream that keeps a shared 2-core host usable. */
    private static final int CHUNK = 8 << 10;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The stream repeats a pattern of this prime period, so a lost or repeated chunk shows. */
    private static final int PERIOD = 251;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);
    private ServerSocket peers;

    @BeforeEach
    void setUp() throws IOException {
        peers = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws IOException {
        peers.close();
    }

    @ParameterizedTest(name = "{0} ns")
    @ValueSource(longs = {1, 2, 5, 50, 100, 200, 500, 750, 1_000, 5_000, 25_000, 250_000, 500_000, 1_000_000,
            5_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000})
    void deadlineFiresOnTimeWhileDataStreams(long timeoutNanos) throws Exception {
        long sockets = OpenSockets.count();
        for (int run = 0; run < RUNS; run++) {
            run(timeoutNanos, "run " + (run + 1) + " of " + RUNS + ": ");
        }
        GoNetpollLoopCounters counters = loops.factory().counters();
        assertEquals(RUNS, counters.deadlineExpiries(), "one expiry per run (one timer serves both sides): "
                + counters);
        assertEquals(counters.epollCtlAdds(), counters.epollCtlDels(), "a DEL for every ADD: " + counters);
        OpenSockets.assertBackTo(sockets, 5);
    }

    private void run(long timeoutNanos, String run) throws Exception {
        StreamReader reader = new StreamReader();
        GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                .channel(GoNetpollSocketChannel.class).handler(reader)
                .connect(peers.getLocalSocketAddress()).sync().channel();
        try (Socket peer = peers.accept()) {
            PatternWriter writer = new PatternWriter(peer);
            writer.start();
            awaitStreaming(reader, run);

            long deadline = System.nanoTime() + timeoutNanos;
            client.setDeadline(deadline);
            TimedRecorder.Caught caught = reader.events.awaitException(10);
            assertInstanceOf(ReadDeadlineExceededException.class, caught.cause(), run + "what fired");
            Lateness.assertOnTime(run + "the deadline", deadline, deadline, caught.atNanos(),
                    GoNetpollIoHandlerConfig.DEFAULT_DEADLINE_TICK_MILLIS);
            assertTrue(client.isActive(), run + "a read deadline closed the channel");

            // Clear the read deadline: the rest of the stream, then the peer's EOF (which closes the channel).
            writer.stopWriting();
            reader.readDeadlineCleared = true;
            client.setReadDeadline(0);
            writer.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse(writer.isAlive(), run + "the peer's writes stayed blocked: the client reads no more");
            assertNull(writer.failure, run + "the peer's writes failed");
            assertTrue(reader.events.inactive.await(20, TimeUnit.SECONDS), run + "the peer's EOF closed nothing");

            assertEquals(0, reader.readsWhileExpired.get(), run + "messages read while the read side was expired");
            assertNull(reader.patternError, run + "the stream arrived damaged");
            assertEquals(writer.written, reader.events.bytes.get(), run + "bytes read of those the peer wrote");
            assertNull(reader.events.exceptions.poll(), run + "a second exception");
        }
    }

    /** The deadline is set once data flows: the client has read some of the stream. */
    private static void awaitStreaming(StreamReader reader, String run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reader.events.bytes.get() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertTrue(reader.events.bytes.get() > 0, run + "nothing of the stream arrived");
    }

    /** Writes the pattern in chunks, pausing after each, until stopped; then shuts its output (EOF). */
    private static final class PatternWriter extends Thread {
        private final Socket peer;
        private volatile boolean stop;
        /** Read after {@link #join}. */
        long written;
        IOException failure;

        PatternWriter(Socket peer) {
            super("pattern writer");
            setDaemon(true);
            this.peer = peer;
        }

        void stopWriting() {
            stop = true;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[CHUNK + PERIOD];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = pattern(i);
            }
            try {
                OutputStream out = peer.getOutputStream();
                while (!stop) {
                    // The chunk starts at the stream's current phase.
                    out.write(chunk, (int) (written % PERIOD), CHUNK);
                    written += CHUNK;
                    LockSupport.parkNanos(PAUSE_NANOS);
                }
                peer.shutdownOutput();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    private static byte pattern(long offset) {
        return (byte) (offset % PERIOD);
    }

    /** Checks the stream against the pattern, and notes any message read while the read side was expired. */
    private static final class StreamReader extends ChannelInboundHandlerAdapter {
        final TimedRecorder events = new TimedRecorder();
        final AtomicLong readsWhileExpired = new AtomicLong();
        /** Set by the test thread before it clears the read deadline: reads are legitimate again from then on. */
        volatile boolean readDeadlineCleared;
        /** Loop thread. */
        private boolean expired;
        private long offset;
        volatile String patternError;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (expired && !readDeadlineCleared) {
                readsWhileExpired.incrementAndGet();
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            for (int i = 0; i < bytes.length && patternError == null; i++) {
                if (bytes[i] != pattern(offset + i)) {
                    patternError = "byte " + (offset + i) + " is " + bytes[i] + ", expected " + pattern(offset + i);
                }
            }
            offset += bytes.length;
            events.channelRead(ctx, msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ReadDeadlineExceededException) {
                expired = true;
            }
            events.exceptionCaught(ctx, cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.channelInactive(ctx);
        }
    }
}
