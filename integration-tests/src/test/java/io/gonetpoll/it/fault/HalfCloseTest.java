package io.gonetpoll.it.fault;

import io.gonetpoll.it.LoopIterations;
import io.gonetpoll.it.OpenFiles;
import io.gonetpoll.it.fault.PeerConnection.Side;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gonetpoll.it.fault.PeerClosesDuringLargeWriteTest.assertBalanced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP half-close in both directions, on the connecting client and the accepted child, with ALLOW_HALF_CLOSURE on
 * and off. Reproduces: the peer shuts its output down (a FIN with the connection still open the other way), and
 * we shut ours down. What must hold is what Netty's epoll does: with half-closure on, the FIN becomes
 * {@link ChannelInputShutdownEvent} then {@link ChannelInputShutdownReadComplete}, once each, and the channel
 * stays active and writable; with it off, the FIN closes the channel and fires neither. Our
 * {@code shutdownOutput()} fires {@link ChannelOutputShutdownEvent}, the peer sees EOF and can still send to us,
 * and later writes fail with {@link ClosedChannelException}. fds and epoll registrations balance afterwards.
 */
class HalfCloseTest {
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    static Object[][] transportsAndSides() {
        return PeerClosesDuringLargeWriteTest.transportsAndSides().map(a -> a.get()).toArray(Object[][]::new);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSides")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void peerShutdownOutputWithHalfClosure(FaultTransport transport, Side side) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (PeerConnection connection = PeerConnection.open(loops, side, true)) {
                EventRecorder recorder = connection.recorder;
                DuplexChannel channel = (DuplexChannel) connection.channel;
                connection.peer.getOutputStream().write(PING);
                connection.peer.shutdownOutput();

                PeerClosesDuringLargeWriteTest.awaitUserEvents(recorder, 2);
                assertEquals("ping", recorder.receivedText(), "data sent before the FIN");
                assertEquals(List.of(ChannelInputShutdownEvent.INSTANCE, ChannelInputShutdownReadComplete.INSTANCE),
                        settledEvents(connection), "user events after the peer's FIN");
                assertTrue(channel.isActive(), "half-closed channel still active");
                assertTrue(channel.isInputShutdown(), "input shut down");
                assertFalse(channel.isOutputShutdown(), "output shut down");

                // The other direction still works.
                channel.writeAndFlush(Unpooled.wrappedBuffer(PONG)).sync();
                assertEquals("pong", readFully(connection.peer.getInputStream(), PONG.length));

                channel.close().sync();
                assertEquals(-1, connection.peer.getInputStream().read(), "peer sees our close as EOF");
                connection.assertInactiveOnce();
                assertEquals(List.of(), recorder.exceptions, "exceptionCaught");
            }
            assertBalanced(loops, fds);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSides")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void peerShutdownOutputWithoutHalfClosure(FaultTransport transport, Side side) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (PeerConnection connection = PeerConnection.open(loops, side, false)) {
                connection.peer.getOutputStream().write(PING);
                connection.peer.shutdownOutput();

                connection.awaitClosed(5);
                assertEquals("ping", connection.recorder.receivedText(), "data before the FIN is read, then close");
                assertEquals(-1, connection.peer.getInputStream().read(), "peer sees our close as EOF");
                assertEquals(List.of(), settledEvents(connection), "no half-closure events");
                connection.assertInactiveOnce();
                assertEquals(List.of(), connection.recorder.exceptions, "exceptionCaught");
            }
            assertBalanced(loops, fds);
        }
    }

    /** Half-closure off: the peer's later FIN closes us, which also shows our input stayed open after our FIN. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSides")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void ourShutdownOutput(FaultTransport transport, Side side) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (PeerConnection connection = PeerConnection.open(loops, side, false)) {
                EventRecorder recorder = connection.recorder;
                DuplexChannel channel = (DuplexChannel) connection.channel;

                channel.shutdownOutput().sync();
                assertTrue(channel.isOutputShutdown(), "output shut down");
                assertFalse(channel.isInputShutdown(), "input shut down");
                assertTrue(channel.isActive(), "active after shutdownOutput");
                assertEquals(List.of(ChannelOutputShutdownEvent.INSTANCE), settledEvents(connection), "user events");
                assertEquals(-1, connection.peer.getInputStream().read(), "peer sees our FIN as EOF");

                connection.peer.getOutputStream().write(PONG);
                assertEquals("pong", recorder.awaitText("pong", 5), "what the peer sent after our FIN");

                ByteBuf late = Unpooled.directBuffer(PING.length).writeBytes(PING);
                ChannelFuture lateWrite = channel.writeAndFlush(late);
                assertTrue(lateWrite.await(5, TimeUnit.SECONDS), "write after shutdownOutput hangs");
                assertInstanceOf(ClosedChannelException.class, lateWrite.cause(), "write after shutdownOutput");
                assertEquals(0, late.refCnt(), "the refused message was not released");

                connection.peer.shutdownOutput();
                connection.awaitClosed(5);
                connection.assertInactiveOnce();
                assertEquals(List.of(), recorder.exceptions, "exceptionCaught");
            }
            assertBalanced(loops, fds);
        }
    }

    /**
     * The user events so far, once the loop has made two more turns: a transport that repeated an event (a read
     * loop spinning on EOF, say) would have added it by then.
     */
    private static List<Object> settledEvents(PeerConnection connection) throws Exception {
        LoopIterations.await(connection.channel.eventLoop(), 2);
        return List.copyOf(connection.recorder.userEvents);
    }

    private static String readFully(InputStream in, int bytes) throws IOException {
        byte[] buf = in.readNBytes(bytes);
        return new String(buf, StandardCharsets.US_ASCII);
    }
}
