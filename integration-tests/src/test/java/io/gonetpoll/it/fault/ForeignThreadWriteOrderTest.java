package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.gonetpoll.it.OpenFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Stress: 16 threads that are not the channel's loop write to one GoNetpoll client channel at the same time,
 * each a numbered series of length-prefixed frames of varying size, mixing {@code writeAndFlush} with
 * {@code write} + a later flush, so the loop runs foreign writes, gathering writes and parked flushes together.
 *
 * <p>What must hold: a GoNetpoll server decoding the frames sees, for every thread, sequence numbers 0 to N-1
 * in order with none missing or repeated (Netty orders the writes of one thread; the transport must keep that
 * order on the wire); every write future succeeds; the sockets leave epoll and the fds are closed afterwards.
 */
class ForeignThreadWriteOrderTest {
    private static final int THREADS = 16;
    private static final int MESSAGES_PER_THREAD = 5_000;
    /** Frame: int length, int thread, int sequence, then 0 to 63 filler bytes. */
    private static final int HEADER = 12;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyThreadsFramesArriveInOrder() throws Exception {
        GoNetpollIoHandlerFactory factory = GoNetpollIoHandler.newFactory();
        try (ShutdownOnClose loops = new ShutdownOnClose(new MultiThreadIoEventLoopGroup(2, factory))) {
            EventLoopGroup group = loops.group;
            OrderChecker checker = new OrderChecker();
            Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1024, 0, 4, 0, 4), checker);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            OpenFiles.Baseline fdsBefore = OpenFiles.baseline();
            Channel client = new Bootstrap().group(group).channel(GoNetpollSocketChannel.class)
                    .handler(new LifecycleCounter())
                    .connect(server.localAddress()).sync().channel();

            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            ChannelFutureListener recordFailure = f -> {
                if (!f.isSuccess()) {
                    writeFailure.compareAndSet(null, f.cause());
                }
            };
            CyclicBarrier startTogether = new CyclicBarrier(THREADS);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread writer = new Thread(() -> writeSeries(client, thread, startTogether, recordFailure),
                        "foreign-writer-" + t);
                writers.add(writer);
                writer.start();
            }
            for (Thread writer : writers) {
                writer.join(TimeUnit.SECONDS.toMillis(20));
                assertFalse(writer.isAlive(), writer.getName() + " is stuck");
            }

            assertEquals(THREADS * MESSAGES_PER_THREAD, checker.frames.get(20, TimeUnit.SECONDS), "frames received");
            assertNull(checker.disorder.get(), "order of frames");
            for (int t = 0; t < THREADS; t++) {
                assertEquals(MESSAGES_PER_THREAD, checker.next[t], "frames of thread " + t);
            }
            assertNull(writeFailure.get(), "a write failed");

            client.close().sync();
            assertEquals(2L, OpenFiles.awaitValue(() -> factory.counters().epollCtlDels(), 2, 10),
                    () -> "client and accepted socket leave epoll: " + factory.counters());
            assertEquals(3L, factory.counters().epollCtlAdds(),
                    () -> "listener, client, accepted: " + factory.counters());
            assertEquals(Map.of(), fdsBefore.awaitOpenedSinceClosed(10), "fds opened by the test and still open");
            server.close().sync();
        }
    }

    /** Every third frame is only written; the next writeAndFlush (or the final flush) sends it. */
    private static void writeSeries(Channel channel, int thread, CyclicBarrier startTogether,
                                    ChannelFutureListener recordFailure) {
        try {
            startTogether.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int seq = 0; seq < MESSAGES_PER_THREAD; seq++) {
            int filler = (seq * 31 + thread) & 63;
            ByteBuf frame = channel.alloc().directBuffer(HEADER + filler);
            frame.writeInt(HEADER - 4 + filler).writeInt(thread).writeInt(seq).writeZero(filler);
            if (seq % 3 == 2) {
                channel.write(frame).addListener(recordFailure);
            } else {
                channel.writeAndFlush(frame).addListener(recordFailure);
            }
        }
        channel.flush();
    }

    /**
     * Checks each thread's sequence numbers as frames arrive (on the one child's loop), remembers the first
     * disorder, and completes {@link #frames} once every frame arrived.
     */
    @ChannelHandler.Sharable
    private static final class OrderChecker extends ChannelInboundHandlerAdapter {
        /** Next expected sequence number per thread; written by the child's loop, read after {@link #frames}. */
        final int[] next = new int[THREADS];
        final AtomicReference<String> disorder = new AtomicReference<>();
        final CompletableFuture<Integer> frames = new CompletableFuture<>();
        private final AtomicInteger received = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int thread = frame.readInt();
                int seq = frame.readInt();
                if (thread < 0 || thread >= THREADS) {
                    disorder.compareAndSet(null, "frame from unknown thread " + thread);
                } else if (seq != next[thread]) {
                    disorder.compareAndSet(null, "thread " + thread + ": expected " + next[thread] + ", got " + seq);
                    next[thread] = seq + 1;
                } else {
                    next[thread]++;
                }
            } finally {
                frame.release();
            }
            if (received.incrementAndGet() == THREADS * MESSAGES_PER_THREAD) {
                frames.complete(received.get());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            frames.completeExceptionally(cause);
            ctx.close();
        }
    }
}
