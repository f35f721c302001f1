package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code SO_LINGER > 0}, only a close may block (until the data is sent), so only a close is run on
 * another executor after leaving epoll. A half-close does not block and must leave the channel in epoll: a
 * flush parked on a full send buffer must still resume when the peer reads (Netty fixed the output half in
 * netty/netty#11981; this is the input half).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HalfCloseWithLingerTest {
    private static final int BYTES = 8 << 20;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @Test
    void shutdownInputLeavesAParkedFlushRunning() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setReceiveBufferSize(16 << 10);
            GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(loops.group())
                    .channel(GoNetpollSocketChannel.class).option(ChannelOption.SO_LINGER, 1)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                ChannelFuture write = client.writeAndFlush(Unpooled.wrappedBuffer(new byte[BYTES]));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!client.eventLoop().submit(() -> client.pollDesc.isParked(Sides.WRITE)).get()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(client.eventLoop().submit(() -> client.pollDesc.isParked(Sides.WRITE)).get(),
                        "the flush parked on the full send buffer");
                long dels = loops.factory().counters().epollCtlDels();

                client.shutdownInput().sync();
                assertEquals(dels, loops.factory().counters().epollCtlDels(), "a half-close stays in epoll");

                assertEquals(BYTES, readAll(peer.getInputStream()));
                assertTrue(write.await(10, TimeUnit.SECONDS), "the parked flush resumed and completed");
                assertTrue(write.isSuccess(), String.valueOf(write.cause()));
            } finally {
                client.close().sync();
            }
        }
    }

    private static int readAll(InputStream in) throws Exception {
        byte[] buf = new byte[64 << 10];
        int total = 0;
        while (total < BYTES) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
