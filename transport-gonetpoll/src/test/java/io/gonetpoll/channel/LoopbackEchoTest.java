package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A GoNetpoll server and client on loopback echo one message; the loop counters show one ADD per socket. */
class LoopbackEchoTest {
    private static GoNetpollIoHandlerFactory factory;
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        factory = GoNetpollIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(2, factory);
    }

    @AfterAll
    static void tearDown() throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void echoesOneMessage() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .childHandler(EchoHandler.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        byte[] payload = "hello, netpoll".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    private final ByteBuf received = Unpooled.buffer();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        received.writeBytes(buf);
                        buf.release();
                        if (received.readableBytes() >= payload.length) {
                            byte[] bytes = new byte[received.readableBytes()];
                            received.readBytes(bytes);
                            received.release();
                            echoed.complete(bytes);
                        }
                    }
                }).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
        assertArrayEquals(payload, echoed.get(10, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
        GoNetpollLoopCounters counters = factory.counters();
        // listener, client, accepted child
        assertEquals(3, counters.epollCtlAdds(), counters.toString());
    }
}
