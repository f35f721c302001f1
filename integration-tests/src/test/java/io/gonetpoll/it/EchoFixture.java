package io.gonetpoll.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** An echo server and a client that checks one round trip, on any transport. */
public final class EchoFixture {
    private EchoFixture() {
    }

    @ChannelHandler.Sharable
    public static final class Echo extends ChannelInboundHandlerAdapter {
        public static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static Channel startServer(EventLoopGroup group, Class<? extends ServerChannel> channelClass)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(Echo.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Connects, sends {@code payload}, waits for all of it back, closes; fails if a byte differs. */
    public static void roundTrip(EventLoopGroup group, Class<? extends SocketChannel> channelClass, SocketAddress server,
                          byte[] payload) throws Exception {
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(channelClass)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private final ByteBuf received = Unpooled.buffer(payload.length);

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf buf = (ByteBuf) msg;
                                received.writeBytes(buf);
                                buf.release();
                                if (received.readableBytes() >= payload.length) {
                                    byte[] bytes = new byte[received.readableBytes()];
                                    received.readBytes(bytes);
                                    echoed.complete(bytes);
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.release();
                                echoed.completeExceptionally(new IllegalStateException("closed before the echo"));
                            }
                        });
                    }
                }).connect(server).sync().channel();
        try {
            client.writeAndFlush(Unpooled.wrappedBuffer(payload));
            assertArrayEquals(payload, echoed.get(10, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
        }
    }
}
