package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener made from an fd it did not open ({@link GoNetpollServerSocketChannel#GoNetpollServerSocketChannel(int)},
 * as socket activation or a hand-over from another process gives one) is active only if that fd already listens.
 * An unbound socket is registered inactive and bound afterwards, as on Netty's epoll: before the fix it counted
 * as active (its address read back as 0.0.0.0:0, which is not null), joined epoll at registration, and the bind
 * then failed with "already in epoll".
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdoptedListenerFdTest {
    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @Test
    void anUnboundFdIsBoundAfterRegistration() throws Exception {
        GoNetpoll.ensureAvailability();
        long socketsBefore = OpenSockets.count();
        // Netty's own socket: the channel takes over the fd and closes it.
        GoNetpollServerSocketChannel listener = new GoNetpollServerSocketChannel(Socket.newSocketStream().intValue());
        assertFalse(listener.isActive(), "an unbound socket is not a listener");
        CompletableFuture<Channel> accepted = recordAccepted(listener);
        loops.group().next().register(listener).sync();
        listener.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        assertTrue(listener.isActive());

        try (java.net.Socket client = new java.net.Socket("127.0.0.1", listener.localAddress().getPort())) {
            assertAccepted(accepted, client);
        }
        assertEquals(1, loops.factory().counters().epollCtlAdds(), "one ADD, at the bind: " + loops.factory().counters());
        listener.close().sync();
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    @Test
    void aListeningFdIsActiveAtOnce() throws Exception {
        GoNetpoll.ensureAvailability();
        Socket socket = Socket.newSocketStream();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.listen(16);
        GoNetpollServerSocketChannel listener = new GoNetpollServerSocketChannel(socket.intValue());
        assertTrue(listener.isActive(), "a listening socket handed over is a listener");
        CompletableFuture<Channel> accepted = recordAccepted(listener);
        loops.group().next().register(listener).sync();
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", listener.localAddress().getPort())) {
            assertAccepted(accepted, client);
        }
        listener.close().sync();
    }

    /** The listener has no child handler: each accepted child reaches its pipeline as a message. */
    private static CompletableFuture<Channel> recordAccepted(GoNetpollServerSocketChannel listener) {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        listener.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                accepted.complete((Channel) msg);
            }
        });
        return accepted;
    }

    private static void assertAccepted(CompletableFuture<Channel> accepted, java.net.Socket client) throws Exception {
        Channel child = accepted.get(10, TimeUnit.SECONDS);
        assertEquals(client.getLocalPort(), ((InetSocketAddress) child.remoteAddress()).getPort());
        child.unsafe().closeForcibly(); // never registered: nothing but its fd to release
    }
}
