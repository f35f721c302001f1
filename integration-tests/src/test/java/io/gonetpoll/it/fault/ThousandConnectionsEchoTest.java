package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.EchoFixture;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 1,000 concurrent connections, each echoing 1 MiB through a GoNetpoll server back to a GoNetpoll client, with
 * every byte checked in order. Each connection's stream is different (a function of its index and the offset),
 * so bytes delivered to the wrong connection, lost, duplicated or reordered all fail. The writer keeps one
 * 64 KiB chunk in flight per connection (the next is written when the previous one has been), so memory stays
 * bounded at 64 MiB while all thousand run at once.
 */
class ThousandConnectionsEchoTest {
    private static final int CONNECTIONS = 1000;
    private static final int BYTES_PER_CONNECTION = 1 << 20;
    private static final int CHUNK = 64 * 1024;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyByteComesBackInOrder() throws Exception {
        long fds = OpenFiles.count();
        EventLoopGroup server = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            Channel listener = EchoFixture.startServer(server, GoNetpollServerSocketChannel.class);
            List<CompletableFuture<Long>> verified = new ArrayList<>();
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Verifier verifier = new Verifier(i);
                verified.add(verifier.done);
                connects.add(new Bootstrap().group(clients).channel(GoNetpollSocketChannel.class)
                        .handler(verifier).connect(listener.localAddress()));
            }
            for (ChannelFuture connect : connects) {
                connect.sync();
            }
            long total = 0;
            for (CompletableFuture<Long> done : verified) {
                total += done.get(100, TimeUnit.SECONDS);
            }
            assertEquals((long) CONNECTIONS * BYTES_PER_CONNECTION, total, "bytes verified");
            for (ChannelFuture connect : connects) {
                connect.channel().close().sync();
            }
            listener.close().sync();
        } finally {
            clients.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            server.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        assertEquals(fds, OpenFiles.awaitValue(OpenFiles::count, fds, 10), "open fds");
    }

    /** Byte {@code offset} of connection {@code connection}'s stream. */
    static byte expected(int connection, long offset) {
        return (byte) (offset * 31 + connection * 7 + (offset >>> 8));
    }

    /** Writes the connection's stream chunk by chunk and checks what comes back; completes with the byte count. */
    private static final class Verifier extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final int index;
        private long written;
        private long received;

        Verifier(int index) {
            this.index = index;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeNext(ctx);
            ctx.fireChannelActive();
        }

        private void writeNext(ChannelHandlerContext ctx) {
            if (written == BYTES_PER_CONNECTION) {
                return;
            }
            // Built as an array and copied in once: with the leak detector at PARANOID every buffer access is
            // recorded, so a byte-by-byte fill of 1 GiB would take minutes.
            byte[] bytes = new byte[CHUNK];
            for (int i = 0; i < CHUNK; i++) {
                bytes[i] = expected(index, written + i);
            }
            ByteBuf chunk = ctx.alloc().directBuffer(CHUNK).writeBytes(bytes);
            written += CHUNK;
            ctx.writeAndFlush(chunk).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    writeNext(ctx);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            try {
                buf.readBytes(bytes);
            } finally {
                buf.release();
            }
            for (byte got : bytes) {
                if (got != expected(index, received)) {
                    done.completeExceptionally(new AssertionError("connection " + index + ": byte " + received
                            + " is " + got + ", expected " + expected(index, received)));
                    ctx.close();
                    return;
                }
                received++;
            }
            if (received == BYTES_PER_CONNECTION) {
                done.complete(received);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new AssertionError("connection " + index + " closed after " + received
                    + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }
}
