package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.it.BlackholeListener;
import io.gonetpoll.it.OpenFiles;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static io.gonetpoll.it.fault.PeerClosesDuringLargeWriteTest.assertBalanced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connects that never succeed: to a port nobody listens on (refused), to a listener whose accept queue is full
 * ({@link BlackholeListener}: the SYN is dropped) until CONNECT_TIMEOUT_MILLIS fires, and to the same listener
 * until the user cancels the connect future. What must hold, as on Netty's epoll: the connect future fails with
 * the exception Netty's transports use (or is cancelled), the channel is closed and was never active, the
 * process has as many fds as before, and GoNetpoll deleted from epoll what it added.
 */
class ConnectFailureTest {
    private static final int CONNECT_TIMEOUT_MILLIS = 300;

    @ParameterizedTest
    @EnumSource(FaultTransport.class)
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void connectToClosedPortIsRefused(FaultTransport transport) throws Exception {
        InetSocketAddress closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            EventRecorder recorder = new EventRecorder();
            ChannelFuture connect = loops.client().handler(recorder).connect(closed);

            assertTrue(connect.await(5, TimeUnit.SECONDS), "connect to a closed port hangs");
            Throwable cause = connect.cause();
            assertInstanceOf(ConnectException.class, cause);
            // AbstractChannel.annotateConnectException adds the address; both transports use it.
            assertEquals("io.netty.channel.AbstractChannel$AnnotatedConnectException", cause.getClass().getName());
            assertTrue(cause.getMessage().contains("Connection refused"), cause.getMessage());
            assertTrue(cause.getMessage().contains(":" + closed.getPort()), cause.getMessage());
            assertClosedNeverActive(connect.channel(), recorder);
            assertBalanced(loops, fds);
            assertAtMostOneAdd(loops);
        }
    }

    @ParameterizedTest
    @EnumSource(FaultTransport.class)
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void connectTimeoutFiresWhileSynIsDropped(FaultTransport transport) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (BlackholeListener blackhole = BlackholeListener.open()) {
                EventRecorder recorder = new EventRecorder();
                long start = System.nanoTime();
                ChannelFuture connect = loops.client().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                        .handler(recorder).connect(blackhole.address());

                assertTrue(connect.await(5, TimeUnit.SECONDS), "connect timeout did not fire within 5 s");
                long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertInstanceOf(ConnectTimeoutException.class, connect.cause());
                assertTrue(elapsedMillis >= CONNECT_TIMEOUT_MILLIS - 50,
                        "timed out after " + elapsedMillis + " ms, before CONNECT_TIMEOUT_MILLIS");
                assertClosedNeverActive(connect.channel(), recorder);
            }
            assertBalanced(loops, fds);
            assertAtMostOneAdd(loops);
        }
    }

    @ParameterizedTest
    @EnumSource(FaultTransport.class)
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void cancellingAPendingConnectClosesTheChannel(FaultTransport transport) throws Exception {
        try (TransportGroup loops = transport.open()) {
            OpenFiles.Baseline fds = OpenFiles.baseline();
            try (BlackholeListener blackhole = BlackholeListener.open()) {
                EventRecorder recorder = new EventRecorder();
                ChannelFuture connect = loops.client().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                        .handler(recorder).connect(blackhole.address());
                // The cancel must meet a connect in flight: wait until connect(2) has returned EINPROGRESS. Both
                // transports cache the local address right after it (the bind took place, netty#3463), then a task
                // on the loop ensures the connect task has finished.
                awaitConnectStarted(connect.channel());
                assertFalse(connect.isDone(), "connect to the black hole completed: " + connect.cause());
                GoNetpollLoopCounters counters = loops.counters();
                if (counters != null) {
                    assertEquals(1, counters.epollCtlAdds(), "the pending connect is in epoll: " + counters);
                }

                assertTrue(connect.cancel(false), "a pending connect can be cancelled");
                assertTrue(connect.isCancelled());
                assertClosedNeverActive(connect.channel(), recorder);
            }
            assertBalanced(loops, fds);
            assertAtMostOneAdd(loops);
        }
    }

    /** A port that was free a moment ago: bound on 0, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void awaitConnectStarted(Channel channel) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (channel.localAddress() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertNotNull(channel.localAddress(), "connect(2) was not called within 5 s");
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private static void assertClosedNeverActive(Channel channel, EventRecorder recorder) throws Exception {
        assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS), "channel still open after the failed connect");
        assertFalse(channel.isOpen());
        assertFalse(channel.isActive());
        // A task on the loop, so a channelInactive queued by the close would have run.
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(0, recorder.inactiveCalls.get(), "channelInactive for a channel that was never active");
    }

    /** One socket per test: at most one ADD (none if connect(2) failed at once), balanced by assertBalanced. */
    private static void assertAtMostOneAdd(TransportGroup loops) {
        GoNetpollLoopCounters counters = loops.counters();
        if (counters != null) {
            assertTrue(counters.epollCtlAdds() <= 1, "epoll_ctl ADDs for one socket: " + counters);
        }
    }
}
