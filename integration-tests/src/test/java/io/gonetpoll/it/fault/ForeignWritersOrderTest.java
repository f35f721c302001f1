package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 threads, none of them the channel's loop, write framed messages to one GoNetpoll channel at once. Netty
 * promises that the writes of one thread keep their order (they are queued as tasks of the loop, in order); the
 * receiver checks, per writer, that sequence numbers arrive as 0, 1, 2, ... with none lost or repeated, and that
 * frames are never torn (a torn or interleaved frame breaks the length decoding).
 */
class ForeignWritersOrderTest {
    private static final int WRITERS = 16;
    private static final int MESSAGES_PER_WRITER = 5000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eachWritersOrderIsKept() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, GoNetpollIoHandler.newFactory());
        Receiver receiver = new Receiver();
        try {
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(64, 0, 4, 0, 4), receiver);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();

            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int seq = 0; seq < MESSAGES_PER_WRITER; seq++) {
                        ByteBuf frame = client.alloc().buffer(12).writeInt(8).writeInt(writer).writeInt(seq);
                        // Flush now and then, so writes and flushes from many threads interleave.
                        if (seq % 7 == 0) {
                            client.writeAndFlush(frame, client.voidPromise());
                        } else {
                            client.write(frame, client.voidPromise());
                        }
                    }
                    client.flush();
                }, "writer-" + w);
                writers.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : writers) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertEquals(WRITERS * MESSAGES_PER_WRITER, receiver.done.get(30, TimeUnit.SECONDS));
            for (int w = 0; w < WRITERS; w++) {
                assertEquals(MESSAGES_PER_WRITER, receiver.next[w], "messages from writer " + w);
            }
            assertTrue(receiver.errors.isEmpty(), receiver.errors::toString);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Checks each frame against the next sequence number expected from its writer. Runs on one loop thread. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        final int[] next = new int[WRITERS];
        final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        private int frames;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int writer = frame.readInt();
                int seq = frame.readInt();
                if (writer < 0 || writer >= WRITERS || frame.isReadable()) {
                    errors.add("malformed frame: writer " + writer);
                } else if (seq != next[writer]) {
                    errors.add("writer " + writer + ": got " + seq + ", expected " + next[writer]);
                    next[writer] = seq + 1;
                } else {
                    next[writer]++;
                }
            } finally {
                frame.release();
            }
            if (++frames == WRITERS * MESSAGES_PER_WRITER) {
                done.complete(frames);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause.toString());
            done.completeExceptionally(cause);
        }
    }
}
