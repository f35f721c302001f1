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
            // Arrived, and the first loop has made a turn since: had the socket stayed in its epoll, it would have
            // been read in that turn.
            GoNetpollSocket socket = ((GoNetpollSocketChannel) client).socket;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (socket.receiveQueueBytes() < 6 && received.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            LoopTurns.await(before, () -> first.counters().epollWaits());
            assertTrue(received.isEmpty(), "read while the client belonged to no loop: " + received);
            assertEquals(6, socket.receiveQueueBytes(), "bytes waiting in the client's socket");
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

    /** A flush parked on a full send buffer survives the move: the new loop's edge resumes it. */
    @Test
    void aParkedFlushResumesOnTheNewLoop() throws Exception {
        GoNetpollIoHandlerFactory first = GoNetpollIoHandler.newFactory();
        GoNetpollIoHandlerFactory second = GoNetpollIoHandler.newFactory();
        EventLoopGroup firstGroup = new MultiThreadIoEventLoopGroup(1, first);
        EventLoopGroup secondGroup = new MultiThreadIoEventLoopGroup(1, second);
        int bytes = 8 << 20;
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            listener.setReceiveBufferSize(16 << 10);
            GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(firstGroup)
                    .channel(GoNetpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            try (java.net.Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                io.netty.channel.ChannelFuture write = client.writeAndFlush(Unpooled.wrappedBuffer(new byte[bytes]));
                awaitOnLoop(client, () -> client.pollDesc.isParked(Sides.WRITE), "the flush parked");
                client.deregister().sync();
                secondGroup.next().register(client).sync();

                byte[] buf = new byte[64 << 10];
                int total = 0;
                java.io.InputStream in = peer.getInputStream();
                while (total < bytes) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                assertEquals(bytes, total);
                assertTrue(write.await(10, TimeUnit.SECONDS), "the parked flush resumed on the new loop");
                assertTrue(write.isSuccess(), String.valueOf(write.cause()));
            } finally {
                client.close().sync();
            }
        } finally {
            firstGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            secondGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A connect in progress survives the move: the socket joins the new loop's epoll, and the connect completes
     * there. The listener's accept queue is full, so the SYN is dropped and the connect hangs until a place
     * frees and the kernel retransmits the SYN (about a second later).
     */
    @Test
    void aConnectInProgressCompletesOnTheNewLoop() throws Exception {
        GoNetpollIoHandlerFactory first = GoNetpollIoHandler.newFactory();
        GoNetpollIoHandlerFactory second = GoNetpollIoHandler.newFactory();
        EventLoopGroup firstGroup = new MultiThreadIoEventLoopGroup(1, first);
        EventLoopGroup secondGroup = new MultiThreadIoEventLoopGroup(1, second);
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, loopback)) {
            java.net.InetSocketAddress address = (java.net.InetSocketAddress) listener.getLocalSocketAddress();
            boolean full = false;
            for (int i = 0; i < 16 && !full; i++) {
                java.net.Socket filler = new java.net.Socket();
                fillers.add(filler);
                try {
                    filler.connect(address, 200);
                } catch (java.net.SocketTimeoutException queueFull) {
                    full = true;
                }
            }
            assertTrue(full, "the accept queue filled up");
            GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(firstGroup)
                    .channel(GoNetpollSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                    .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .register().sync().channel();
            io.netty.channel.ChannelFuture connect = client.connect(address);
            try {
                awaitOnLoop(client, client::isConnectPending, "the connect is in progress");
                client.deregister().sync();
                secondGroup.next().register(client).sync();
                // Make room: the retransmitted SYN is then accepted into the queue.
                listener.accept().close();
                assertTrue(connect.await(15, TimeUnit.SECONDS), "the connect completed on the new loop");
                assertTrue(connect.isSuccess(), String.valueOf(connect.cause()));
                assertEquals(1, second.counters().epollCtlAdds(), second.counters().toString());
            } finally {
                client.close().sync();
            }
        } finally {
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
            firstGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            secondGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A deadline set while the channel belongs to no loop goes with it to the next one. The loop it left may be
     * gone by then: the setter must not post to it (that was a {@code RejectedExecutionException} to the caller
     * and a deadline lost), nor run there while the new loop runs the channel.
     */
    @Test
    void aDeadlineSetBetweenLoopsIsKeptByTheNextLoop() throws Exception {
        GoNetpollIoHandlerFactory serverFactory = GoNetpollIoHandler.newFactory();
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, serverFactory);
        EventLoopGroup firstGroup = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        EventLoopGroup secondGroup = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(serverGroup).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            BlockingQueue<Throwable> caught = new LinkedBlockingQueue<>();
            GoNetpollSocketChannel client = (GoNetpollSocketChannel) new Bootstrap().group(firstGroup)
                    .channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            caught.add(cause);
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.deregister().sync();
            assertTrue(firstGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));

            client.setReadDeadline(System.nanoTime() - 1);
            secondGroup.register(client).sync();

            Throwable cause = caught.poll(10, TimeUnit.SECONDS);
            assertTrue(cause instanceof ReadDeadlineExceededException, "the read deadline set between loops: " + cause);
            assertTrue(client.isOpen(), "a read deadline does not close the channel");
            client.close().sync();
            server.close().sync();
        } finally {
            firstGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            secondGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private static void awaitOnLoop(Channel channel, java.util.concurrent.Callable<Boolean> condition, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!channel.eventLoop().submit(condition).get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(channel.eventLoop().submit(condition).get(), what);
    }
}
