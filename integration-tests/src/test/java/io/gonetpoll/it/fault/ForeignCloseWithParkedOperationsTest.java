package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.gonetpoll.it.OpenFiles;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code close()} from a thread that is not the channel's loop while both sides of the channel wait: a read is
 * parked (auto-read, the peer sends nothing) and a flush is parked (the peer reads nothing, so the send buffer
 * is full). What must hold, as on Netty's epoll: the close future succeeds, every write still queued fails with
 * a {@link ClosedChannelException}, channelInactive and channelUnregistered fire once, and the fd is closed
 * (and, on GoNetpoll, deleted from epoll first).
 */
class ForeignCloseWithParkedOperationsTest {
    private static final int CHUNK = 64 * 1024;
    private static final int WRITES = 64;

    @ParameterizedTest
    @EnumSource(FaultTransport.class)
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void closeFromAnotherThread(FaultTransport transport) throws Exception {
        try (TransportGroup loops = transport.open()) {
            long fds = OpenFiles.count();
            CountDownLatch unregistered = new CountDownLatch(1);
            try (PeerConnection connection = PeerConnection.open(loops, PeerConnection.Side.CLIENT, false)) {
                connection.channel.config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                connection.channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelUnregistered(ChannelHandlerContext ctx) {
                        unregistered.countDown();
                        ctx.fireChannelUnregistered();
                    }
                });
                // 4 MiB to a peer that reads nothing: far more than its receive window and our send buffer, so the
                // flush parks with most of it queued.
                List<ChannelFuture> writes = new ArrayList<>();
                for (int i = 0; i < WRITES; i++) {
                    writes.add(connection.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[CHUNK])));
                }
                ChannelFuture last = writes.get(WRITES - 1);
                assertFalse(last.await(200, TimeUnit.MILLISECONDS), "4 MiB went to a peer that reads nothing");

                CompletableFuture<ChannelFuture> closed = CompletableFuture.supplyAsync(() -> {
                    assertFalse(connection.channel.eventLoop().inEventLoop());
                    return connection.channel.close();
                });
                assertTrue(closed.get(5, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS), "close did not complete");
                assertTrue(closed.get().isSuccess(), () -> "close failed: " + closed.join().cause());

                int failed = 0;
                for (ChannelFuture write : writes) {
                    assertTrue(write.await(5, TimeUnit.SECONDS), "a write is left pending after the close");
                    if (!write.isSuccess()) {
                        assertInstanceOf(ClosedChannelException.class, write.cause());
                        failed++;
                    }
                }
                assertTrue(failed > 0, "no write was pending at the close");
                assertFalse(last.isSuccess(), "the parked write succeeded");
                connection.assertInactiveOnce();
                assertTrue(unregistered.await(5, TimeUnit.SECONDS), "channelUnregistered did not fire");
                assertEquals(List.of(), connection.recorder.exceptions, "exceptions");
            }
            GoNetpollLoopCounters counters = loops.counters();
            if (counters != null) {
                assertEquals(counters.epollCtlAdds(), OpenFiles.awaitValue(() -> loops.counters().epollCtlDels(),
                        counters.epollCtlAdds(), 5), () -> "epoll_ctl DEL per ADD: " + loops.counters());
            }
            assertEquals(fds, OpenFiles.awaitValue(OpenFiles::count, fds, 5),
                    () -> "open fds:" + FdSnapshot.diff(loops.fdsAtStart, FdSnapshot.take()));
        }
    }
}
