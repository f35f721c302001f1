package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@code DetectPeerCloseWithoutReadTest} (its base class ships in
 * {@code netty-transport-native-unix-common-tests}, which this build does not use; epoll and kqueue run it), rebuilt
 * for GoNetpoll: the peer writes 100 bytes and closes, and the GoNetpoll side reads with auto-read off,
 * {@code MAX_MESSAGES_PER_READ} 1 and a fixed 10-byte receive buffer, so that one {@code read()} cannot take it all.
 * What must hold: all 100 bytes are read and the close is seen ({@code channelInactive}), both when the handler asks
 * for more with {@code read()} after each message and when it never asks at all: the peer's close alone must make the
 * channel read to the end, as Netty's epoll does on {@code EPOLLRDHUP}. That runs the edge latch (the close arrives
 * while nothing is parked), the explicit read of a full buffer ({@code FIONREAD}) and the read-on-to-EOF path.
 *
 * <p>As in the original: a GoNetpoll server detects its client's close, and a GoNetpoll client detects its server's
 * close; here the peer is GoNetpoll or NIO. Afterwards every GoNetpoll socket left epoll and the process holds the fds
 * it held before.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DetectPeerCloseWithoutReadTest {
    private static final int EXPECTED_BYTES = 100;

    /** The other end's transport. */
    enum Peer {
        GONETPOLL(GoNetpollServerSocketChannel.class, GoNetpollSocketChannel.class),
        NIO(NioServerSocketChannel.class, NioSocketChannel.class);

        final Class<? extends ServerChannel> serverChannel;
        final Class<? extends SocketChannel> socketChannel;

        Peer(Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
            this.serverChannel = serverChannel;
            this.socketChannel = socketChannel;
        }
    }

    private long fdsBefore;
    private GoNetpollIoHandlerFactory goNetpollFactory;
    private EventLoopGroup goNetpoll;
    private EventLoopGroup nio;

    @BeforeEach
    void setUp() {
        fdsBefore = OpenFiles.count();
        goNetpollFactory = GoNetpollIoHandler.newFactory();
        goNetpoll = new MultiThreadIoEventLoopGroup(1, goNetpollFactory);
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        goNetpoll.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        nio.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        assertEquals(fdsBefore, OpenFiles.awaitValue(OpenFiles::count, fdsBefore, 10), "open fds");
    }

    static Stream<Arguments> peersAndReads() {
        return Stream.of(Peer.values()).flatMap(peer -> Stream.of(Arguments.of(peer, false), Arguments.of(peer, true)));
    }

    @ParameterizedTest(name = "GoNetpoll server, {0} client, read() after each message: {1}")
    @MethodSource("peersAndReads")
    void clientCloseWithoutServerReadIsDetected(Peer client, boolean extraReadRequested) throws Exception {
        Reader reader = new Reader(extraReadRequested);
        Channel server = new ServerBootstrap().group(goNetpoll).channel(GoNetpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(EXPECTED_BYTES / 10))
                .childHandler(reader)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            Channel channel = new Bootstrap().group(groupOf(client)).channel(client.socketChannel)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            writeAndClose(channel);
            reader.assertReadAllAndSawTheClose();
        } finally {
            server.close().sync();
        }
        assertEveryGoNetpollSocketLeftEpoll();
    }

    @ParameterizedTest(name = "{0} server, GoNetpoll client, read() after each message: {1}")
    @MethodSource("peersAndReads")
    void serverCloseWithoutClientReadIsDetected(Peer server, boolean extraReadRequested) throws Exception {
        Channel listener = new ServerBootstrap().group(groupOf(server)).channel(server.serverChannel)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        writeAndClose(ctx.channel());
                        ctx.fireChannelActive();
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            Reader reader = new Reader(extraReadRequested);
            new Bootstrap().group(goNetpoll).channel(GoNetpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(EXPECTED_BYTES / 10))
                    .handler(reader)
                    .connect(listener.localAddress()).sync();
            reader.assertReadAllAndSawTheClose();
        } finally {
            listener.close().sync();
        }
        assertEveryGoNetpollSocketLeftEpoll();
    }

    private EventLoopGroup groupOf(Peer peer) {
        return peer == Peer.GONETPOLL ? goNetpoll : nio;
    }

    private static void writeAndClose(Channel channel) {
        ByteBuf buf = channel.alloc().buffer(EXPECTED_BYTES);
        buf.writerIndex(buf.writerIndex() + EXPECTED_BYTES);
        channel.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }

    private void assertEveryGoNetpollSocketLeftEpoll() throws InterruptedException {
        long adds = goNetpollFactory.counters().epollCtlAdds();
        assertEquals(adds, OpenFiles.awaitValue(() -> goNetpollFactory.counters().epollCtlDels(), adds, 10),
                () -> "a DEL for every ADD: " + goNetpollFactory.counters());
    }

    /** Counts what one connection reads, optionally asking for more after each message, until it is inactive. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Reader extends ChannelInitializer<Channel> {
        private final boolean extraReadRequested;
        private final AtomicInteger bytesRead = new AtomicInteger();
        private final AtomicInteger largestMessage = new AtomicInteger();
        private final List<Throwable> exceptions = new CopyOnWriteArrayList<>();
        private final CountDownLatch inactive = new CountDownLatch(1);

        Reader(boolean extraReadRequested) {
            this.extraReadRequested = extraReadRequested;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    bytesRead.addAndGet(buf.readableBytes());
                    largestMessage.accumulateAndGet(buf.readableBytes(), Math::max);
                    buf.release();
                    if (extraReadRequested) {
                        // Auto-read is off: ask for the next message, until the close is seen.
                        ctx.read();
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    exceptions.add(cause);
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    inactive.countDown();
                    ctx.fireChannelInactive();
                }
            });
        }

        void assertReadAllAndSawTheClose() throws InterruptedException {
            assertTrue(inactive.await(10, TimeUnit.SECONDS), "the peer's close was not seen; bytes read: "
                    + bytesRead.get());
            assertEquals(EXPECTED_BYTES, bytesRead.get(), "bytes read");
            assertTrue(largestMessage.get() <= EXPECTED_BYTES / 10,
                    "a message larger than the 10-byte buffer: " + largestMessage.get());
            assertEquals(List.of(), exceptions, "exceptionCaught");
        }
    }
}
