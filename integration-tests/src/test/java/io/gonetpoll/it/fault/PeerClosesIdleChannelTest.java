package io.gonetpoll.it.fault;

import io.gonetpoll.it.OpenFiles;
import io.gonetpoll.it.fault.PeerConnection.Side;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gonetpoll.it.fault.PeerClosesDuringLargeWriteTest.assertBalanced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer goes away from a connection that is idle and not reading (AUTO_READ off, no read requested): with an
 * RST, and with a FIN. With edge triggering the one edge that reports it is easy to lose, since no read is
 * parked to consume it. What must hold, as on Netty's epoll (which reads on EPOLLRDHUP even without a read
 * request): the channel notices and closes without the application asking for data, fires channelInactive once,
 * and fds and epoll registrations balance; after an RST the reset reaches exceptionCaught as an IOException.
 * Data the peer sent before going away is delivered before the close.
 */
class PeerClosesIdleChannelTest {
    static Object[][] transportsAndSides() {
        return HalfCloseTest.transportsAndSides();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSides")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void peerResetWhileNotReading(FaultTransport transport, Side side) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (PeerConnection connection = PeerConnection.open(loops, side, false, false)) {
                connection.peer.setSoLinger(true, 0);
                connection.peer.close();

                connection.awaitClosed(5);
                assertFalse(connection.channel.isActive());
                connection.assertInactiveOnce();
                List<Throwable> exceptions = connection.recorder.exceptions;
                assertEquals(1, exceptions.size(), "exceptionCaught calls: " + exceptions);
                assertInstanceOf(IOException.class, exceptions.get(0));
                assertTrue(exceptions.get(0).getMessage().contains("Connection reset by peer"),
                        exceptions.get(0).getMessage());
            }
            assertBalanced(loops, fds);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndSides")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void peerFinWhileNotReading(FaultTransport transport, Side side) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (PeerConnection connection = PeerConnection.open(loops, side, false, false)) {
                connection.peer.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                connection.peer.shutdownOutput();

                connection.awaitClosed(5);
                assertEquals("bye", connection.recorder.receivedText(), "data sent before the FIN");
                assertEquals(-1, connection.peer.getInputStream().read(), "peer sees our close as EOF");
                connection.assertInactiveOnce();
                assertEquals(List.of(), connection.recorder.exceptions, "exceptionCaught");
            }
            assertBalanced(loops, fds);
        }
    }
}
