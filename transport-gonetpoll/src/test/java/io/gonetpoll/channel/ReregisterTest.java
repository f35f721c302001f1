package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connected channel moves to another loop: deregistration deletes it from the first loop's epoll, the new
 * registration adds it to the second's, and the connection keeps working — including data that arrived while
 * it belonged to no loop (the ADD reports it as an edge).
 */
class ReregisterTest {
    @Test
    void aConnectedChannelMovesToAnotherLoop() throws Exception {
        GoNetpollIoHandlerFactory serverFactory = GoNetpollIoHandler.newFactory();
        GoNetpollIoHandlerFactory first = GoNetpollIoHandler.newFactory();
        GoNetpollIoHandlerFactory second = GoNetpollIoHandler.newFactory();
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, serverFactory);
        EventLoopGroup firstGroup = new MultiThreadIoEventLoopGroup(1, first);
        EventLoopGroup secondGroup = new MultiThreadIoEventLoopGroup(1, second);
        try {
            java.util.concurrent.CompletableFuture<Channel> child = new java.util.concurrent.CompletableFuture<>();
            Channel server = new ServerBootstrap().group(serverGroup).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            child.complete(ctx.channel());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }

                        @Override
                        public boolean isSharable() {
                            return true;
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            Channel client = new Bootstrap().group(firstGroup).channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            received.add(buf.toString(java.nio.charset.StandardCharsets.US_ASCII));
                            buf.release();
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("one", java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("one", received.poll(10, TimeUnit.SECONDS));

            EventLoop before = client.eventLoop();
            client.deregister().sync();
            assertEquals(1, first.counters().epollCtlDels(), first.counters().toString());
            // Sent while the client belongs to no loop: it waits in the client's socket, and no edge will
            // come for it after the client joins the second loop - only the ADD's own report of readiness.
            child.get(10, TimeUnit.SECONDS).writeAndFlush(
                    Unpooled.copiedBuffer("pushed", java.nio.charset.StandardCharsets.US_ASCII)).sync();
            Thread.sleep(100);
            assertTrue(received.isEmpty());
            secondGroup.next().register(client).sync();
            assertEquals("pushed", received.poll(10, TimeUnit.SECONDS));
            assertNotSame(before, client.eventLoop());
            assertEquals(1, second.counters().epollCtlAdds(), second.counters().toString());
            client.writeAndFlush(Unpooled.copiedBuffer("two", java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("two", received.poll(10, TimeUnit.SECONDS));
            assertTrue(client.isActive());
            client.close().sync();
            assertEquals(1, second.counters().epollCtlDels());
            server.close().sync();
        } finally {
            serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            firstGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            secondGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
