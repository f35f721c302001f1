package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accepted fd whose child channel cannot be made is closed, not leaked (issue 13, item 7): before the fix it
 * stayed open for the life of the process, and its peer waited forever for an answer or an EOF.
 *
 * <p>The child's constructor fails for real: a TCP listener ({@link GoNetpollServerSocketChannel#GoNetpollServerSocketChannel(int)})
 * is handed a listening Unix-domain socket, as a socket-activation hand-off of the wrong type can. It accepts
 * Unix connections, and the TCP child's constructor fails to set {@code TCP_NODELAY} on them ({@code EOPNOTSUPP}).
 * The error reaches the listener's {@code exceptionCaught}, the connection is closed (its peer reads EOF), no
 * socket stays open, and the listener accepts the next connection the same way.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChildChannelFailureTest {
    private static final int CONNECTIONS = 3;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @TempDir
    Path dir;

    @Test
    void theAcceptedFdIsClosedWhenItsChannelCannotBeMade() throws Exception {
        GoNetpoll.ensureAvailability();
        long socketsBefore = OpenSockets.count();
        Path path = dir.resolve("listener.sock");
        // Netty's own unix socket, not GoNetpoll's: the channel below takes over the fd and closes it.
        Socket unixListener = Socket.newSocketDomain();
        unixListener.bind(new DomainSocketAddress(path.toString()));
        unixListener.listen(16);
        GoNetpollServerSocketChannel listener = new GoNetpollServerSocketChannel(unixListener.intValue());
        Failures failures = new Failures();
        listener.pipeline().addLast(failures);
        EventLoop loop = loops.group().next();
        loop.register(listener).sync();

        for (int i = 1; i <= CONNECTIONS; i++) {
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(path));
                awaitFailures(failures, i);
                assertInstanceOf(ChannelException.class, failures.caught.get(i - 1),
                        "the TCP child's constructor failed on a Unix socket");
                assertTrue(readsEof(client, 10), "connection " + i + ": the accepted fd was closed (the peer "
                        + "reads EOF) though its channel could not be made");
            }
        }
        assertEquals(CONNECTIONS, failures.caught.size(), String.valueOf(failures.caught));
        assertEquals(List.of(), failures.children, "no child channel reached the pipeline");

        listener.close().sync();
        OpenSockets.assertBackTo(socketsBefore, 10);
    }

    private static void awaitFailures(Failures failures, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (failures.caught.size() < count && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(count, failures.caught.size(), "accept failures: " + failures.caught);
    }

    /** Whether {@code client} reads EOF within {@code seconds}; it is sent nothing else. */
    private static boolean readsEof(SocketChannel client, int seconds) throws Exception {
        client.configureBlocking(false);
        ByteBuffer buffer = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (Selector selector = Selector.open()) {
            client.register(selector, SelectionKey.OP_READ);
            for (;;) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                buffer.clear();
                int read = client.read(buffer);
                if (read < 0) {
                    return true;
                }
                assertEquals(0, read, "nothing but EOF is sent");
            }
        }
    }

    /** What the listener's pipeline sees: accept errors, and child channels (none are expected). */
    private static final class Failures extends ChannelInboundHandlerAdapter {
        final List<Throwable> caught = new CopyOnWriteArrayList<>();
        final List<Object> children = new CopyOnWriteArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            children.add(String.valueOf(msg));
            if (msg instanceof Channel) {
                ((Channel) msg).close();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }
}
