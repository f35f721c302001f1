package io.gonetpoll.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix-domain channels keep TCP's Go-style promises (docs/architecture.md#the-read-path): a request costs one
 * read and no EAGAIN read, each socket one epoll_ctl ADD and one DEL; and they never leave data in the kernel
 * behind a message that stopped a read early (a passed file descriptor), which a short read on a Unix stream
 * socket cannot rule out (docs/epoll-pitfalls.md#a-short-read-is-not-always-a-drained-socket). Socket files
 * live in a directory JUnit creates and removes.
 */
class DomainSocketChannelTest {
    private static final int TIMEOUT_SECONDS = 10;

    @RegisterExtension
    final LoopGroup loops = new LoopGroup(1);

    @TempDir
    Path dir;

    private DomainSocketAddress newAddress() {
        return new DomainSocketAddress(dir.resolve(UUID.randomUUID() + ".sock").toString());
    }

    /**
     * 2,000 64-byte round trips from the JDK's blocking Unix-domain client: every read is short and ends at no
     * ancillary data, so it counts as drained: no read may return EAGAIN, and none needs a receive-queue question.
     */
    @Test
    void requestCostsOneReadAndNoEagainRead() throws Exception {
        int requests = 2000;
        DomainSocketAddress address = newAddress();
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .childHandler(EchoHandler.INSTANCE)
                .bind(address).sync().channel();
        assertTrue(Files.exists(Path.of(address.path())), "the listener's socket file");
        ByteBuffer request = ByteBuffer.allocate(64);
        ByteBuffer response = ByteBuffer.allocate(64);
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(address.path()));
            for (int i = 0; i < requests; i++) {
                request.clear().put(0, (byte) i);
                while (request.hasRemaining()) {
                    client.write(request);
                }
                response.clear();
                while (response.hasRemaining()) {
                    assertTrue(client.read(response) >= 0, "EOF after " + i + " responses");
                }
                assertEquals((byte) i, response.get(0));
            }
        }
        GoNetpollLoopCounters counters = loops.factory().counters();
        Await.until("the child's DEL", () -> loops.factory().counters().epollCtlDels() == 1);
        counters = loops.factory().counters();
        assertEquals(0, counters.readsWouldBlock(), counters.toString());
        assertEquals(requests + 1, counters.readSyscalls(), "one read per request and one for EOF: " + counters);
        assertEquals(0, counters.receiveQueueQueries(), "a short read without ancillary data needs no question: "
                + counters);
        assertEquals(2, counters.epollCtlAdds(), "listener and child: " + counters);
        server.close().sync();
        assertEquals(2, loops.factory().counters().epollCtlDels(), counters.toString());
        assertFalse(Files.exists(Path.of(address.path())), "close deletes the socket file, as epoll's listener");
    }

    /**
     * A passed descriptor and 5 bytes behind it, both queued before the reader's first read (autoRead off, one
     * read() at a time): the first read stops after the descriptor's byte, short, with "hello" still queued and
     * its edge spent. The next read() must find it. Checked to hang when every short read counted as drained.
     */
    @Test
    void bytesBehindAPassedDescriptorAreReadWithExplicitReads() throws Exception {
        Pair pair = connectedPair(false);
        ByteBuf received = Unpooled.buffer();
        try {
            pair.sendDescriptorThen("hello");
            while (received.readableBytes() < 6) {
                pair.child.read();
                ByteBuf next = pair.reads.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(next, "read() after " + received.readableBytes() + " of 6 bytes got nothing: "
                        + loops.factory().counters());
                received.writeBytes(next);
                next.release();
            }
            received.skipBytes(1);
            assertEquals("hello", received.toString(StandardCharsets.US_ASCII));
            assertEquals(1, loops.factory().counters().receiveQueueQueries(),
                    "the read that ended at the descriptor asked the queue: " + loops.factory().counters());
        } finally {
            received.release();
            pair.close();
        }
    }

    /** The same with autoRead turned on once both are queued: the read loop must not park with "hello" queued. */
    @Test
    void bytesBehindAPassedDescriptorAreReadUnderAutoRead() throws Exception {
        Pair pair = connectedPair(false);
        ByteBuf received = Unpooled.buffer();
        try {
            pair.sendDescriptorThen("hello");
            pair.child.config().setAutoRead(true);
            while (received.readableBytes() < 6) {
                ByteBuf next = pair.reads.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(next, "nothing read after " + received.readableBytes() + " of 6 bytes: "
                        + loops.factory().counters());
                received.writeBytes(next);
                next.release();
            }
            received.skipBytes(1);
            assertEquals("hello", received.toString(StandardCharsets.US_ASCII));
        } finally {
            received.release();
            pair.close();
        }
    }

    /**
     * FILE_DESCRIPTORS with autoRead off and one read() per message: each read() delivers one descriptor, and
     * the receive-queue question spares every read() an EAGAIN read.
     */
    @Test
    void oneDescriptorPerExplicitRead() throws Exception {
        int descriptors = 100;
        Pair pair = connectedPair(true);
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            for (int i = 0; i < descriptors; i++) {
                pair.client.write(pipe[0]);
            }
            pair.client.writeAndFlush(Unpooled.EMPTY_BUFFER).sync();
            for (int i = 0; i < descriptors; i++) {
                pair.child.read();
                Object msg = pair.messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(msg, "read() #" + (i + 1) + " got nothing: " + loops.factory().counters());
                FileDescriptor fd = assertInstanceOf(FileDescriptor.class, msg);
                assertTrue(fd.isOpen());
                assertTrue(Files.isSymbolicLink(Path.of("/proc/self/fd/" + fd.intValue())));
                fd.close();
                assertTrue(pair.messages.isEmpty(), "one message per read()");
            }
            assertEquals(0, loops.factory().counters().readsWouldBlock(), loops.factory().counters().toString());
        } finally {
            pipe[0].close();
            pipe[1].close();
            pair.close();
        }
    }

    /** SO_PEERCRED: both ends are this process. */
    @Test
    void peerCredentialsAreThisProcess() throws Exception {
        Pair pair = connectedPair(false);
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            for (GoNetpollDomainSocketChannel channel : new GoNetpollDomainSocketChannel[] {pair.client, pair.child}) {
                PeerCredentials credentials = channel.peerCredentials();
                assertEquals(ProcessHandle.current().pid(), credentials.pid(), credentials.toString());
                assertEquals(uid, credentials.uid(), credentials.toString());
                assertArrayEquals(new int[] {gid}, credentials.gids(), credentials.toString());
            }
        } finally {
            pair.close();
        }
    }

    /** Go's read deadline on a domain socket: the parked read fails once, the channel stays open. */
    @Test
    void readDeadlineExpiresOnAnIdleConnection() throws Exception {
        Pair pair = connectedPair(false);
        try {
            pair.child.config().setAutoRead(true);
            pair.child.setReadDeadline(Duration.ofMillis(100));
            Throwable cause = pair.errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertInstanceOf(ReadDeadlineExceededException.class, cause);
            assertTrue(pair.child.isOpen());
            pair.child.setReadDeadline(0);
            pair.client.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)).sync();
            ByteBuf next = pair.reads.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(next, "a read after the deadline was cleared");
            next.release();
        } finally {
            pair.close();
        }
    }

    /**
     * WRITE_TIMEOUT_MILLIS on a domain socket: a peer that reads nothing lets the flush park, and 200 ms without
     * progress fail it with WriteDeadlineExceededException and close the channel (docs/architecture.md#deadlines).
     */
    @Test
    void writeTimeoutFailsAFlushThatCannotProgress() throws Exception {
        Pair pair = connectedPair(false);
        try {
            pair.client.config().setOption(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS, 200);
            ChannelFuture write = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[8 << 20]));
            assertTrue(write.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the flush neither finished nor failed");
            assertInstanceOf(WriteDeadlineExceededException.class, write.cause());
            assertTrue(pair.client.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertTrue(loops.factory().counters().writesWouldBlock() > 0, loops.factory().counters().toString());
        } finally {
            pair.close();
        }
    }

    /** A Linux abstract name ('\0' first, Netty's encoding): it works and leaves nothing in the file system. */
    @Test
    void abstractNamespaceServer() throws Exception {
        DomainSocketAddress address = new DomainSocketAddress("\0gonetpoll-test-" + UUID.randomUUID());
        Channel server = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerDomainSocketChannel.class)
                .childHandler(EchoHandler.INSTANCE).bind(address).sync().channel();
        BlockingQueue<ByteBuf> reads = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(loops.group()).channel(GoNetpollDomainSocketChannel.class)
                .handler(new Collector(reads, new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>()))
                .connect(address).sync().channel();
        try {
            assertEquals(address, client.remoteAddress());
            assertEquals(address, server.localAddress());
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            ByteBuf echoed = reads.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(echoed);
            assertEquals("ping", echoed.toString(StandardCharsets.US_ASCII));
            echoed.release();
            assertTrue(Files.readString(Path.of("/proc/net/unix")).contains("@" + address.path().substring(1)),
                    "listed as an abstract socket");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    private Pair connectedPair(boolean fileDescriptors) throws Exception {
        DomainSocketAddress address = newAddress();
        CompletableFuture<GoNetpollDomainSocketChannel> child = new CompletableFuture<>();
        Pair pair = new Pair();
        ServerBootstrap sb = new ServerBootstrap().group(loops.group()).channel(GoNetpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Collector(pair.reads, pair.messages, pair.errors));
                        child.complete((GoNetpollDomainSocketChannel) ch);
                    }
                });
        if (fileDescriptors) {
            sb.childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS);
        }
        pair.server = sb.bind(address).sync().channel();
        pair.client = (GoNetpollDomainSocketChannel) new Bootstrap().group(loops.group())
                .channel(GoNetpollDomainSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(address).sync().channel();
        pair.child = child.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return pair;
    }

    private static final class Pair {
        final BlockingQueue<ByteBuf> reads = new LinkedBlockingQueue<>();
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        Channel server;
        GoNetpollDomainSocketChannel client;
        GoNetpollDomainSocketChannel child;

        /** A descriptor (a pipe's read end), then {@code text}, in one flush that completes before this returns. */
        void sendDescriptorThen(String text) throws Exception {
            FileDescriptor[] pipe = FileDescriptor.pipe();
            try {
                client.write(pipe[0]);
                client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).sync();
            } finally {
                pipe[0].close();
                pipe[1].close();
            }
        }

        void close() throws Exception {
            client.close().sync();
            child.close().sync();
            server.close().sync();
            for (ByteBuf buf; (buf = reads.poll()) != null; ) {
                buf.release();
            }
            for (Object msg; (msg = messages.poll()) != null; ) {
                ((FileDescriptor) msg).close();
            }
        }
    }

    /** Byte buffers to {@code reads}, other messages to {@code messages}, exceptions to {@code errors}. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<ByteBuf> reads;
        private final BlockingQueue<Object> messages;
        private final BlockingQueue<Throwable> errors;

        Collector(BlockingQueue<ByteBuf> reads, BlockingQueue<Object> messages, BlockingQueue<Throwable> errors) {
            this.reads = reads;
            this.messages = messages;
            this.errors = errors;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                reads.add((ByteBuf) msg);
            } else {
                messages.add(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

}
